import { describe, expect, it } from 'vitest';
import { a } from '../ir/attributes.js';
import { makeNode, type Model, type Node } from '../ir/graph.js';
import { SeededRandom } from '../random.js';
import { Tensor } from '../tensor.js';
import { foldBatchNorm } from './fold-batch-norm.js';
import { buildModel, maxOutputDifference, randomFeeds } from './testing.js';

/** BatchNormalization parameters for `channels` channels, variance kept positive. */
function bnParams(random: SeededRandom, channels: number): Record<string, Tensor> {
  return {
    scale: random.floatTensor([channels], 0.5, 2),
    beta: random.floatTensor([channels]),
    mean: random.floatTensor([channels]),
    var: random.floatTensor([channels], 0.1, 3),
  };
}

const bn = (input: string, output: string) =>
  makeNode('BatchNormalization', [input, 'scale', 'beta', 'mean', 'var'], [output], { epsilon: a.float(1e-3) }, 'bn');

function convBnModel(
  conv: Node,
  weights: Record<string, Tensor>,
  channels: number,
  seed: number,
  extra: Node[] = [],
  outputs = ['y'],
): Model {
  return buildModel({
    inputs: [{ name: 'x', type: 'float32', shape: [1, 4, 5, 5] }],
    outputs,
    nodes: [conv, bn('c', 'n'), makeNode('Relu', ['n'], ['y']), ...extra],
    initializers: { ...weights, ...bnParams(new SeededRandom(seed), channels) },
  });
}

const opTypes = (model: Model) => model.graph.nodes.map((n) => n.opType);

describe('foldBatchNorm', () => {
  const random = new SeededRandom(7);
  const W = random.floatTensor([6, 4, 3, 3]);
  const B = random.floatTensor([6]);

  it('folds BN into a Conv with bias, keeping outputs', () => {
    const model = convBnModel(
      makeNode('Conv', ['x', 'W', 'B'], ['c'], { pads: a.ints([1, 1, 1, 1]) }, 'conv'),
      { W, B },
      6,
      11,
    );
    const after = foldBatchNorm(model);
    expect(opTypes(after)).toEqual(['Conv', 'Relu']);
    expect(after.graph.nodes[0]).toMatchObject({ name: 'conv', inputs: ['x', 'W_bn', 'B_bn'], outputs: ['n'] });
    // The original weights are untouched: other nodes may share them.
    expect(after.graph.initializers.get('W')).toBe(W);
    expect(maxOutputDifference(model, after, randomFeeds(model, 12))).toBeLessThan(1e-4);
  });

  it('leaves BN alone when variance + epsilon is 0: folding would make NaN of what is +-Inf (issue 13, item 6)', () => {
    const model = convBnModel(
      makeNode('Conv', ['x', 'W', 'B'], ['c'], { pads: a.ints([1, 1, 1, 1]) }, 'conv'),
      { W, B },
      6,
      11,
    );
    const zero = model.graph.initializers.get('var') as Tensor;
    model.graph.initializers.set('var', new Tensor('float32', new Float32Array(zero.size), zero.dims));
    model.graph.nodes[1] = makeNode(
      'BatchNormalization',
      ['c', 'scale', 'beta', 'mean', 'var'],
      ['n'],
      {
        epsilon: a.float(0),
      },
      'bn',
    );
    const after = foldBatchNorm(model);
    expect(opTypes(after)).toEqual(['Conv', 'BatchNormalization', 'Relu']);
  });

  it('folds BN into a bias-free grouped Conv', () => {
    const Wg = new SeededRandom(8).floatTensor([6, 2, 3, 3]);
    const model = convBnModel(makeNode('Conv', ['x', 'W'], ['c'], { group: a.int(2) }, 'conv'), { W: Wg }, 6, 13);
    const after = foldBatchNorm(model);
    expect(after.graph.nodes[0].inputs).toEqual(['x', 'W_bn', 'conv_bias_bn']);
    expect(maxOutputDifference(model, after, randomFeeds(model, 14))).toBeLessThan(1e-4);
  });

  it('folds BN into a grouped ConvTranspose', () => {
    // ConvTranspose weights are [C, M/group, k, k]: 4 input channels, group 2, 3 per group -> 6 outputs.
    const Wt = new SeededRandom(9).floatTensor([4, 3, 2, 2]);
    const model = convBnModel(
      makeNode('ConvTranspose', ['x', 'W', 'B'], ['c'], { group: a.int(2), strides: a.ints([2, 2]) }, 'deconv'),
      { W: Wt, B },
      6,
      15,
    );
    const after = foldBatchNorm(model);
    expect(opTypes(after)).toEqual(['ConvTranspose', 'Relu']);
    expect(maxOutputDifference(model, after, randomFeeds(model, 16))).toBeLessThan(1e-4);
  });

  it('leaves BN alone when the Conv output has another reader or is a graph output', () => {
    const conv = makeNode('Conv', ['x', 'W', 'B'], ['c'], {}, 'conv');
    const shared = convBnModel(conv, { W, B }, 6, 17, [makeNode('Neg', ['c'], ['z'])], ['y', 'z']);
    expect(opTypes(foldBatchNorm(shared))).toEqual(['Conv', 'BatchNormalization', 'Relu', 'Neg']);
    const exposed = convBnModel(conv, { W, B }, 6, 18, [], ['y', 'c']);
    expect(opTypes(foldBatchNorm(exposed))).toEqual(['Conv', 'BatchNormalization', 'Relu']);
  });

  it('leaves a standalone BN, and one after a Conv with runtime weights', () => {
    const standalone = buildModel({
      inputs: [{ name: 'c', type: 'float32', shape: [1, 6, 2, 2] }],
      outputs: ['n'],
      nodes: [bn('c', 'n')],
      initializers: bnParams(new SeededRandom(19), 6),
    });
    expect(opTypes(foldBatchNorm(standalone))).toEqual(['BatchNormalization']);
    const runtime = convBnModel(makeNode('Conv', ['x', 'Wx'], ['c']), {}, 6, 20);
    runtime.graph.inputs.push({ name: 'Wx', type: 'float32', shape: [6, 4, 3, 3] });
    expect(opTypes(foldBatchNorm(runtime))).toEqual(['Conv', 'BatchNormalization', 'Relu']);
  });
});
