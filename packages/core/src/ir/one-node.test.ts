import { describe, expect, it } from 'vitest';
import { UnsupportedOpError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { a } from './attributes.js';
import { caseFeeds, caseNode, caseTensors, constant, singleNodeModel, type OneNodeCase } from './one-node.js';

const f32 = (dims: number[]) =>
  new Tensor('float32', new Float32Array(dims.reduce((n, d) => n * d, 1)).fill(0.5), dims);
const i64 = (values: number[]) => new Tensor('int64', values.map(BigInt), [values.length]);

describe('one-node cases', () => {
  it('names the node after the op, its inputs in<i> and its outputs out<i>', () => {
    const node = caseNode({ op: 'Split', inputs: [f32([4, 2])], attributes: { axis: a.int(0) }, outputs: 2 });
    expect(node).toMatchObject({
      name: 'Split_node',
      opType: 'Split',
      domain: '',
      inputs: ['in0'],
      outputs: ['out0', 'out1'],
    });
    expect(node.attributes.get('axis')).toEqual({ type: 'int', value: 0 });
  });

  it('keeps an omitted input in the middle as an empty name and drops trailing ones', () => {
    const x = f32([3]);
    expect(caseNode({ op: 'Clip', inputs: [x, undefined, constant(f32([]))] }).inputs).toEqual(['in0', '', 'in2']);
    expect(caseNode({ op: 'Clip', inputs: [x, undefined, undefined] }).inputs).toEqual(['in0']);
  });

  it('makes runtime inputs graph inputs and feeds, constants initializers', () => {
    const x = f32([2, 3]);
    const shape = i64([3, 2]);
    const c: OneNodeCase = { op: 'Reshape', opset: 14, inputs: [x, constant(shape)] };
    const model = singleNodeModel(c);
    expect(model.graph.name).toBe('case_Reshape');
    expect(model.graph.inputs).toEqual([{ name: 'in0', type: 'float32', shape: [2, 3] }]);
    expect([...model.graph.initializers]).toEqual([['in1', shape]]);
    expect(model.graph.nodes).toEqual([caseNode(c)]);
    expect(caseFeeds(c)).toEqual({ in0: x });
    expect(caseTensors(c)).toEqual([x, shape]);
  });

  it('types and shapes the outputs by shape inference, which reads constants', () => {
    const x = f32([2, 3]);
    expect(singleNodeModel({ op: 'Reshape', inputs: [x, constant(i64([3, -1]))] }).graph.outputs).toEqual([
      { name: 'out0', type: 'float32', shape: [3, 2] },
    ]);
    expect(singleNodeModel({ op: 'Shape', inputs: [x] }).graph.outputs).toEqual([
      { name: 'out0', type: 'int64', shape: [2] },
    ]);
    const split = singleNodeModel({ op: 'Split', opset: 13, inputs: [f32([4, 2]), constant(i64([1, 3]))], outputs: 2 });
    expect(split.graph.outputs.map((o) => o.shape)).toEqual([
      [1, 2],
      [3, 2],
    ]);
  });

  it('imports ONNX at the case opset, 17 by default', () => {
    expect([...singleNodeModel({ op: 'Relu', inputs: [f32([2])] }).opsets]).toEqual([['', 17]]);
    expect([...singleNodeModel({ op: 'Relu', opset: 13, inputs: [f32([2])] }).opsets]).toEqual([['', 13]]);
  });

  it('imports a custom domain at the case opset beside ONNX 17', () => {
    const c: OneNodeCase = {
      op: 'FusedConv',
      domain: 'lastmile',
      opset: 1,
      inputs: [f32([1, 2, 5, 5]), constant(f32([4, 2, 3, 3]))],
      attributes: { activation: a.string('Relu') },
    };
    const model = singleNodeModel(c);
    expect(model.opsets).toEqual(
      new Map([
        ['', 17],
        ['lastmile', 1],
      ]),
    );
    expect(model.graph.nodes[0]).toMatchObject({ name: 'FusedConv_node', domain: 'lastmile' });
    expect(model.graph.outputs).toEqual([{ name: 'out0', type: 'float32', shape: [1, 4, 3, 3] }]);
  });

  it('fails with UnsupportedOpError for an op core does not know', () => {
    expect(() => singleNodeModel({ op: 'NoSuchOp', inputs: [] })).toThrow(UnsupportedOpError);
  });
});
