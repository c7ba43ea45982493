/**
 * The unary ops, the broadcasting binary ops and BatchNormalization against the reference kernels.
 */
import { a, Tensor } from '@lastmile/core';
import { constant } from '@lastmile/testing';
import { describe, it } from 'vitest';
import { expectOpMatchesReference, holdDevice, rand } from './ops-harness.js';
import { onDevice } from './support.js';

const positive = (seed: number, dims: number[]) => {
  const t = rand(seed, dims);
  return new Tensor(
    'float32',
    (t.data as Float32Array).map((v) => Math.abs(v) + 0.1),
    dims,
  );
};

onDevice('on the OpenCL device', () => {
  holdDevice();

  describe('unary ops on gpu-opencl match the reference', () => {
    const cases: {
      op: string;
      attributes?: Record<string, ReturnType<typeof a.float>>;
      positive?: boolean;
      opset?: number;
      bounds?: [number, number];
    }[] = [
      { op: 'Relu' },
      { op: 'LeakyRelu', attributes: { alpha: a.float(0.2) } },
      { op: 'Sigmoid' },
      { op: 'HardSigmoid', attributes: { alpha: a.float(0.3), beta: a.float(0.4) } },
      { op: 'HardSwish' },
      { op: 'Tanh' },
      { op: 'Sqrt', positive: true },
      { op: 'Exp' },
      { op: 'Log', positive: true },
      { op: 'Neg' },
      { op: 'Abs' },
      { op: 'Erf' },
      { op: 'Clip', bounds: [-0.5, 0.25] },
      { op: 'Clip', opset: 10, attributes: { min: a.float(-0.1), max: a.float(0.3) } },
    ];
    for (const [i, c] of cases.entries()) {
      it(`${c.op}${c.opset ? ` opset ${c.opset}` : ''}`, () => {
        const x = c.positive ? positive(i, [2, 3, 5, 7]) : rand(i, [2, 3, 5, 7]).reshape([2, 3, 5, 7]);
        const scaled = new Tensor(
          'float32',
          (x.data as Float32Array).map((v) => v * 4),
          x.dims,
        );
        const bounds = c.bounds
          ? [constant(new Tensor('float32', [c.bounds[0]], [])), constant(new Tensor('float32', [c.bounds[1]], []))]
          : [];
        return expectOpMatchesReference({
          op: c.op,
          opset: c.opset,
          inputs: [c.positive ? x : scaled, ...bounds],
          attributes: c.attributes,
        });
      });
    }
  });

  // Comparisons, not fmax/clamp, in the kernels: OpenCL's clamp(NaN) is a bound. (The conformance kit's edge cases cover infinities.)
  describe('activations carry NaN as the reference does', () => {
    const edges = new Tensor('float32', [Number.NaN, -0, 3e38, -3e38, 1e-40, 0.5, -2], [7]);
    for (const op of ['Relu', 'LeakyRelu', 'HardSigmoid', 'HardSwish', 'Sigmoid', 'Tanh', 'Abs', 'Neg']) {
      it(op, () => expectOpMatchesReference({ op, inputs: [edges] }));
    }
    it('Clip', () =>
      expectOpMatchesReference({
        op: 'Clip',
        inputs: [edges, constant(new Tensor('float32', [-1], [])), constant(new Tensor('float32', [1], []))],
      }));
  });

  describe('binary ops on gpu-opencl broadcast as the reference does', () => {
    const shapes: [number[], number[]][] = [
      [
        [2, 3, 4, 5],
        [2, 3, 4, 5],
      ],
      [
        [2, 3, 4, 5],
        [3, 1, 1],
      ],
      [
        [1, 4, 1, 6],
        [3, 1, 5, 1],
      ],
      [[5], [2, 3, 5]],
      [[2, 3, 4], []],
    ];
    for (const op of ['Add', 'Sub', 'Mul', 'Div']) {
      for (const [i, [x, y]] of shapes.entries()) {
        for (const precision of ['fp32', 'fp16'] as const) {
          it(`${op} [${x}] with [${y}] (${precision})`, () => {
            const b = op === 'Div' ? positive(50 + i, y) : rand(50 + i, y);
            return expectOpMatchesReference({ op, inputs: [rand(i, x), i === 1 ? constant(b) : b] }, precision);
          });
        }
      }
    }
    it('Pow with a positive base', () =>
      expectOpMatchesReference({ op: 'Pow', inputs: [positive(1, [3, 4]), rand(2, [4])] }));
    it('PRelu with a per-channel slope', () =>
      expectOpMatchesReference({ op: 'PRelu', inputs: [rand(3, [2, 4, 3, 3]), constant(rand(4, [4, 1, 1]))] }));
  });

  describe('BatchNormalization (not folded) on gpu-opencl', () => {
    for (const precision of ['fp32', 'fp16'] as const) {
      it(`matches the reference (${precision})`, () =>
        expectOpMatchesReference(
          {
            op: 'BatchNormalization',
            inputs: [
              rand(1, [2, 5, 4, 3]),
              constant(rand(2, [5])),
              constant(rand(3, [5])),
              constant(rand(4, [5])),
              constant(positive(5, [5])),
            ],
            attributes: { epsilon: a.float(1e-3) },
          },
          precision,
        ));
    }
  });
});
