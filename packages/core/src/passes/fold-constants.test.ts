import { describe, expect, it } from 'vitest';
import { a } from '../ir/attributes.js';
import { makeNode } from '../ir/graph.js';
import { Tensor } from '../tensor.js';
import { foldConstants } from './fold-constants.js';
import { buildModel, maxOutputDifference, randomFeeds } from './testing.js';

const x = { name: 'x', type: 'float32' as const, shape: [2, 3] };

describe('foldConstants', () => {
  it('evaluates all-constant nodes into initializers, Constant nodes included', () => {
    const model = buildModel({
      inputs: [x],
      outputs: ['y'],
      nodes: [
        makeNode('Constant', [], ['c'], { value: a.tensor(new Tensor('float32', [1, 2, 3], [3])) }),
        makeNode('Add', ['c', 'b'], ['w']),
        makeNode('Mul', ['w', 'w'], ['w2']),
        makeNode('Add', ['x', 'w2'], ['y']),
      ],
      initializers: { b: new Tensor('float32', [0.5], [1]) },
    });
    const folded = foldConstants(model);
    expect(folded.graph.nodes.map((n) => n.name)).toEqual(['y']);
    expect([...(folded.graph.initializers.get('w2')?.data ?? [])]).toEqual([2.25, 6.25, 12.25]);
    expect(model.graph.nodes).toHaveLength(4);
    expect(model.graph.initializers.has('w2')).toBe(false);
    expect(maxOutputDifference(model, folded, randomFeeds(model, 1))).toBe(0);
  });

  it('folds a Constant that is a graph output', () => {
    const model = buildModel({
      inputs: [],
      outputs: ['c'],
      nodes: [makeNode('Constant', [], ['c'], { value: a.tensor(new Tensor('float32', [4], [1])) })],
    });
    const folded = foldConstants(model);
    expect(folded.graph.nodes).toHaveLength(0);
    expect(maxOutputDifference(model, folded, {})).toBe(0);
  });

  it('leaves random ops, nodes fed by runtime inputs and unknown ops alone', () => {
    const model = buildModel({
      inputs: [x],
      outputs: ['r', 'y', 'u'],
      nodes: [
        makeNode('RandomNormal', [], ['r'], { shape: a.ints([2]) }),
        makeNode('Relu', ['x'], ['y']),
        makeNode('Frobnicate', ['b'], ['u'], {}, 'u', 'com.example'),
      ],
      initializers: { b: new Tensor('float32', [1], [1]) },
    });
    expect(foldConstants(model).graph.nodes.map((n) => n.name)).toEqual(['r', 'y', 'u']);
  });

  it('does not fold a result over 16 MiB', () => {
    const model = buildModel({
      inputs: [],
      outputs: [
        { name: 'big', type: 'float32' },
        { name: 'small', type: 'float32' },
      ],
      nodes: [makeNode('ConstantOfShape', ['shape'], ['big']), makeNode('ConstantOfShape', ['shape2'], ['small'])],
      initializers: {
        shape: new Tensor('int64', [5n, 1024n, 1024n], [3]),
        shape2: new Tensor('int64', [4n, 1024n, 1024n], [3]),
      },
    });
    const folded = foldConstants(model);
    expect(folded.graph.nodes.map((n) => n.name)).toEqual(['big']);
    expect(folded.graph.initializers.get('small')?.dims).toEqual([4, 1024, 1024]);
  });
});
