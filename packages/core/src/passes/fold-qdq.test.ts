import { describe, expect, it } from 'vitest';
import { a } from '../ir/attributes.js';
import { emptyGraph, makeNode, type Model } from '../ir/graph.js';
import { evaluateGraph } from '../ir/interpret.js';
import { SeededRandom } from '../random.js';
import { Tensor } from '../tensor.js';
import { foldQdq } from './fold-qdq.js';

/**
 * x -> Q -> DQ -> Conv(DQ(W), DQ(B)) -> Q -> DQ -> Add(with the DQ of x's pool) -> Q -> DQ -> GAP -> Q -> y.
 * `biasScale` lets a test break the bias's scale.
 */
function qdqNet(biasScale = (ws: number, xs: number) => Math.fround(ws * xs)): Model {
  const r = new SeededRandom(3);
  const g = emptyGraph('qdq');
  g.inputs.push({ name: 'x', type: 'float32', shape: [1, 2, 5, 5] });
  const param = (name: string, scale: number, zp: number) => {
    g.initializers.set(`${name}_s`, new Tensor('float32', [scale], []));
    g.initializers.set(`${name}_z`, new Tensor('uint8', [zp], []));
    return [`${name}_s`, `${name}_z`];
  };
  const qdq = (v: string, scale: number, zp: number) => {
    const p = param(v, scale, zp);
    g.nodes.push(
      makeNode('QuantizeLinear', [v, ...p], [`${v}_q`]),
      makeNode('DequantizeLinear', [`${v}_q`, ...p], [`${v}_dq`]),
    );
    return `${v}_dq`;
  };
  const ws = [0.01, 0.02];
  g.initializers.set(
    'W_q',
    new Tensor(
      'int8',
      Array.from({ length: 36 }, () => r.int(-127, 127)),
      [2, 2, 3, 3],
    ),
  );
  g.initializers.set('W_s', new Tensor('float32', ws, [2]));
  g.initializers.set('W_z', new Tensor('int8', [0, 0], [2]));
  g.initializers.set('B_q', new Tensor('int32', [100, -200], [2]));
  g.initializers.set(
    'B_s',
    new Tensor(
      'float32',
      ws.map((w) => biasScale(w, 0.02)),
      [2],
    ),
  );
  g.initializers.set('B_z', new Tensor('int32', [0, 0], [2]));
  const x = qdq('x', 0.02, 128);
  g.nodes.push(
    makeNode('DequantizeLinear', ['W_q', 'W_s', 'W_z'], ['W'], { axis: a.int(0) }),
    makeNode('DequantizeLinear', ['B_q', 'B_s', 'B_z'], ['B'], { axis: a.int(0) }),
    makeNode('Conv', [x, 'W', 'B'], ['c'], { pads: a.ints([1, 1, 1, 1]) }),
  );
  const c = qdq('c', 0.03, 120);
  g.nodes.push(makeNode('Add', [c, x], ['s']));
  const s = qdq('s', 0.04, 125);
  g.nodes.push(makeNode('GlobalAveragePool', [s], ['p']));
  const p = param('p', 0.01, 128);
  g.nodes.push(makeNode('QuantizeLinear', ['p', ...p], ['y']));
  g.outputs.push({ name: 'y', type: 'uint8' }, { name: 's_q', type: 'uint8' });
  return { irVersion: 8, opsets: new Map([['', 13]]), graph: g, metadata: new Map() };
}

describe('foldQdq', () => {
  it('folds Conv, Add and GlobalAveragePool between Q/DQ pairs into quantized ops', () => {
    const folded = foldQdq(qdqNet());
    const ops = folded.graph.nodes.map((n) => `${n.domain ? `${n.domain}.` : ''}${n.opType}`);
    expect(ops).toEqual(
      expect.arrayContaining(['QLinearConv', 'com.microsoft.QLinearAdd', 'com.microsoft.QLinearGlobalAveragePool']),
    );
    expect(ops).not.toContain('Conv');
    expect(folded.opsets.get('com.microsoft')).toBe(1);
    const x = new SeededRandom(5).floatTensor([1, 2, 5, 5], -2, 2);
    const out = evaluateGraph(folded, { x });
    expect(out.y.dims).toEqual([1, 2, 1, 1]);
    expect(out.s_q.type).toBe('uint8');
  });

  it('leaves what onnxruntime would not fold the same way: mixed 8-bit types, weights scaled along another axis, a zero scale', () => {
    const mixed = qdqNet();
    mixed.graph.initializers.set('s_z', new Tensor('int8', [0], []));
    expect(foldQdq(mixed).graph.nodes.map((n) => n.opType)).toContain('Add');
    const sideways = qdqNet();
    const dq = sideways.graph.nodes.find((n) => n.outputs[0] === 'W') as (typeof sideways.graph.nodes)[number];
    dq.attributes.set('axis', a.int(1));
    expect(foldQdq(sideways).graph.nodes.map((n) => n.opType)).toContain('Conv');
    const zero = qdqNet();
    zero.graph.initializers.set('c_s', new Tensor('float32', [0], []));
    expect(foldQdq(zero).graph.nodes.map((n) => n.opType)).toContain('Conv');
  });

  it('folds DQ(a), DQ(b) -> MatMul -> Q into QLinearMatMul, within one step of the float path', () => {
    const g = emptyGraph('matmul');
    g.inputs.push({ name: 'x', type: 'float32', shape: [3, 5] });
    const r = new SeededRandom(8);
    const set = (name: string, t: Tensor) => g.initializers.set(name, t);
    set('x_s', new Tensor('float32', [0.02], []));
    set('x_z', new Tensor('uint8', [128], []));
    set(
      'w_q',
      new Tensor(
        'int8',
        Array.from({ length: 20 }, () => r.int(-127, 127)),
        [5, 4],
      ),
    );
    set('w_s', new Tensor('float32', [0.01], []));
    set('w_z', new Tensor('int8', [0], []));
    set('y_s', new Tensor('float32', [0.05], []));
    set('y_z', new Tensor('uint8', [120], []));
    g.nodes.push(
      makeNode('QuantizeLinear', ['x', 'x_s', 'x_z'], ['x_q']),
      makeNode('DequantizeLinear', ['x_q', 'x_s', 'x_z'], ['x_dq']),
      makeNode('DequantizeLinear', ['w_q', 'w_s', 'w_z'], ['w']),
      makeNode('MatMul', ['x_dq', 'w'], ['m']),
      makeNode('QuantizeLinear', ['m', 'y_s', 'y_z'], ['y']),
    );
    g.outputs.push({ name: 'y', type: 'uint8' });
    const model: Model = { irVersion: 8, opsets: new Map([['', 13]]), graph: g, metadata: new Map() };
    const folded = foldQdq(model);
    const ops = folded.graph.nodes.map((n) => n.opType);
    expect(ops).toContain('QLinearMatMul');
    expect(ops).not.toContain('MatMul');
    const x = new SeededRandom(2).floatTensor([3, 5], -2, 2);
    const [integer, float] = [evaluateGraph(folded, { x }).y, evaluateGraph(model, { x }).y];
    for (let i = 0; i < 12; i++)
      expect(Math.abs(Number(integer.data[i]) - Number(float.data[i]))).toBeLessThanOrEqual(1);
  });

  it('leaves a Conv whose bias is not at scale x times W, and a value with other readers', () => {
    const unmatched = foldQdq(qdqNet((w, x) => Math.fround(w * x * 2)));
    expect(unmatched.graph.nodes.map((n) => n.opType)).toContain('Conv');
    const model = qdqNet();
    model.graph.outputs.push({ name: 'c', type: 'float32' });
    expect(foldQdq(model).graph.nodes.map((n) => n.opType)).toContain('Conv');
  });
});
