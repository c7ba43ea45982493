/**
 * Conv (general, depthwise, 1x1; strides, pads, dilations, groups, auto_pad, 1-D), FusedConv with each
 * activation, and ConvTranspose, against the reference kernels in fp32 and fp16.
 */
import { a, type Attribute, LASTMILE_DOMAIN } from '@lastmile/core';
import { constant } from '@lastmile/testing';
import { describe, it } from 'vitest';
import { expectOpMatchesReference, holdDevice, rand } from './ops-harness.js';
import { onDevice } from './support.js';

interface WindowCase {
  label: string;
  x: number[];
  w: number[];
  /** Output channels (ConvTranspose: W[1] * group). */
  m?: number;
  attributes: Record<string, Attribute>;
}

const convCases: WindowCase[] = [
  { label: '3x3 pad 1', x: [1, 3, 9, 11], w: [5, 3, 3, 3], attributes: { pads: a.ints([1, 1, 1, 1]) } },
  {
    label: 'strided, dilated, asymmetric pads',
    x: [2, 4, 13, 10],
    w: [6, 4, 3, 2],
    attributes: { strides: a.ints([2, 3]), dilations: a.ints([2, 1]), pads: a.ints([1, 0, 2, 1]) },
  },
  { label: 'grouped', x: [1, 6, 8, 8], w: [9, 2, 3, 3], attributes: { group: a.int(3), pads: a.ints([1, 1, 1, 1]) } },
  {
    label: 'depthwise stride 2',
    x: [1, 8, 10, 9],
    w: [8, 1, 3, 3],
    attributes: { group: a.int(8), strides: a.ints([2, 2]), pads: a.ints([1, 1, 1, 1]) },
  },
  { label: '1x1 with a channel tail', x: [2, 7, 5, 6], w: [10, 7, 1, 1], attributes: {} },
  {
    label: 'SAME_UPPER',
    x: [1, 3, 7, 8],
    w: [4, 3, 4, 3],
    attributes: { auto_pad: a.string('SAME_UPPER'), strides: a.ints([2, 2]) },
  },
  { label: '1-D', x: [2, 3, 17], w: [4, 3, 5], attributes: { pads: a.ints([2, 1]), strides: a.ints([2]) } },
];

onDevice('on the OpenCL device', () => {
  holdDevice();

  describe('Conv on gpu-opencl matches the reference', () => {
    for (const [i, c] of convCases.entries()) {
      for (const precision of ['fp32', 'fp16'] as const) {
        it(`${c.label} (${precision})`, () =>
          expectOpMatchesReference(
            {
              op: 'Conv',
              inputs: [rand(i, c.x), constant(rand(100 + i, c.w)), constant(rand(200 + i, [c.w[0]]))],
              attributes: c.attributes,
            },
            precision,
          ));
      }
    }
    it('without bias, weights as a runtime input', () =>
      expectOpMatchesReference({ op: 'Conv', inputs: [rand(1, [1, 2, 6, 6]), rand(2, [3, 2, 3, 3])] }));
  });

  describe('FusedConv applies each activation', () => {
    const activations: [string, number[]][] = [
      ['Relu', []],
      ['LeakyRelu', [0.1]],
      ['Clip', [0, 6]],
      ['Sigmoid', []],
      ['HardSigmoid', [0.2, 0.5]],
      ['HardSwish', []],
      ['Tanh', []],
    ];
    for (const [name, params] of activations) {
      it(name, () =>
        expectOpMatchesReference({
          op: 'FusedConv',
          domain: LASTMILE_DOMAIN,
          opset: 1,
          inputs: [rand(3, [1, 4, 7, 7]), constant(rand(4, [6, 4, 3, 3])), constant(rand(5, [6]))],
          attributes: {
            pads: a.ints([1, 1, 1, 1]),
            activation: a.string(name),
            ...(params.length ? { activation_params: a.floats(params) } : {}),
          },
        }),
      );
    }
  });

  describe('ConvTranspose on gpu-opencl matches the reference', () => {
    const cases: WindowCase[] = [
      {
        label: 'stride 2, pads, output_padding',
        x: [1, 4, 5, 6],
        w: [4, 3, 3, 3],
        attributes: { strides: a.ints([2, 2]), pads: a.ints([1, 1, 1, 1]), output_padding: a.ints([1, 1]) },
      },
      {
        label: 'grouped, dilated',
        x: [2, 4, 4, 4],
        w: [4, 2, 2, 3],
        m: 4,
        attributes: { group: a.int(2), dilations: a.ints([2, 1]) },
      },
      {
        label: 'output_shape',
        x: [1, 2, 3, 3],
        w: [2, 2, 3, 3],
        attributes: { strides: a.ints([2, 2]), output_shape: a.ints([6, 6]) },
      },
      { label: 'DB head 2x2 stride 2', x: [1, 8, 6, 5], w: [8, 4, 2, 2], attributes: { strides: a.ints([2, 2]) } },
    ];
    for (const [i, c] of cases.entries()) {
      for (const precision of ['fp32', 'fp16'] as const) {
        it(`${c.label} (${precision})`, () =>
          expectOpMatchesReference(
            {
              op: 'ConvTranspose',
              inputs: [rand(i, c.x), constant(rand(50 + i, c.w)), constant(rand(60 + i, [c.m ?? c.w[1]]))],
              attributes: c.attributes,
            },
            precision,
          ));
      }
    }
  });
});
