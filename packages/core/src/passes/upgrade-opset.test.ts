import { describe, expect, it } from 'vitest';
import { UnsupportedOpsetError } from '../errors.js';
import { a } from '../ir/attributes.js';
import { makeNode, opsetOf, type Node } from '../ir/graph.js';
import { evaluateGraph } from '../ir/interpret.js';
import { validateGraph } from '../ir/validate.js';
import { identicalTensors } from '../tensor.js';
import { buildModel, randomFeeds } from './testing.js';
import { upgradeOpset } from './upgrade-opset.js';

/** Nodes of `opset` reading x [2, 3, 4, 5] and writing y; checks the upgrade computes the same bits. */
function upgradesExactly(node: Node | Node[], opset: number) {
  const model = buildModel({
    inputs: [{ name: 'x', type: 'float32', shape: [2, 3, 4, 5] }],
    outputs: ['y'],
    nodes: [node].flat(),
    opset,
  });
  const upgraded = upgradeOpset(validateGraph(model));
  expect(opsetOf(upgraded)).toBe(13);
  const feeds = randomFeeds(model, 7);
  const [before, after] = [evaluateGraph(model, feeds).y, evaluateGraph(validateGraph(upgraded), feeds).y];
  expect(after.dims).toEqual(before.dims);
  expect(identicalTensors(before, after)).toBe(true);
  return upgraded.graph.nodes;
}

describe('upgradeOpset', () => {
  it('moves the attributes that became inputs: Slice, Clip, Pad, Squeeze, Unsqueeze, ReduceSum, Split, Dropout', () => {
    const cases: [Node, number][] = [
      [makeNode('Slice', ['x'], ['y'], { starts: a.ints([1, 0]), ends: a.ints([3, -1]), axes: a.ints([2, 3]) }), 9],
      [makeNode('Clip', ['x'], ['y'], { min: a.float(-0.5), max: a.float(0.75) }), 9],
      [makeNode('Clip', ['x'], ['y'], { max: a.float(0.25) }), 10],
      [makeNode('Pad', ['x'], ['y'], { pads: a.ints([0, 1, 0, 2, 0, 0, 1, 0]), value: a.float(1.5) }), 9],
      [makeNode('ReduceSum', ['x'], ['y'], { axes: a.ints([1, 3]), keepdims: a.int(0) }), 11],
      [makeNode('Unsqueeze', ['x'], ['y'], { axes: a.ints([0, 5]) }), 11],
      [makeNode('Split', ['x'], ['y', 'z'], { axis: a.int(3), split: a.ints([2, 3]) }), 11],
      [makeNode('Dropout', ['x'], ['y'], { ratio: a.float(0.25) }), 11],
    ];
    for (const [node, opset] of cases) {
      const nodes = upgradesExactly(node, opset);
      expect(nodes.map((n) => n.opType)).toEqual([node.opType]);
      expect([...nodes[0].attributes.keys()]).not.toContain('axes');
    }
    const squeezed = upgradesExactly(
      [
        makeNode('Unsqueeze', ['x'], ['u'], { axes: a.ints([1]) }),
        makeNode('Squeeze', ['u'], ['y'], { axes: a.ints([1]) }),
      ],
      9,
    );
    expect(squeezed.map((n) => n.inputs.length)).toEqual([2, 2]);
  });

  it("keeps Softmax's meaning: the last axis as it is, another axis through Flatten -> Softmax -> Reshape", () => {
    expect(upgradesExactly(makeNode('Softmax', ['x'], ['y'], { axis: a.int(3) }), 9).map((n) => n.opType)).toEqual([
      'Softmax',
    ]);
    for (const op of ['Softmax', 'LogSoftmax']) {
      const nodes = upgradesExactly(makeNode(op, ['x'], ['y'], { axis: a.int(1) }), 11);
      expect(nodes.map((n) => n.opType)).toEqual(['Shape', 'Flatten', op, 'Reshape']);
    }
    // The default axis before 13 is 1, not the last.
    expect(upgradesExactly(makeNode('Softmax', ['x'], ['y']), 7)).toHaveLength(4);
  });

  it('rewrites Upsample as Resize through opsets 9, 10 and 11', () => {
    const nodes = upgradesExactly(makeNode('Upsample', ['x'], ['y'], { scales: a.floats([1, 1, 2, 3]) }), 7);
    expect(nodes.map((n) => n.opType)).toEqual(['Resize']);
    expect(nodes[0].attributes.get('coordinate_transformation_mode')).toEqual(a.string('asymmetric'));
    expect(nodes[0].attributes.get('nearest_mode')).toEqual(a.string('floor'));
  });

  it('upgrades the bodies of control-flow nodes', () => {
    const body = buildModel({
      inputs: [],
      outputs: ['b'],
      nodes: [makeNode('Unsqueeze', ['x'], ['b'], { axes: a.ints([0]) })],
    }).graph;
    const model = buildModel({
      inputs: [
        { name: 'x', type: 'float32', shape: [2] },
        { name: 'c', type: 'bool', shape: [] },
      ],
      outputs: ['y'],
      nodes: [
        makeNode('If', ['c'], ['y'], {
          then_branch: { type: 'graph', value: body },
          else_branch: { type: 'graph', value: body },
        }),
      ],
      opset: 11,
    });
    const upgraded = upgradeOpset(model);
    const branch = upgraded.graph.nodes[0].attributes.get('then_branch');
    expect(branch?.type === 'graph' && branch.value.nodes[0].inputs).toHaveLength(2);
  });

  it('leaves newer models alone and refuses what cannot be rewritten', () => {
    const model = buildModel({ inputs: [{ name: 'x', type: 'float32', shape: [1] }], outputs: ['x'], nodes: [] });
    expect(upgradeOpset(model)).toBe(model);
    expect(() => upgradeOpset(model, 14)).toThrow(UnsupportedOpsetError);
    expect(() => upgradeOpset({ ...model, opsets: new Map([['', 6]]) })).toThrow(/reads opsets from 7/);
    const spatial = buildModel({
      inputs: [{ name: 'x', type: 'float32', shape: [1, 2, 3] }],
      outputs: ['y'],
      nodes: [makeNode('BatchNormalization', ['x', 's', 'b', 'm', 'v'], ['y'], { spatial: a.int(0) })],
      opset: 7,
    });
    expect(() => upgradeOpset(spatial)).toThrow(/spatial=0/);
  });
});
