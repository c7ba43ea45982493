/**
 * Constant nodes too large for core to bake into initializers (the conv weights of PP-OCR det and rec)
 * reach the backend: they are uploaded once as weights, at fp32 and fp16, with fallback off.
 */
import { a, emptyGraph, evaluateGraph, makeNode, type Model, SeededRandom, Session } from '@lastmile/core';
import { expectClose } from '@lastmile/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { backend, liveObjects } from './index.js';
import { onDevice } from './support.js';

afterEach(() => {
  expect(liveObjects().total).toBe(0);
});

// Above core's MAX_PROPAGATED_ELEMENTS (65 536), so the Constant stays a node.
const DIMS = [1, 2, 200, 200];

function modelWithLargeConstant(): Model {
  const graph = emptyGraph('large_constant');
  graph.inputs.push({ name: 'x', type: 'float32', shape: DIMS });
  const value = new SeededRandom(7).floatTensor(DIMS);
  graph.nodes.push(
    makeNode('Constant', [], ['c'], { value: a.tensor(value) }),
    makeNode('Add', ['x', 'c'], ['s']),
    makeNode('Relu', ['s'], ['y']),
  );
  graph.outputs.push({ name: 'y', type: 'float32', shape: DIMS });
  return { irVersion: 8, opsets: new Map([['', 17]]), graph, metadata: new Map() };
}

describe('Constant support', () => {
  it('takes a tensor value and declines the other forms', () => {
    const context = {
      opset: 17,
      valueType: () => ({ type: 'float32' as const, shape: [2] }),
      constant: () => undefined,
    };
    expect(backend.supports(makeNode('Constant', [], ['c'], { value_floats: a.floats([1, 2]) }), context)).toEqual({
      supported: false,
      reason: "gpu-opencl takes Constant only with a tensor 'value' (core folds the other forms)",
    });
  });
});

onDevice('a large Constant node on the OpenCL device', () => {
  for (const [precision, tolerance] of [
    ['fp32', 1e-6],
    ['fp16', 1e-2],
  ] as const) {
    it(`is uploaded as a weight and read by the next kernel (${precision}, fallback off)`, async () => {
      const model = modelWithLargeConstant();
      const x = new SeededRandom(8).floatTensor(DIMS);
      const session = await Session.init(model, {
        backends: [backend],
        fallback: false,
        optimization: 'none',
        precision,
      });
      try {
        const out = await session.run({ x });
        expect(session.assignment?.nodes.map((n) => [n.op, n.backend])).toEqual([
          ['Constant', 'gpu-opencl'],
          ['Add', 'gpu-opencl'],
          ['Relu', 'gpu-opencl'],
        ]);
        expectClose(out.y, evaluateGraph(model, { x }).y, tolerance, tolerance, 'y');
      } finally {
        await session.destroy();
      }
    });
  }
});
