/**
 * Conv (general, depthwise, 1x1; strides, pads, dilations, groups, auto_pad, 1-D), FusedConv with each
 * activation, and ConvTranspose, against the reference kernels in fp32 and fp16.
 */
import { a, type Attribute, LASTMILE_DOMAIN, ModelView } from '@lastmile/core';
import { CONV_SHAPES, constant, convCase, expectBackendMatchesReference, singleNodeModel } from '@lastmile/testing';
import { describe, expect, it } from 'vitest';
import { backend } from './index.js';
import { expectOpMatchesReference, holdDevice, rand } from './ops-harness.js';
import { onDevice } from './support.js';

/** A ConvTranspose case (Conv's come from the shared table). */
interface WindowCase {
  label: string;
  x: number[];
  w: number[];
  /** Output channels (ConvTranspose: W[1] * group). */
  m?: number;
  attributes: Record<string, Attribute>;
}

onDevice('on the OpenCL device', () => {
  holdDevice();

  describe('Conv on gpu-opencl matches the reference (the shared Conv table)', () => {
    for (const [i, shape] of CONV_SHAPES.entries()) {
      // 3-D convolution has no kernel here: supports() declines it (tested below).
      if (shape.x.length === 5) continue;
      for (const precision of ['fp32', 'fp16'] as const) {
        it(`${shape.label} (${precision})`, () =>
          expectBackendMatchesReference(backend, convCase(shape, 100 + i), { precision }));
      }
    }
    it('declines a 3-D convolution, saying why', () => {
      const shape = CONV_SHAPES.find((s) => s.x.length === 5) as (typeof CONV_SHAPES)[number];
      const model = singleNodeModel(convCase(shape, 0));
      expect(backend.supports(model.graph.nodes[0], new ModelView(model).supportContext())).toEqual({
        supported: false,
        reason: 'only 1-D and 2-D convolutions run on gpu-opencl (this one has 3 spatial axes)',
      });
    });
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
