/**
 * Property: any byte-level mutation of a valid model (flip, truncate, inflate a varint, splice) either
 * loads or throws a lastmile error: never a RangeError, TypeError or anything else.
 */
import { a, emptyGraph, isLastmileError, makeNode, Tensor } from '@lastmile/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { model } from './fixtures.js';
import { decodeModel, encodeModel } from './index.js';

function baseModel(): Uint8Array {
  const branch = emptyGraph('body');
  branch.outputs.push({ name: 'o', type: 'float32', shape: [2] });
  branch.nodes.push(makeNode('Constant', [], ['o'], { value: a.tensor(new Tensor('float32', [1, 2], [2])) }));
  const g = emptyGraph('base');
  g.inputs.push({ name: 'x', type: 'float32', shape: ['n', 2] });
  g.inputs.push({ name: 'c', type: 'bool', shape: [] });
  g.outputs.push({ name: 'y', type: 'float32', shape: ['n', 2] });
  g.initializers.set('w', new Tensor('float32', [1, 2, 3, 4], [2, 2]));
  g.initializers.set('shape', new Tensor('int64', [-1n, 2n], [2]));
  g.initializers.set('h', new Tensor('float16', new Uint16Array([0x3c00, 0x4000]), [2]));
  g.nodes.push(
    makeNode('MatMul', ['x', 'w'], ['m']),
    makeNode('Reshape', ['m', 'shape'], ['r']),
    makeNode('If', ['c'], ['b'], {
      then_branch: { type: 'graph', value: branch },
      else_branch: { type: 'graph', value: branch },
    }),
    makeNode('Add', ['r', 'b'], ['y'], { note: a.string('ok'), axes: a.ints([0, 1]), scales: a.floats([0.5]) }),
  );
  g.valueInfo.set('m', { name: 'm', type: 'float32', shape: ['n', 2] });
  return encodeModel({ ...model(g), metadata: new Map([['k', 'v']]), producerName: 'p' });
}

const base = baseModel();

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(base.length - 1), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(base.length - 1) }),
  fc.record({
    kind: fc.constant('inflate' as const),
    at: fc.nat(base.length - 1),
    bytes: fc.constantFrom(
      [0xff, 0xff, 0xff, 0xff, 0x0f],
      [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
      [0xfe, 0xff, 0xff, 0xff, 0x07],
    ),
  }),
  fc.record({
    kind: fc.constant('splice' as const),
    at: fc.nat(base.length - 1),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

/** Applies one mutation; positions past the end (after an earlier truncation) wrap around. */
function apply(bytes: Uint8Array, m: Mutation): Uint8Array {
  const out = [...bytes];
  const at = out.length === 0 ? 0 : m.at % out.length;
  if (m.kind === 'flip') out[at] ^= m.xor;
  else if (m.kind === 'truncate') out.length = at;
  else if (m.kind === 'inflate') out.splice(at, 1, ...(m.bytes as readonly number[]));
  else out.splice(at, 0, ...m.bytes);
  return Uint8Array.from(out);
}

describe('byte mutations of a valid model', () => {
  it('load or throw a LastmileError, never anything else', () => {
    expect(decodeModel(base).graph.nodes).toHaveLength(4);
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        const bytes = mutations.reduce(apply, base);
        try {
          decodeModel(bytes);
        } catch (error) {
          if (!isLastmileError(error)) throw error;
        }
      }),
      { seed: 20240611, numRuns: 300 },
    );
  });
});
