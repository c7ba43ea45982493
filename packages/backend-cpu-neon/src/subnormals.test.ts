/**
 * Subnormals are kept, not flushed (docs/numerics.md): WebAssembly's float arithmetic is IEEE with
 * subnormals on x64 and on NEON alike, and no kernel may lose them through an approximation either. Tiny
 * inputs through every elementwise activation give the reference's values to a relative 1e-6, with no
 * absolute slack that would hide a flush to zero.
 */
import { a, Tensor } from '@lastmile/core';
import { describe, it } from 'vitest';
import { expectMatchesReference, oneNode } from './harness.js';

const TINY = [1e-40, -1e-40, 1.5e-39, -3e-39, 1e-38, 1e-30, -1e-20, 1e-10, 0, -0, 1e-6, -2e-5];
const x = new Tensor('float32', [...TINY, ...TINY.map((v) => v * 3)], [2, TINY.length]);

describe('subnormal and tiny inputs', () => {
  for (const [op, attributes] of [
    ['Relu', {}],
    ['LeakyRelu', { alpha: a.float(0.25) }],
    ['Tanh', {}],
    ['Sigmoid', {}],
    ['HardSigmoid', {}],
    ['HardSwish', {}],
    ['Abs', {}],
    ['Neg', {}],
    ['Sqrt', {}],
    ['Exp', {}],
  ] as const) {
    it(`${op} keeps them`, async () => {
      const input = op === 'Sqrt' ? new Tensor('float32', (x.data as Float32Array).map(Math.abs), x.dims) : x;
      await expectMatchesReference(oneNode(op, { x: input }, {}, ['x'], attributes), { rtol: 1e-6, atol: 0 });
    });
  }
});
