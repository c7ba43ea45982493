import { emptyGraph, makeNode, Session, Tensor } from '@lastmile/core';
import { describe, expect, it } from 'vitest';
import { backend } from './index.js';

describe('the example backend', () => {
  it('runs Mul with broadcasting, Add, Relu and Sigmoid, and declines other ops', async () => {
    const graph = emptyGraph('g');
    graph.inputs.push({ name: 'x', type: 'float32', shape: [2, 3] }, { name: 'y', type: 'float32', shape: [3] });
    graph.nodes.push(
      makeNode('Mul', ['x', 'y'], ['m']),
      makeNode('Add', ['m', 'y'], ['s']),
      makeNode('Relu', ['s'], ['r']),
      makeNode('Sigmoid', ['r'], ['out']),
    );
    graph.outputs.push({ name: 'out', type: 'float32', shape: [2, 3] });
    const session = await Session.init(
      { irVersion: 8, opsets: new Map([['', 17]]), graph, metadata: new Map() },
      { backends: [backend], fallback: false, optimization: 'none' },
    );
    const out = await session.run({
      x: new Tensor('float32', [1, -2, 3, 0, 5, -6], [2, 3]),
      y: new Tensor('float32', [1, 2, 3]),
    });
    const expected = [2, -2, 12, 1, 12, -15].map((v) => 1 / (1 + Math.exp(-Math.max(0, v))));
    Array.from(out.out.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    await session.destroy();
    expect(
      backend.supports(makeNode('Conv', ['x', 'w'], ['y']), {
        opset: 17,
        valueType: () => ({ type: 'float32' }),
        constant: () => undefined,
      }),
    ).toMatchObject({ supported: false });
    expect(
      backend.supports(makeNode('Add', ['a', 'b'], ['c']), {
        opset: 17,
        valueType: () => ({ type: 'int32' }),
        constant: () => undefined,
      }),
    ).toMatchObject({ supported: false });
  });
});
