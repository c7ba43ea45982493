/**
 * Op cases of the quantized ops and of 8-bit integers through the other ops: per-tensor and per-axis
 * parameters, ties and saturation (bad-inputs row 43), NaN and infinities, zero points of both signs.
 * Expected outputs come from onnxruntime-node, which the reference must match bit for bit.
 */
import { a, Tensor } from '@lastmile/core';
import { constant, type OpCase } from './op-case.js';
import type { CaseValues } from './values.js';
import { f32 } from './values.js';

type Builder = (v: CaseValues) => OpCase[];
type Eight = 'int8' | 'uint8';

const RANGE: Record<Eight, [number, number]> = { int8: [-128, 127], uint8: [0, 255] };
const scalar = (type: Eight | 'int32', value: number) => new Tensor(type, [value], []);

/** Random 8-bit values of `type` over its whole range. */
const eight = (v: CaseValues, type: Eight, dims: number[]) => v.ints(type, dims, ...RANGE[type]);

/** Add, Sub, Mul, Div on both 8-bit types (opset 14): results wrap; divisors are never 0. */
const eightBitArithmetic =
  (op: string): Builder =>
  (v) =>
    (['int8', 'uint8'] as const).map((type) => ({
      op,
      opset: 14,
      inputs: [eight(v, type, [3, 4]), op === 'Div' ? v.ints(type, [4], 1, RANGE[type][1]) : eight(v, type, [4])],
      tag: type,
    }));

const eightBitClip: Builder = (v) =>
  (['int8', 'uint8'] as const).map((type) => ({
    op: 'Clip',
    opset: 13,
    inputs: [eight(v, type, [3, 5]), constant(scalar(type, type === 'int8' ? -20 : 30)), constant(scalar(type, 100))],
    tag: type,
  }));

const eightBitMaxPool: Builder = (v) =>
  (['int8', 'uint8'] as const).map((type) => ({
    op: 'MaxPool',
    opset: 12,
    inputs: [eight(v, type, [1, 2, 6, 5])],
    attributes: { kernel_shape: a.ints([3, 3]), strides: a.ints([2, 2]), pads: a.ints([1, 1, 1, 1]) },
    tag: type,
  }));

/** Cases whose float outputs must be bit-identical to onnxruntime's, not within the float tolerance. */
const exactly = (cases: OpCase[]): OpCase[] => cases.map((c) => ({ ...c, rtol: 0, atol: 0 }));

/** x / scale lands on .5 ties, past both ends of the range, on NaN and the infinities. */
const QUANTIZE_EDGES = [2.5, 3.5, -2.5, -3.5, 0.5, -0.5, 1e9, -1e9, Number.NaN, Infinity, -Infinity, 0, -0, 127.5];

/**
 * onnxruntime's QLinearAdd or QLinearMul (what its QDQ fusion makes of DQ -> Add/Mul -> Q): full
 * operands, broadcast, a scalar.
 */
const qlinearBinary =
  (op: string): Builder =>
  (v) =>
    exactly(
      (
        [
          ['uint8', [2, 3, 4, 5], [2, 3, 4, 5], 'u8_same_shape'],
          ['int8', [2, 3, 4, 5], [1, 3, 1, 1], 's8_per_channel'],
          ['uint8', [3, 37], [1], 'u8_scalar'],
        ] as const
      ).map(([type, ad, bd, tag]) => ({
        op,
        domain: 'com.microsoft',
        opset: 1,
        inputs: [
          eight(v, type, [...ad]),
          constant(f32([0.021], [])),
          constant(scalar(type, type === 'int8' ? -9 : 120)),
          eight(v, type, [...bd]),
          constant(f32([0.013], [])),
          constant(scalar(type, type === 'int8' ? 4 : 131)),
          constant(f32([0.027], [])),
          constant(scalar(type, type === 'int8' ? -2 : 125)),
        ],
        tag,
      })),
    );

/** Every level of an 8-bit type, in a [4, 64] tensor. */
const everyLevel = (type: Eight) => {
  const [lo] = RANGE[type];
  return new Tensor(
    type,
    Array.from({ length: 256 }, (_, i) => lo + i),
    [4, 64],
  );
};

/**
 * onnxruntime's table-driven unary ops (DQ -> Sigmoid/LeakyRelu -> Q): every level of both types, the
 * sigmoid's range covered past its clamp at +-18.
 */
const qlinearLookup =
  (op: string): Builder =>
  () =>
    exactly(
      (
        [
          ['uint8', 0.08, 128, 1 / 255, 0],
          ['int8', 0.16, -3, 1 / 250, -128],
        ] as const
      ).map(([type, xs, xz, ys, yz]) => ({
        op,
        domain: 'com.microsoft',
        opset: 1,
        inputs: [
          everyLevel(type),
          constant(f32([xs], [])),
          constant(scalar(type, xz)),
          constant(f32([op === 'QLinearSigmoid' ? ys : xs * 0.9], [])),
          constant(scalar(type, op === 'QLinearSigmoid' ? yz : xz)),
        ],
        ...(op === 'QLinearLeakyRelu' ? { attributes: { alpha: a.float(0.13) } } : {}),
        tag: type === 'uint8' ? 'u8_every_level' : 's8_every_level',
      })),
    );

/** onnxruntime's QLinearGlobalAveragePool (DQ -> GlobalAveragePool -> Q), NCHW and channels last. */
const qlinearGlobalAveragePool: Builder = (v) =>
  exactly(
    [0, 1].map((channelsLast) => ({
      op: 'QLinearGlobalAveragePool',
      domain: 'com.microsoft',
      opset: 1,
      inputs: [
        eight(v, 'uint8', channelsLast ? [2, 5, 6, 7] : [2, 7, 5, 6]),
        constant(f32([0.05], [])),
        constant(scalar('uint8', 100)),
        constant(f32([0.011], [])),
        constant(scalar('uint8', 90)),
      ],
      attributes: { channels_last: a.int(channelsLast) },
      tag: channelsLast ? 'u8_channels_last' : 'u8',
    })),
  );

/** Cases by op, after the op's others in the catalog. */
export const EIGHT_BIT_CASES: Readonly<Record<string, Builder>> = {
  Add: eightBitArithmetic('Add'),
  Sub: eightBitArithmetic('Sub'),
  Mul: eightBitArithmetic('Mul'),
  Div: eightBitArithmetic('Div'),
  Clip: eightBitClip,
  MaxPool: eightBitMaxPool,
  'com.microsoft.QLinearAdd': qlinearBinary('QLinearAdd'),
  'com.microsoft.QLinearMul': qlinearBinary('QLinearMul'),
  'com.microsoft.QLinearSigmoid': qlinearLookup('QLinearSigmoid'),
  'com.microsoft.QLinearLeakyRelu': qlinearLookup('QLinearLeakyRelu'),
  'com.microsoft.QLinearGlobalAveragePool': qlinearGlobalAveragePool,
  QuantizeLinear: (v) => [
    ...(['uint8', 'int8'] as const).map(
      (type): OpCase => ({
        op: 'QuantizeLinear',
        opset: 13,
        inputs: [
          v.floats([3, 4, 5], -3, 3),
          constant(f32([0.02], [])),
          constant(scalar(type, type === 'int8' ? -7 : 128)),
        ],
        tag: type,
      }),
    ),
    {
      op: 'QuantizeLinear',
      opset: 10,
      inputs: [v.floats([2, 6], -1, 1), constant(f32([0.01], []))],
      tag: 'no_zero_point',
    },
    {
      op: 'QuantizeLinear',
      opset: 13,
      inputs: [
        v.floats([2, 3, 4], -5, 5),
        constant(f32([0.05, 0.1, 0.02], [3])),
        constant(new Tensor('int8', [0, -10, 20], [3])),
      ],
      tag: 'per_axis',
    },
    {
      op: 'QuantizeLinear',
      opset: 13,
      inputs: [
        v.floats([4, 3], -5, 5),
        constant(f32([0.05, 0.1, 0.03], [3])),
        constant(new Tensor('uint8', [10, 128, 250], [3])),
      ],
      attributes: { axis: a.int(-1) },
      tag: 'per_axis_last',
    },
    ...(['uint8', 'int8'] as const).map(
      (type): OpCase => ({
        op: 'QuantizeLinear',
        opset: 13,
        inputs: [
          f32(QUANTIZE_EDGES, [QUANTIZE_EDGES.length]),
          constant(f32([1], [])),
          constant(scalar(type, type === 'int8' ? 1 : 3)),
        ],
        tag: `ties_saturation_${type}`,
      }),
    ),
  ],
  // Float outputs are compared exactly too: (q - zp) * scale is one float32 rounding.
  DequantizeLinear: (v) =>
    exactly([
      ...(['uint8', 'int8'] as const).map(
        (type): OpCase => ({
          op: 'DequantizeLinear',
          opset: 13,
          inputs: [
            eight(v, type, [3, 4]),
            constant(f32([0.037], [])),
            constant(scalar(type, type === 'int8' ? -3 : 131)),
          ],
          tag: type,
        }),
      ),
      {
        op: 'DequantizeLinear',
        opset: 10,
        inputs: [v.ints('int32', [5], -1000, 1000), constant(f32([0.5], []))],
        tag: 'int32',
      },
      {
        op: 'DequantizeLinear',
        opset: 13,
        inputs: [
          eight(v, 'uint8', [2, 3, 2]),
          constant(f32([0.1, 0.2, 0.3], [3])),
          constant(new Tensor('uint8', [0, 100, 255], [3])),
        ],
        tag: 'per_axis',
      },
    ]),
  DynamicQuantizeLinear: (v) =>
    exactly([
      { op: 'DynamicQuantizeLinear', opset: 11, inputs: [v.floats([3, 4], -2, 5)], outputs: 3 },
      { op: 'DynamicQuantizeLinear', opset: 11, inputs: [v.floats([6], 0.5, 3)], outputs: 3, tag: 'positive' },
      { op: 'DynamicQuantizeLinear', opset: 11, inputs: [v.floats([6], -4, -1)], outputs: 3, tag: 'negative' },
      { op: 'DynamicQuantizeLinear', opset: 11, inputs: [f32([0, 0, 0, 0], [4])], outputs: 3, tag: 'zeros' },
    ]),
  MatMulInteger: (v) => [
    {
      op: 'MatMulInteger',
      opset: 10,
      inputs: [eight(v, 'uint8', [4, 6]), eight(v, 'uint8', [6, 5]), scalar('uint8', 12), scalar('uint8', 130)],
      tag: 'uint8',
    },
    {
      op: 'MatMulInteger',
      opset: 10,
      inputs: [eight(v, 'int8', [2, 3, 8]), eight(v, 'int8', [8, 4])],
      tag: 'int8_batched',
    },
    {
      op: 'MatMulInteger',
      opset: 10,
      inputs: [
        eight(v, 'uint8', [3, 5]),
        constant(eight(v, 'int8', [5, 4])),
        scalar('uint8', 7),
        constant(new Tensor('int8', [0, 1, -2, 3], [4])),
      ],
      tag: 'per_column',
    },
  ],
  QLinearMatMul: (v) =>
    (['uint8', 'int8'] as const).map((type) => ({
      op: 'QLinearMatMul',
      opset: 10,
      inputs: [
        eight(v, type, [2, 4, 8]),
        constant(f32([0.02], [])),
        constant(scalar(type, type === 'int8' ? 3 : 120)),
        constant(eight(v, type, [8, 6])),
        constant(f32([0.015], [])),
        constant(scalar(type, type === 'int8' ? -2 : 125)),
        constant(f32([0.4], [])),
        constant(scalar(type, type === 'int8' ? 1 : 128)),
      ],
      tag: type,
    })),
  ConvInteger: (v): OpCase[] => [
    {
      op: 'ConvInteger',
      opset: 10,
      inputs: [
        eight(v, 'uint8', [1, 3, 6, 6]),
        constant(eight(v, 'uint8', [4, 3, 3, 3])),
        constant(scalar('uint8', 100)),
        constant(scalar('uint8', 127)),
      ],
      attributes: { pads: a.ints([1, 1, 1, 1]) },
      tag: 'uint8_padded',
    },
    {
      op: 'ConvInteger',
      opset: 10,
      inputs: [eight(v, 'uint8', [1, 4, 7, 5]), constant(eight(v, 'uint8', [4, 2, 2, 3]))],
      attributes: { group: a.int(2), strides: a.ints([2, 1]) },
      tag: 'grouped',
    },
  ],
  QLinearConv: (v) => {
    const conv = (
      type: Eight,
      wType: Eight,
      x: number[],
      w: number[],
      attrs: Record<string, ReturnType<typeof a.int>>,
      perChannel: boolean,
      tag: string,
    ): OpCase => ({
      op: 'QLinearConv',
      opset: 10,
      inputs: [
        eight(v, type, x),
        constant(f32([0.03], [])),
        constant(scalar(type, type === 'int8' ? -5 : 110)),
        constant(eight(v, wType, w)),
        constant(perChannel ? v.floats([w[0]], 0.005, 0.02) : f32([0.01], [])),
        constant(perChannel ? new Tensor(wType, new Array(w[0]).fill(0), [w[0]]) : scalar(wType, 0)),
        constant(f32([0.25], [])),
        constant(scalar(type, type === 'int8' ? 2 : 128)),
        constant(v.ints('int32', [w[0]], -500, 500)),
      ],
      attributes: attrs,
      tag,
    });
    return [
      conv('uint8', 'int8', [1, 3, 8, 8], [6, 3, 3, 3], { pads: a.ints([1, 1, 1, 1]) }, true, 'u8s8_per_channel'),
      conv('uint8', 'uint8', [1, 4, 7, 6], [4, 4, 1, 1], {}, false, 'u8u8_pointwise'),
      conv(
        'int8',
        'int8',
        [1, 4, 9, 9],
        [4, 1, 3, 3],
        { group: a.int(4), strides: a.ints([2, 2]), pads: a.ints([1, 1, 1, 1]) },
        true,
        's8s8_depthwise',
      ),
    ];
  },
};
