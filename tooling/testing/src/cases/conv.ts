/**
 * The Conv cases every backend runs, against the reference (and the reference against onnxruntime): one
 * table, so a shape one backend gets wrong is a shape every backend is tested on.
 */
import { a, type Attribute, SeededRandom } from '@lastmile/core';
import { constant, type OpCase } from '../one-node.js';

/** A Conv of the table: input and weight dims, a bias or not, attributes. */
export interface ConvShape {
  label: string;
  x: number[];
  w: number[];
  bias?: boolean;
  attributes?: Record<string, Attribute>;
}

const pads = (...p: number[]) => a.ints(p);

/**
 * 2-D, 1-D and 3-D; strides and dilations (per axis too), asymmetric pads, groups and depthwise, every
 * auto_pad, 1x1 with channel tails, odd channel counts, an empty batch and a wide one.
 */
export const CONV_SHAPES: readonly ConvShape[] = [
  {
    label: '3x3 stride 2 pad 1, odd sizes',
    x: [1, 3, 9, 11],
    w: [16, 3, 3, 3],
    bias: true,
    attributes: { strides: a.ints([2, 2]), pads: pads(1, 1, 1, 1) },
  },
  { label: '1x1 with a channel tail', x: [2, 7, 5, 6], w: [10, 7, 1, 1], bias: true },
  { label: '1x1 without bias', x: [1, 8, 4, 4], w: [8, 8, 1, 1] },
  {
    label: 'asymmetric pads, 17 channels',
    x: [1, 17, 7, 6],
    w: [9, 17, 3, 3],
    bias: true,
    attributes: { pads: pads(0, 1, 2, 1) },
  },
  {
    label: 'strided, dilated, asymmetric pads, batch 2',
    x: [2, 6, 5, 7],
    w: [13, 6, 3, 2],
    bias: true,
    attributes: { strides: a.ints([2, 2]), dilations: a.ints([2, 2]), pads: pads(2, 1, 2, 1) },
  },
  {
    label: 'strides and dilations per axis',
    x: [2, 4, 13, 10],
    w: [6, 4, 3, 2],
    attributes: { strides: a.ints([2, 3]), dilations: a.ints([2, 1]), pads: pads(1, 0, 2, 1) },
  },
  {
    label: 'depthwise 3x3',
    x: [1, 12, 9, 9],
    w: [12, 1, 3, 3],
    bias: true,
    attributes: { group: a.int(12), pads: pads(1, 1, 1, 1) },
  },
  {
    label: 'depthwise 5x5 stride 2',
    x: [1, 13, 8, 7],
    w: [13, 1, 5, 5],
    bias: true,
    attributes: { group: a.int(13), strides: a.ints([2, 2]), pads: pads(2, 2, 2, 2) },
  },
  {
    label: 'depthwise dilated, batch 2',
    x: [2, 3, 6, 6],
    w: [3, 1, 3, 3],
    bias: true,
    attributes: { group: a.int(3), dilations: a.ints([2, 2]), pads: pads(2, 2, 2, 2) },
  },
  {
    label: 'grouped',
    x: [1, 8, 6, 5],
    w: [12, 2, 3, 3],
    bias: true,
    attributes: { group: a.int(4), pads: pads(1, 1, 1, 1) },
  },
  {
    label: 'grouped, dilated per axis',
    x: [1, 4, 9, 9],
    w: [6, 2, 3, 3],
    bias: true,
    attributes: { group: a.int(2), dilations: a.ints([2, 1]), pads: pads(2, 1, 2, 1) },
  },
  {
    label: 'SAME_UPPER, grouped, stride 2',
    x: [1, 6, 5, 5],
    w: [6, 3, 3, 3],
    bias: true,
    attributes: { group: a.int(2), auto_pad: a.string('SAME_UPPER'), strides: a.ints([2, 2]) },
  },
  {
    label: 'SAME_UPPER, 4x3 kernel',
    x: [1, 3, 7, 8],
    w: [4, 3, 4, 3],
    attributes: { auto_pad: a.string('SAME_UPPER'), strides: a.ints([2, 2]) },
  },
  {
    label: 'SAME_LOWER',
    x: [1, 2, 7, 8],
    w: [3, 2, 4, 4],
    attributes: { auto_pad: a.string('SAME_LOWER'), strides: a.ints([2, 3]) },
  },
  {
    label: 'VALID',
    x: [1, 2, 7, 8],
    w: [3, 2, 3, 3],
    attributes: { auto_pad: a.string('VALID'), strides: a.ints([2, 2]), kernel_shape: a.ints([3, 3]) },
  },
  {
    label: '7x7 stride 2 (a stem)',
    x: [1, 4, 7, 7],
    w: [8, 4, 7, 7],
    bias: true,
    attributes: { strides: a.ints([2, 2]), pads: pads(3, 3, 3, 3) },
  },
  { label: '1x1 on one channel', x: [1, 1, 3, 3], w: [1, 1, 1, 1], bias: true },
  {
    label: '48 channels in, 32 out',
    x: [1, 48, 20, 20],
    w: [32, 48, 3, 3],
    bias: true,
    attributes: { pads: pads(1, 1, 1, 1) },
  },
  { label: '1-D', x: [2, 3, 17], w: [4, 3, 5], bias: true, attributes: { pads: pads(2, 1), strides: a.ints([2]) } },
  {
    label: '1-D dilated',
    x: [2, 3, 10],
    w: [4, 3, 3],
    bias: true,
    attributes: { strides: a.ints([2]), pads: pads(1, 2), dilations: a.ints([2]) },
  },
  {
    label: '3-D',
    x: [1, 2, 5, 6, 4],
    w: [3, 2, 3, 2, 2],
    bias: true,
    attributes: { strides: a.ints([1, 2, 1]), pads: pads(1, 0, 1, 1, 1, 0) },
  },
  { label: 'an empty batch', x: [0, 2, 5, 5], w: [3, 2, 3, 3], bias: true },
];

/** The case of `shape` with data from `seed`: the input a runtime value, weights and bias constants. */
export function convCase(shape: ConvShape, seed: number): OpCase {
  const r = new SeededRandom(seed);
  return {
    op: 'Conv',
    inputs: [
      r.floatTensor(shape.x),
      constant(r.floatTensor(shape.w)),
      shape.bias ? constant(r.floatTensor([shape.w[0]])) : undefined,
    ],
    ...(shape.attributes ? { attributes: shape.attributes } : {}),
  };
}
