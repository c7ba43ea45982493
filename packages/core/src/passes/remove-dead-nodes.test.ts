import { describe, expect, it } from 'vitest';
import { a } from '../ir/attributes.js';
import { makeNode } from '../ir/graph.js';
import { Tensor } from '../tensor.js';
import { removeDeadNodes } from './remove-dead-nodes.js';
import { buildModel, maxOutputDifference, randomFeeds } from './testing.js';

describe('removeDeadNodes', () => {
  it('drops nodes that reach no output, unused initializers and their value_info', () => {
    const model = buildModel({
      inputs: [{ name: 'x', type: 'float32', shape: [4, 2] }],
      outputs: ['y'],
      nodes: [
        makeNode('Split', ['x'], ['p', 'q'], { axis: a.int(0), num_outputs: a.int(2) }, 'split'),
        makeNode('Neg', ['q'], ['dead1']),
        makeNode('Add', ['dead1', 'w_dead'], ['dead2']),
        makeNode('Relu', ['p'], ['y']),
      ],
      initializers: { w_dead: new Tensor('float32', [1], [1]), orphan: new Tensor('float32', [2], [1]) },
      valueInfo: [
        { name: 'dead2', type: 'float32', shape: [2, 2] },
        { name: 'p', type: 'float32', shape: [2, 2] },
      ],
    });
    const pruned = removeDeadNodes(model);
    // Split stays: one of its outputs is live.
    expect(pruned.graph.nodes.map((n) => n.name)).toEqual(['split', 'y']);
    expect([...pruned.graph.initializers.keys()]).toEqual([]);
    expect([...pruned.graph.valueInfo.keys()]).toEqual(['p']);
    expect(model.graph.nodes).toHaveLength(4);
    expect(maxOutputDifference(model, pruned, randomFeeds(model, 2))).toBe(0);
  });

  it('keeps graph inputs even when nothing reads them', () => {
    const model = buildModel({
      inputs: [
        { name: 'x', type: 'float32', shape: [1] },
        { name: 'unused', type: 'float32', shape: [1] },
      ],
      outputs: ['x'],
      nodes: [],
    });
    expect(removeDeadNodes(model).graph.inputs.map((i) => i.name)).toEqual(['x', 'unused']);
  });
});
