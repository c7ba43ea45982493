/**
 * The conversions ONNX leaves undefined, as core's Cast defines them (bad-inputs row 42): float to integer
 * truncates toward zero, saturates and maps NaN to 0; a narrower integer wraps. cpu-neon must give exactly
 * what core's reference gives (onnxruntime differs by platform here, so it is not the oracle).
 */
import { a, emptyGraph, evaluateGraph, makeNode, Session, Tensor, type TensorType } from '@lastmile/core';
import { describe, expect, it } from 'vitest';
import { backend } from './index.js';

const CODES: Partial<Record<TensorType, number>> = { uint8: 2, int8: 3, int32: 6, int64: 7 };

async function castOnBoth(x: Tensor, to: TensorType): Promise<[string[], string[]]> {
  const graph = emptyGraph('cast');
  graph.inputs.push({ name: 'x', type: x.type, shape: [...x.dims] });
  graph.nodes.push(makeNode('Cast', ['x'], ['y'], { to: a.int(CODES[to]!) }));
  graph.outputs.push({ name: 'y', type: to, shape: [...x.dims] });
  const model = { irVersion: 8, opsets: new Map([['', 17]]), graph, metadata: new Map() };
  const session = await Session.init(model, { backends: [backend], fallback: false });
  try {
    const ours = (await session.run({ x })).y;
    const reference = evaluateGraph(model, { x }).y;
    return [[...ours.data].map(String), [...reference.data].map(String)];
  } finally {
    await session.destroy();
  }
}

describe('Cast where ONNX leaves the result undefined (row 42)', () => {
  const edges = new Tensor('float32', [
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    3e9,
    -3e9,
    2.7,
    -2.7,
    200,
    -200,
    1e20,
  ]);

  it.each([
    ['int32', '0,2147483647,-2147483648,2147483647,-2147483648,2,-2,200,-200,2147483647'],
    ['int8', '0,127,-128,127,-128,2,-2,127,-128,127'],
    ['uint8', '0,255,0,255,0,2,0,200,0,255'],
    ['int64', '0,9223372036854775807,-9223372036854775808,3000000000,-3000000000,2,-2,200,-200,9223372036854775807'],
  ] as const)('float32 -> %s truncates, saturates and maps NaN to 0, as the reference', async (to, expected) => {
    const [ours, reference] = await castOnBoth(edges, to);
    expect(ours.join(',')).toBe(expected);
    expect(ours).toEqual(reference);
  });

  it('int32 -> int8 and uint8 wrap, as the reference', async () => {
    const x = new Tensor('int32', [200, -200, 255, 256, -129, 2147483647]);
    for (const [to, expected] of [
      ['int8', '-56,56,-1,0,127,-1'],
      ['uint8', '200,56,255,0,127,255'],
    ] as const) {
      const [ours, reference] = await castOnBoth(x, to);
      expect(ours.join(',')).toBe(expected);
      expect(ours).toEqual(reference);
    }
  });
});
