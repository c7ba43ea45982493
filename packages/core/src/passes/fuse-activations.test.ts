import { describe, expect, it } from 'vitest';
import { a } from '../ir/attributes.js';
import { makeNode, type Attribute, type Model, type Node } from '../ir/graph.js';
import { SeededRandom } from '../random.js';
import { Tensor } from '../tensor.js';
import { fuseActivations } from './fuse-activations.js';
import { optimize } from './optimize.js';
import { buildModel, maxOutputDifference, randomFeeds } from './testing.js';

const random = new SeededRandom(21);
const W = random.floatTensor([3, 2, 3, 3]);
const B = random.floatTensor([3]);

function convAct(act: Node, opset = 17, initializers: Record<string, Tensor> = {}): Model {
  return buildModel({
    inputs: [{ name: 'x', type: 'float32', shape: [1, 2, 6, 6] }],
    outputs: ['y'],
    nodes: [
      makeNode('Conv', ['x', 'W', 'B'], ['c'], { pads: a.ints([1, 1, 1, 1]), strides: a.ints([2, 2]) }, 'conv'),
      act,
    ],
    initializers: { W, B, ...initializers },
    opset,
  });
}

const act = (opType: string, attributes: Record<string, Attribute> = {}, inputs = ['c']) =>
  makeNode(opType, inputs, ['y'], attributes, 'act');

describe('fuseActivations', () => {
  const cases: [string, Model, number[] | undefined][] = [
    ['Relu', convAct(act('Relu')), undefined],
    ['LeakyRelu', convAct(act('LeakyRelu', { alpha: a.float(0.25) })), [0.25]],
    ['LeakyRelu', convAct(act('LeakyRelu')), [0.01]],
    ['Sigmoid', convAct(act('Sigmoid')), undefined],
    ['Tanh', convAct(act('Tanh')), undefined],
    ['HardSigmoid', convAct(act('HardSigmoid', { alpha: a.float(0.3), beta: a.float(0.4) })), [0.3, 0.4]],
    ['HardSwish', convAct(act('HardSwish')), undefined],
    [
      'Clip',
      convAct(act('Clip', {}, ['c', 'lo', 'hi']), 17, {
        lo: new Tensor('float32', [-0.5], []),
        hi: new Tensor('float32', [0.5], []),
      }),
      [-0.5, 0.5],
    ],
    [
      'Clip',
      convAct(act('Clip', {}, ['c', '', 'hi']), 17, { hi: new Tensor('float32', [6], []) }),
      [-3.4028234663852886e38, 6],
    ],
    ['Clip', convAct(act('Clip', { min: a.float(0), max: a.float(6) }), 10), [0, 6]],
  ];
  it.each(cases)('fuses Conv + %s into FusedConv with the same outputs', (name, model, params) => {
    const fused = fuseActivations(model);
    expect(fused.graph.nodes).toHaveLength(1);
    const node = fused.graph.nodes[0];
    expect(node).toMatchObject({
      name: 'conv',
      domain: 'lastmile',
      opType: 'FusedConv',
      inputs: ['x', 'W', 'B'],
      outputs: ['y'],
    });
    expect(node.attributes.get('activation')).toEqual({ type: 'string', value: name });
    expect(node.attributes.get('strides')).toEqual(a.ints([2, 2]));
    const got = node.attributes.get('activation_params');
    expect(got?.type === 'floats' ? got.value.map((v) => Math.fround(v)) : got).toEqual(
      params?.map((v) => Math.fround(v)),
    );
    expect(fused.opsets.get('lastmile')).toBe(1);
    expect(model.opsets.has('lastmile')).toBe(false);
    expect(maxOutputDifference(model, fused, randomFeeds(model, 22))).toBeLessThan(1e-5);
  });

  it('leaves a Clip with computed bounds, a shared Conv output and other activations alone', () => {
    const computed = convAct(act('Clip', {}, ['c', '', 'hi']));
    computed.graph.inputs.push({ name: 'hi', type: 'float32', shape: [] });
    expect(fuseActivations(computed).graph.nodes.map((n) => n.opType)).toEqual(['Conv', 'Clip']);
    const shared = convAct(act('Relu'));
    shared.graph.nodes.push(makeNode('Neg', ['c'], ['z']));
    shared.graph.outputs.push({ name: 'z', type: 'float32' });
    expect(fuseActivations(shared).graph.nodes.map((n) => n.opType)).toEqual(['Conv', 'Relu', 'Neg']);
    expect(fuseActivations(convAct(act('Exp'))).graph.nodes.map((n) => n.opType)).toEqual(['Conv', 'Exp']);
  });

  it('fuses one activation only, and is not part of optimize', () => {
    const model = convAct(act('Relu'));
    model.graph.nodes.push(makeNode('Sigmoid', ['y'], ['z']));
    model.graph.outputs = [{ name: 'z', type: 'float32' }];
    expect(fuseActivations(model).graph.nodes.map((n) => n.opType)).toEqual(['FusedConv', 'Sigmoid']);
    expect(fuseActivations(fuseActivations(model)).graph.nodes.map((n) => n.opType)).toEqual(['FusedConv', 'Sigmoid']);
    expect(optimize(model).graph.nodes.map((n) => n.opType)).toEqual(['Conv', 'Relu', 'Sigmoid']);
  });
});
