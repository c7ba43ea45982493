import { a, emptyGraph, makeNode, SeededRandom, Session, Tensor, type Attribute, type Model } from '@lastmile/core';
import { describe, expect, it } from 'vitest';
import { foldInputAffine } from './fold-normalize.js';
import { createImage, type Image } from './image.js';
import { affineOf, imagesToTensor, type Normalization } from './layout.js';
import { normalizeStep, pipeline, step } from './pipeline.js';

const random = new SeededRandom(11);
const floats = (n: number) => Float32Array.from({ length: n }, () => random.normal());

/** x [N, 3, H, W] -> Conv 3x3 (4 outputs, stride 2, `attrs`) -> Relu -> y. */
function convModel(attrs: Record<string, Attribute>, options: { secondReader?: boolean; group?: number } = {}): Model {
  const group = options.group ?? 1;
  const graph = emptyGraph('fold');
  graph.inputs.push({ name: 'x', type: 'float32', shape: ['N', 3, 'H', 'W'] });
  const outC = group === 1 ? 4 : 3;
  graph.initializers.set('w', new Tensor('float32', floats(outC * (3 / group) * 9), [outC, 3 / group, 3, 3]));
  graph.initializers.set('b', new Tensor('float32', floats(outC), [outC]));
  graph.nodes.push(
    makeNode(
      'Conv',
      ['x', 'w', 'b'],
      ['c'],
      { kernel_shape: a.ints([3, 3]), strides: a.ints([2, 2]), group: a.int(group), ...attrs },
      'conv0',
    ),
  );
  graph.nodes.push(makeNode('Relu', ['c'], ['y']));
  graph.outputs.push({ name: 'y', type: 'float32' });
  if (options.secondReader) {
    graph.nodes.push(makeNode('Relu', ['x'], ['z']));
    graph.outputs.push({ name: 'z', type: 'float32' });
  }
  return { irVersion: 8, opsets: new Map([['', 13]]), graph, metadata: new Map() };
}

function randomImage(width: number, height: number): Image {
  return createImage(
    width,
    height,
    'rgb',
    Uint8Array.from({ length: width * height * 3 }, () => random.int(0, 255)),
  );
}

const NORM: Normalization = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], scale: 1 / 255 };

async function run(model: Model, x: Tensor): Promise<Float32Array> {
  const session = await Session.init(model, { backends: ['reference'] });
  try {
    return (await session.run({ x })).y.data as Float32Array;
  } finally {
    await session.destroy();
  }
}

describe('folding the input normalization into the first Conv', () => {
  it.each([
    ['zero padding (moved to a border of the raw value that normalizes to 0)', { pads: a.ints([1, 1, 1, 1]) }],
    ['asymmetric padding', { pads: a.ints([0, 1, 2, 1]) }],
    ['no padding', {}],
  ])('is exact with %s', async (_, attrs) => {
    const model = convModel(attrs);
    const images = [randomImage(9, 7), randomImage(6, 7)];
    const affine = affineOf(NORM, 3);
    const folded = foldInputAffine(model, affine);
    if (!folded.folded) throw new Error(folded.reason);
    expect(folded.node).toBe('conv0');
    const reference = await run(model, imagesToTensor(images, affine));
    const raw = { alpha: [1, 1, 1], beta: [0, 0, 0], fill: folded.fill };
    const got = await run(folded.model, imagesToTensor(images, raw, { border: folded.border }));
    expect(got.length).toBe(reference.length);
    reference.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 4));
    // The border value is the raw pixel whose normalized value is 0: mean * 255.
    folded.fill.forEach((v, c) => expect(v).toBeCloseTo(NORM.mean[c] * 255, 9));
  });

  it.each([
    ['the input has another reader', convModel({}, { secondReader: true }), /feeds 2 nodes/],
    ['the Conv is grouped', convModel({}, { group: 3 }), /grouped/],
    ['auto_pad SAME_UPPER', convModel({ auto_pad: a.string('SAME_UPPER') }), /auto_pad SAME_UPPER/],
  ])('is refused when %s', (_, model, reason) => {
    const result = foldInputAffine(model, affineOf(NORM, 3));
    expect(result.folded).toBe(false);
    if (!result.folded) expect(result.reason).toMatch(reason);
  });
});

describe('pipeline', () => {
  it('gives the same answer folded and not, with timings per stage', async () => {
    const model = convModel({ pads: a.ints([1, 1, 1, 1]) });
    const image = randomImage(10, 8);
    const spec = {
      pre: [step('flip', (im: Image) => im), normalizeStep({ ...NORM, order: 'bgr' })],
      model,
      post: (outputs: Record<string, Tensor>, input: Image) => ({
        sum: (outputs.y.data as Float32Array).reduce((s, v) => s + v, 0),
        width: input.width,
      }),
      session: { backends: ['reference'] },
    };
    const folded = await pipeline(spec);
    const plain = await pipeline({ ...spec, fold: false });
    expect(folded.folding).toEqual({ folded: true, node: 'conv0' });
    expect(plain.folding).toEqual({ folded: false, reason: 'folding is off' });
    const a1 = await folded.run(image);
    const a2 = await plain.run(image);
    expect(a1.output.width).toBe(10);
    expect(a1.output.sum).toBeCloseTo(a2.output.sum, 3);
    expect(a1.timings.map((t) => t.stage)).toEqual(['flip', 'normalize', 'model', 'post']);
    expect(a1.timings.every((t) => t.ms >= 0)).toBe(true);
    await folded.dispose();
    await plain.dispose();
  });
});
