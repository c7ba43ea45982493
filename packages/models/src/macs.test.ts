import { a, emptyGraph, makeNode, Tensor, type Model } from '@lastmile/core';
import { describe, expect, it } from 'vitest';
import { macs } from './macs.js';
import { parameterCount } from './parameters.js';

function model(build: (g: ReturnType<typeof emptyGraph>) => void): Model {
  const graph = emptyGraph();
  build(graph);
  return { irVersion: 8, opsets: new Map([['', 17]]), graph, metadata: new Map() };
}

const zeros = (dims: number[]) => Tensor.zeros('float32', dims);

describe('macs', () => {
  it('counts Conv, ConvTranspose, Gemm and MatMul by hand-checked formulas, and nothing else', () => {
    const m = model((g) => {
      g.inputs.push({ name: 'x', type: 'float32', shape: [2, 4, 8, 8] });
      g.initializers.set('w', zeros([6, 2, 3, 3]));
      g.initializers.set('wt', zeros([6, 3, 2, 2]));
      g.initializers.set('gw', zeros([10, 5]));
      g.nodes.push(makeNode('Conv', ['x', 'w'], ['c'], { group: a.int(2) }));
      g.valueInfo.set('c', { name: 'c', type: 'float32', shape: [2, 6, 8, 8] });
      g.nodes.push(makeNode('ConvTranspose', ['c', 'wt'], ['t']));
      g.nodes.push(makeNode('Relu', ['c'], ['r']));
      g.inputs.push({ name: 'p', type: 'float32', shape: [5, 3] });
      g.nodes.push(makeNode('Gemm', ['p', 'gw'], ['y'], { transA: a.int(1), transB: a.int(1) }));
      g.outputs.push({ name: 'y', type: 'float32', shape: [3, 10] });
      g.inputs.push({ name: 'l', type: 'float32', shape: [4, 7, 9] });
      g.inputs.push({ name: 'r2', type: 'float32', shape: [9, 11] });
      g.nodes.push(makeNode('MatMul', ['l', 'r2'], ['mm']));
      g.outputs.push({ name: 'mm', type: 'float32', shape: [4, 7, 11] });
    });
    const conv = 2 * 6 * 8 * 8 * (2 * 3 * 3);
    const convTranspose = 2 * 6 * 8 * 8 * (3 * 2 * 2);
    const gemm = 3 * 10 * 5;
    const matmul = 4 * 7 * 11 * 9;
    expect(macs(m)).toBe(conv + convTranspose + gemm + matmul);
  });

  it('names the node and value when a shape is unknown or symbolic', () => {
    const m = model((g) => {
      g.inputs.push({ name: 'x', type: 'float32', shape: ['batch', 3] });
      g.initializers.set('w', zeros([4, 3]));
      g.nodes.push(makeNode('Gemm', ['x', 'w'], ['y'], { transB: a.int(1) }, 'fc'));
    });
    expect(() => macs(m)).toThrow(
      expect.objectContaining({ code: 'LM_SHAPE', details: expect.objectContaining({ node: 'fc', value: 'x' }) }),
    );
  });
});

describe('parameterCount', () => {
  it('counts float weights, BatchNormalization scale and bias, not running statistics, integer or scalar constants', () => {
    const m = model((g) => {
      g.initializers.set('w', zeros([8, 3, 3, 3]));
      for (const name of ['scale', 'bias', 'mean', 'var']) g.initializers.set(name, zeros([8]));
      g.initializers.set('shape', new Tensor('int64', [1n, -1n]));
      g.initializers.set('max', new Tensor('float32', [6], []));
      g.nodes.push(makeNode('Conv', ['x', 'w'], ['c']));
      g.nodes.push(makeNode('BatchNormalization', ['c', 'scale', 'bias', 'mean', 'var'], ['b']));
    });
    expect(parameterCount(m)).toBe(8 * 27 + 16);
  });
});
