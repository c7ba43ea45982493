import { describe, expect, it } from 'vitest';
import { makeNode, type Model } from '../ir/graph.js';
import { Tensor } from '../tensor.js';
import { removeIdentities } from './remove-identities.js';
import { buildModel, maxOutputDifference, randomFeeds } from './testing.js';

const x = { name: 'x', type: 'float32' as const, shape: [2, 3] };
const ops = (model: Model) =>
  model.graph.nodes.map((n) => `${n.opType}(${n.inputs.join(',')})->${n.outputs.join(',')}`);

function removeAndCompare(model: Model, seed: number): Model {
  const after = removeIdentities(model);
  expect(maxOutputDifference(model, after, randomFeeds(model, seed))).toBe(0);
  return after;
}

describe('removeIdentities', () => {
  it('rewires the consumers of an Identity to its input', () => {
    const model = buildModel({
      inputs: [x],
      outputs: ['y'],
      nodes: [
        makeNode('Relu', ['x'], ['a']),
        makeNode('Identity', ['a'], ['b']),
        makeNode('Identity', ['b'], ['c']),
        makeNode('Neg', ['c'], ['y']),
      ],
      valueInfo: [{ name: 'b', type: 'float32', shape: [2, 3] }],
    });
    const after = removeAndCompare(model, 3);
    expect(ops(after)).toEqual(['Relu(x)->a', 'Neg(a)->y']);
    expect(after.graph.valueInfo.has('b')).toBe(false);
    expect(model.graph.nodes).toHaveLength(4);
  });

  it('renames the producer when an Identity chain ends in a graph output', () => {
    const model = buildModel({
      inputs: [x],
      outputs: ['y'],
      nodes: [
        makeNode('Relu', ['x'], ['a']),
        makeNode('Identity', ['a'], ['b']),
        makeNode('Identity', ['b'], ['y']),
        makeNode('Neg', ['a'], ['unused']),
      ],
    });
    expect(ops(removeAndCompare(model, 4))).toEqual(['Relu(x)->y', 'Neg(y)->unused']);
  });

  it('keeps an Identity from a graph input or initializer to a graph output', () => {
    const model = buildModel({
      inputs: [x],
      outputs: ['y', 'z'],
      nodes: [makeNode('Identity', ['x'], ['y']), makeNode('Identity', ['w'], ['z'])],
      initializers: { w: new Tensor('float32', [1], [1]) },
    });
    expect(ops(removeAndCompare(model, 5))).toEqual(['Identity(x)->y', 'Identity(w)->z']);
  });

  it('keeps the second of two Identities that copy one value to two graph outputs', () => {
    const model = buildModel({
      inputs: [x],
      outputs: ['y1', 'y2'],
      nodes: [makeNode('Relu', ['x'], ['a']), makeNode('Identity', ['a'], ['y1']), makeNode('Identity', ['a'], ['y2'])],
    });
    expect(ops(removeAndCompare(model, 6))).toEqual(['Relu(x)->y1', 'Identity(y1)->y2']);
  });

  it('removes inference Dropout, but not one whose mask is used or that may train', () => {
    const model = buildModel({
      inputs: [x, { name: 'train', type: 'bool', shape: [] }],
      outputs: ['y', 'm2', 'y3', 'y4'],
      nodes: [
        makeNode('Dropout', ['x'], ['d1', 'm1'], {}, 'drop1'),
        makeNode('Relu', ['d1'], ['y']),
        makeNode('Dropout', ['x'], ['y2', 'm2'], {}, 'drop2'),
        makeNode('Neg', ['x'], ['n'], {}, 'neg'),
        makeNode('Dropout', ['n', 'ratio', 'no'], ['y3'], {}, 'drop3'),
        makeNode('Dropout', ['x', 'ratio', 'train'], ['y4'], {}, 'drop4'),
      ],
      initializers: { ratio: new Tensor('float32', [0.5], []), no: new Tensor('bool', [0], []) },
    });
    const after = removeIdentities(model);
    expect(after.graph.nodes.map((n) => n.name)).toEqual(['y', 'drop2', 'neg', 'drop4']);
    expect(ops(after)).toContain('Relu(x)->y');
    expect(ops(after)).toContain('Neg(x)->y3');
  });
});
