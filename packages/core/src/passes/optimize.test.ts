import { describe, expect, it } from 'vitest';
import { a } from '../ir/attributes.js';
import { makeNode, type Model } from '../ir/graph.js';
import { SeededRandom } from '../random.js';
import { Tensor } from '../tensor.js';
import { optimize } from './optimize.js';
import { buildModel, maxOutputDifference, randomFeeds } from './testing.js';

/** Conv -> BN -> Identity -> Add(constant subgraph) -> Dropout -> output, plus a dead branch, nodes out of order. */
function messyModel(): Model {
  const random = new SeededRandom(31);
  return buildModel({
    inputs: [{ name: 'x', type: 'float32', shape: [1, 3, 4, 4] }],
    outputs: ['y'],
    nodes: [
      makeNode('Dropout', ['sum'], ['y'], {}, 'drop'),
      makeNode('Conv', ['x', 'W', 'B'], ['c'], { pads: a.ints([1, 1, 1, 1]) }, 'conv'),
      makeNode('BatchNormalization', ['c', 'scale', 'beta', 'mean', 'var'], ['n'], {}, 'bn'),
      makeNode('Identity', ['n'], ['id'], {}, 'id'),
      makeNode('Constant', [], ['k'], { value: a.tensor(new Tensor('float32', [2], [1])) }, 'const'),
      makeNode('Mul', ['k', 'k'], ['k2'], {}, 'k2'),
      makeNode('Add', ['id', 'k2'], ['sum'], {}, 'add'),
      makeNode('Neg', ['x'], ['dead'], {}, 'dead'),
    ],
    initializers: {
      W: random.floatTensor([5, 3, 3, 3]),
      B: random.floatTensor([5]),
      scale: random.floatTensor([5], 0.5, 2),
      beta: random.floatTensor([5]),
      mean: random.floatTensor([5]),
      var: random.floatTensor([5], 0.1, 2),
    },
  });
}

describe('optimize', () => {
  it("at level 'none' only validates (topological order)", () => {
    const model = messyModel();
    const validated = optimize(model, { level: 'none' });
    expect(validated.graph.nodes.map((n) => n.name)).toEqual([
      'conv',
      'bn',
      'id',
      'const',
      'k2',
      'add',
      'drop',
      'dead',
    ]);
  });

  it('folds constants, identities and BatchNorm, drops dead nodes, and keeps the outputs', () => {
    const model = messyModel();
    const optimized = optimize(model);
    expect(optimized.graph.nodes.map((n) => n.name)).toEqual(['conv', 'add']);
    expect(optimized.graph.nodes[1].outputs).toEqual(['y']);
    expect([...optimized.graph.initializers.keys()].sort()).toEqual(['B_bn', 'W_bn', 'k2']);
    expect(model.graph.nodes).toHaveLength(8);
    expect(maxOutputDifference(model, optimized, randomFeeds(model, 32))).toBeLessThan(1e-4);
  });
});
