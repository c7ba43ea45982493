/**
 * The op cases of the generated suite: for every op of core's op set, its attribute combinations and
 * opset variants, random shapes and values from fixed seeds, and edge values (NaN, Inf, -0, zero-size
 * dims, broadcasting, negative axes). Expected outputs come from onnxruntime-node when written.
 */
import { a, type Attribute, Tensor, type TensorType } from '@lastmile/core';
import { constant, type OpCase } from './op-case.js';
import { EIGHT_BIT_CASES } from './quantized-cases.js';
import { CaseValues, edgeTensor, f32, i64, NON_FINITE_AND_TINY, seedOf } from './values.js';

type Builder = (v: CaseValues) => OpCase[];

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const ONNX_CODES: Record<TensorType, number> = {
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
};

const binary =
  (op: string): Builder =>
  (v): OpCase[] => {
    const divisor = (dims: number[]) => (op === 'Div' ? v.floats(dims, 0.5, 2) : v.floats(dims));
    const cases: OpCase[] = [];
    for (let k = 0; k < 4; k++) {
      const x = v.shape(0, 4);
      cases.push({ op, opset: 14, inputs: [v.floats(x), divisor(v.broadcastable(x))], tag: 'broadcast' });
    }
    cases.push({ op, opset: 14, inputs: [v.floats([4, 1, 5]), divisor([1, 3, 1])], tag: 'broadcast_both' });
    cases.push({ op, opset: 14, inputs: [v.floats([0, 3]), divisor([3])], tag: 'zero_size' });
    cases.push({ op, opset: 7, inputs: [v.floats([2, 3]), constant(divisor([3]))], tag: 'opset7_constant' });
    cases.push({ op, opset: 14, inputs: [edgeTensor(), f32([2, -3, 0.5, 1, -1, 4, 0.25], [7])], tag: 'edge_values' });
    for (const type of ['int32', 'int64'] as const)
      cases.push({ op, opset: 14, inputs: [v.ints(type, [3, 4], -50, 50), v.ints(type, [4], -7, 7, 3)], tag: type });
    return cases;
  };

const unary =
  (op: string, lo = -4, hi = 4, attributes: Record<string, Attribute>[] = [{}]): Builder =>
  (v): OpCase[] => [
    ...attributes.map(
      (attrs): OpCase => ({
        op,
        opset: op === 'HardSwish' ? 14 : 13,
        inputs: [v.floats(v.shape(1, 4), lo, hi)],
        attributes: attrs,
      }),
    ),
    { op, opset: op === 'HardSwish' ? 14 : 13, inputs: [v.floats([0, 4])], tag: 'zero_size' },
    {
      op,
      opset: op === 'HardSwish' ? 14 : 13,
      inputs: [edgeTensor()],
      attributes: attributes[attributes.length - 1],
      tag: 'edge_values',
    },
  ];

const spatial = (
  v: CaseValues,
  op: string,
  opset: number,
  cases: [number[], Record<string, Attribute>][],
  outputs = 1,
): OpCase[] => cases.map(([dims, attributes]) => ({ op, opset, inputs: [v.floats(dims)], attributes, outputs }));

/** Pooling windows over edge values: NaN beside larger values, infinities, subnormals, padding. */
const edgeWindows = (v: CaseValues, op: string, opset: number, policy?: string): OpCase[] =>
  (
    [
      { kernel_shape: a.ints([2, 2]), strides: a.ints([2, 2]) },
      { kernel_shape: a.ints([3, 3]), strides: a.ints([2, 2]), pads: a.ints([1, 1, 1, 1]) },
    ] as Record<string, Attribute>[]
  ).map(
    (attributes): OpCase => ({
      op,
      opset,
      inputs: [v.withEdges([1, 2, 6, 6], NON_FINITE_AND_TINY)],
      attributes,
      tag: 'edge_values',
      policy,
    }),
  );

/** Why max-type ops do not take onnxruntime's answer on NaN. */
const NAN_WINS =
  'NaN wins a max; onnxruntime skips a NaN or returns it depending on where it stands (GlobalMaxPool of [NaN, 1, 2, 3] is 3, of [1, 2, 3, NaN] NaN; ReduceMax of [1, NaN, 2, 3] is 2)';

interface ConvSpec {
  x: number[];
  w: number[];
  bias?: boolean;
  attributes?: Record<string, Attribute>;
}

const conv: Builder = (v) => {
  const specs: ConvSpec[] = [
    { x: [1, 2, 5, 5], w: [3, 2, 3, 3], bias: true },
    { x: [2, 3, 7, 6], w: [4, 3, 3, 2], attributes: { strides: a.ints([2, 1]), pads: a.ints([1, 0, 2, 1]) } },
    {
      x: [1, 4, 9, 9],
      w: [6, 2, 3, 3],
      bias: true,
      attributes: { group: a.int(2), dilations: a.ints([2, 1]), pads: a.ints([2, 1, 2, 1]) },
    },
    {
      x: [1, 4, 8, 8],
      w: [4, 1, 3, 3],
      bias: true,
      attributes: { group: a.int(4), strides: a.ints([2, 2]), pads: a.ints([1, 1, 1, 1]) },
    },
    { x: [1, 2, 7, 8], w: [3, 2, 3, 3], attributes: { auto_pad: a.string('SAME_UPPER'), strides: a.ints([2, 2]) } },
    { x: [1, 2, 7, 8], w: [3, 2, 4, 4], attributes: { auto_pad: a.string('SAME_LOWER'), strides: a.ints([2, 3]) } },
    { x: [1, 2, 7, 8], w: [3, 2, 3, 3], attributes: { auto_pad: a.string('VALID'), kernel_shape: a.ints([3, 3]) } },
    {
      x: [2, 3, 10],
      w: [4, 3, 3],
      bias: true,
      attributes: { strides: a.ints([2]), pads: a.ints([1, 2]), dilations: a.ints([2]) },
    },
    {
      x: [1, 2, 5, 6, 4],
      w: [3, 2, 3, 2, 2],
      bias: true,
      attributes: { strides: a.ints([1, 2, 1]), pads: a.ints([1, 0, 1, 1, 1, 0]) },
    },
    { x: [1, 1, 3, 3], w: [2, 1, 1, 1], bias: true },
    { x: [0, 2, 5, 5], w: [3, 2, 3, 3], bias: true },
    { x: [1, 16, 12, 12], w: [24, 16, 3, 3], bias: true, attributes: { pads: a.ints([1, 1, 1, 1]) } },
  ];
  const cases = specs.map(
    (s): OpCase => ({
      op: 'Conv',
      opset: 11,
      inputs: [v.floats(s.x), constant(v.floats(s.w)), s.bias ? constant(v.floats([s.w[0]])) : undefined],
      attributes: s.attributes,
    }),
  );
  // A few non-finite inputs, so that most outputs stay finite and the positions of NaN and Inf tell.
  const edges: [number[], number[], number][] = [
    [[1, 2, 6, 6], [3, 2, 3, 3], 0.1],
    [[1, 16, 12, 12], [24, 16, 3, 3], 0.005],
    [[1, 8, 5, 5], [4, 8, 1, 1], 0.05],
  ];
  for (const [x, w, share] of edges)
    cases.push({
      op: 'Conv',
      opset: 11,
      inputs: [v.withEdges(x, NON_FINITE_AND_TINY, share), constant(v.floats(w)), constant(v.floats([w[0]]))],
      attributes: { pads: a.ints(Array(4).fill(w[2] >> 1)) },
      tag: 'edge_values',
    });
  return cases;
};

const convTranspose: Builder = (v) => {
  const specs: ConvSpec[] = [
    { x: [1, 2, 4, 4], w: [2, 3, 3, 3], bias: true },
    { x: [2, 2, 3, 4], w: [2, 2, 3, 3], attributes: { strides: a.ints([2, 2]), output_padding: a.ints([1, 0]) } },
    {
      x: [1, 4, 3, 3],
      w: [4, 2, 2, 3],
      bias: true,
      attributes: { group: a.int(2), strides: a.ints([2, 3]), pads: a.ints([1, 0, 0, 2]) },
    },
    { x: [1, 2, 4, 3], w: [2, 2, 3, 3], attributes: { dilations: a.ints([2, 1]), strides: a.ints([1, 2]) } },
    { x: [1, 2, 3, 3], w: [2, 1, 3, 3], attributes: { strides: a.ints([2, 2]), output_shape: a.ints([8, 7]) } },
    { x: [1, 2, 3, 3], w: [2, 1, 3, 3], attributes: { strides: a.ints([2, 2]), auto_pad: a.string('SAME_UPPER') } },
    { x: [1, 2, 3, 3], w: [2, 1, 4, 4], attributes: { strides: a.ints([2, 2]), auto_pad: a.string('SAME_LOWER') } },
    { x: [1, 3, 5], w: [3, 2, 4], bias: true, attributes: { strides: a.ints([3]), pads: a.ints([1, 1]) } },
    { x: [1, 2, 2, 3, 2], w: [2, 2, 2, 2, 3], bias: true, attributes: { strides: a.ints([2, 1, 2]) } },
    { x: [0, 2, 4, 4], w: [2, 3, 3, 3], bias: true },
  ];
  return specs.map((s) => {
    const group = (s.attributes?.group?.value as number | undefined) ?? 1;
    return {
      op: 'ConvTranspose',
      opset: 11,
      inputs: [v.floats(s.x), constant(v.floats(s.w)), s.bias ? constant(v.floats([s.w[1] * group])) : undefined],
      attributes: s.attributes,
    };
  });
};

const reduce =
  (op: string): Builder =>
  (v): OpCase[] => {
    const opset = op === 'ReduceSum' ? 13 : 18;
    const x = () => v.floats([2, 3, 4]);
    return [
      { op, opset: 11, inputs: [x()], attributes: { axes: a.ints([1]) }, tag: 'opset11' },
      {
        op,
        opset: 11,
        inputs: [x()],
        attributes: { axes: a.ints([0, -1]), keepdims: a.int(0) },
        tag: 'opset11_negative_axis',
      },
      { op, opset: 11, inputs: [x()], attributes: { keepdims: a.int(0) }, tag: 'opset11_all' },
      { op, opset: 11, inputs: [v.ints('int32', [3, 4], -100, 100)], attributes: { axes: a.ints([1]) }, tag: 'int32' },
      { op, opset, inputs: [x(), constant(i64([1]))], tag: 'axes_input' },
      { op, opset, inputs: [x(), constant(i64([-1, 0]))], attributes: { keepdims: a.int(0) }, tag: 'negative_axes' },
      { op, opset, inputs: [x()], tag: 'all' },
      { op, opset, inputs: [x()], attributes: { noop_with_empty_axes: a.int(1) }, tag: 'noop' },
      { op, opset, inputs: [v.ints('int64', [3, 4], -100, 100), constant(i64([0]))], tag: 'int64' },
      { op, opset, inputs: [v.floats([0, 3]), constant(i64([1]))], tag: 'zero_size' },
      {
        op,
        opset,
        inputs: [v.withEdges([2, 3, 4], NON_FINITE_AND_TINY), constant(i64([1]))],
        tag: 'edge_values',
        policy: op === 'ReduceMax' ? NAN_WINS : undefined,
      },
      // Sums past the float32 range are infinite, in any order: no mixed signs in a row.
      {
        op,
        opset,
        inputs: [f32([3e38, 3e38, 1, -3e38, -2e38, -1], [2, 3]), constant(i64([1]))],
        tag: 'overflow_edge_values',
      },
    ];
  };

const softmax =
  (op: string): Builder =>
  (v): OpCase[] => [
    { op, opset: 11, inputs: [v.floats([2, 3, 4], -5, 5)], tag: 'opset11' },
    {
      op,
      opset: 11,
      inputs: [v.floats([2, 3, 4], -5, 5)],
      attributes: { axis: a.int(-3) },
      tag: 'opset11_negative_axis',
    },
    { op, opset: 13, inputs: [v.floats([2, 3, 4], -5, 5)] },
    { op, opset: 13, inputs: [v.floats([2, 3, 4], -5, 5)], attributes: { axis: a.int(1) } },
    { op, opset: 13, inputs: [v.floats([2, 3, 4], -50, 50)], attributes: { axis: a.int(0) }, tag: 'large' },
    { op, opset: 13, inputs: [v.floats([2, 0, 4])], attributes: { axis: a.int(-1) }, tag: 'zero_size' },
    { op, opset: 13, inputs: [v.withEdges([3, 2, 5])], tag: 'edge_values' },
  ];

const globalPool =
  (op: string): Builder =>
  (v) =>
    [
      [2, 3, 5],
      [1, 4, 3, 6],
      [1, 2, 2, 3, 4],
      [0, 3, 4, 4],
    ]
      .map((dims): OpCase => ({ op, inputs: [v.floats(dims)] }))
      .concat(
        {
          op,
          inputs: [v.withEdges([1, 3, 4, 5], NON_FINITE_AND_TINY)],
          tag: 'edge_values',
          policy: op === 'GlobalMaxPool' ? NAN_WINS : undefined,
        },
        { op, inputs: [f32([3e38, 3e38, 1, -3e38, -2e38, -1], [1, 2, 3])], tag: 'overflow_edge_values' },
      );

const compare =
  (op: string): Builder =>
  (v): OpCase[] => [
    { op, opset: 13, inputs: [v.any('int32', [3, 4]), v.any('int32', [4])], tag: 'int32_broadcast' },
    { op, opset: 13, inputs: [v.any('int64', [2, 1, 3]), v.any('int64', [4, 1])], tag: 'int64_broadcast' },
    { op, opset: 13, inputs: [v.floats([2, 3]), f32([0, 0.5, 2], [3])], tag: 'float32' },
    { op, opset: 13, inputs: [edgeTensor(), edgeTensor()], tag: 'edge_values' },
  ];

/** The catalog: one builder per op of core's op set (FusedConv is generated against Conv + activation). */
export const OP_CATALOG: Readonly<Record<string, Builder>> = {
  Add: binary('Add'),
  Sub: binary('Sub'),
  Mul: binary('Mul'),
  Div: binary('Div'),
  Pow: (v): OpCase[] => [
    { op: 'Pow', opset: 7, inputs: [v.floats([2, 3], 0.1, 3), v.floats([3], -2, 2)] },
    {
      op: 'Pow',
      opset: 15,
      inputs: [v.floats([2, 3], -3, 3), new Tensor('int32', [2, 3, -1], [3])],
      tag: 'int_exponent',
    },
    { op: 'Pow', opset: 15, inputs: [v.ints('int32', [2, 3], -5, 5), v.ints('int32', [3], 0, 4)], tag: 'int32' },
    { op: 'Pow', opset: 15, inputs: [v.ints('int64', [2, 3], -5, 5), v.ints('int64', [1], 0, 3)], tag: 'int64' },
    {
      op: 'Pow',
      opset: 15,
      inputs: [edgeTensor(), f32([0, 2, 0.5, -1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY], [7])],
      tag: 'edge_values',
    },
  ],
  PRelu: (v): OpCase[] => [
    { op: 'PRelu', opset: 16, inputs: [v.floats([2, 3, 4, 4]), constant(v.floats([3, 1, 1]))] },
    { op: 'PRelu', opset: 9, inputs: [v.floats([2, 5]), constant(v.floats([5]))] },
    { op: 'PRelu', opset: 7, inputs: [v.floats([3, 4]), constant(f32([0.25]))] },
    { op: 'PRelu', opset: 16, inputs: [edgeTensor(), constant(f32([0.25]))], tag: 'edge_values' },
  ],
  Relu: unary('Relu'),
  Sigmoid: unary('Sigmoid'),
  Tanh: unary('Tanh'),
  Erf: unary('Erf'),
  Exp: unary('Exp'),
  Neg: (v): OpCase[] => [
    ...unary('Neg')(v),
    { op: 'Neg', inputs: [v.ints('int32', [3, 3], -100, 100)], tag: 'int32' },
    { op: 'Neg', inputs: [v.ints('int64', [4], -100, 100)], tag: 'int64' },
  ],
  Abs: (v): OpCase[] => [
    ...unary('Abs')(v),
    { op: 'Abs', inputs: [v.ints('int32', [3, 3], -100, 100)], tag: 'int32' },
    { op: 'Abs', inputs: [v.ints('int64', [4], -100, 100)], tag: 'int64' },
  ],
  Log: unary('Log', 0, 10),
  Sqrt: unary('Sqrt', 0, 10),
  LeakyRelu: unary('LeakyRelu', -4, 4, [{}, { alpha: a.float(0.3) }]),
  HardSigmoid: unary('HardSigmoid', -4, 4, [{}, { alpha: a.float(0.5), beta: a.float(0.1) }]),
  HardSwish: unary('HardSwish'),
  Clip: (v): OpCase[] => {
    const x = () => v.floats([2, 3, 5], -4, 4);
    return [
      { op: 'Clip', opset: 7, inputs: [x()], attributes: { min: a.float(-1), max: a.float(2) }, tag: 'opset7' },
      { op: 'Clip', opset: 11, inputs: [x(), constant(f32([-0.5], [])), constant(f32([0.5], []))] },
      { op: 'Clip', opset: 13, inputs: [x(), undefined, constant(f32([1], []))], tag: 'max_only' },
      { op: 'Clip', opset: 13, inputs: [x(), f32([0], [])], tag: 'min_runtime' },
      { op: 'Clip', opset: 13, inputs: [x()], tag: 'no_bounds' },
      { op: 'Clip', opset: 13, inputs: [x(), constant(f32([1], [])), constant(f32([-1], []))], tag: 'min_over_max' },
      {
        op: 'Clip',
        opset: 13,
        inputs: [
          v.ints('int32', [4, 4], -20, 20),
          constant(new Tensor('int32', [-5], [])),
          constant(new Tensor('int32', [7], [])),
        ],
        tag: 'int32',
      },
      {
        op: 'Clip',
        opset: 13,
        inputs: [edgeTensor(), constant(f32([-1], [])), constant(f32([2], []))],
        tag: 'edge_values',
      },
    ];
  },
  MatMul: (v): OpCase[] => [
    ...[
      [
        [2, 3],
        [3, 4],
      ],
      [[3], [3, 4]],
      [[2, 3], [3]],
      [[3], [3]],
      [
        [2, 1, 2, 3],
        [4, 3, 5],
      ],
      [
        [5, 2, 3],
        [3, 4],
      ],
      [
        [0, 3],
        [3, 2],
      ],
      [
        [2, 0],
        [0, 3],
      ],
    ].map(([x, y]): OpCase => ({ op: 'MatMul', opset: 13, inputs: [v.floats(x), v.floats(y)] })),
    { op: 'MatMul', opset: 7, inputs: [v.floats([4, 8]), constant(v.floats([8, 16]))], tag: 'constant_weights' },
    {
      op: 'MatMul',
      opset: 13,
      inputs: [v.withEdges([6, 8], NON_FINITE_AND_TINY, 0.05), constant(v.floats([8, 16]))],
      tag: 'edge_values',
    },
  ],
  Gemm: (v): OpCase[] => {
    const [M, K, N] = [3, 5, 4];
    const cases: OpCase[] = [];
    for (const [transA, transB] of [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ]) {
      for (const cDims of [[N], [M, 1], []]) {
        cases.push({
          op: 'Gemm',
          opset: 13,
          inputs: [
            v.floats(transA ? [K, M] : [M, K]),
            constant(v.floats(transB ? [N, K] : [K, N])),
            constant(v.floats(cDims)),
          ],
          attributes: { transA: a.int(transA), transB: a.int(transB), alpha: a.float(0.5), beta: a.float(2) },
        });
      }
    }
    cases.push({ op: 'Gemm', opset: 11, inputs: [v.floats([M, K]), constant(v.floats([K, N]))], tag: 'no_c' });
    cases.push({
      op: 'Gemm',
      opset: 13,
      inputs: [v.withEdges([M, K], NON_FINITE_AND_TINY, 0.1), constant(v.floats([K, N])), constant(v.floats([N]))],
      tag: 'edge_values',
    });
    cases.push({
      op: 'Gemm',
      opset: 7,
      inputs: [v.floats([M, K]), constant(v.floats([N, K])), constant(v.floats([N]))],
      attributes: { transB: a.int(1) },
      tag: 'opset7',
    });
    return cases;
  },
  Conv: conv,
  ConvTranspose: convTranspose,
  BatchNormalization: (v): OpCase[] => {
    const params = (c: number) => [
      constant(v.floats([c], 0.5, 2)),
      constant(v.floats([c])),
      constant(v.floats([c])),
      constant(v.floats([c], 0.1, 2)),
    ];
    return [
      { op: 'BatchNormalization', opset: 15, inputs: [v.floats([2, 3, 4, 4]), ...params(3)] },
      {
        op: 'BatchNormalization',
        opset: 9,
        inputs: [v.floats([2, 3, 5]), ...params(3)],
        attributes: { epsilon: a.float(0.1) },
      },
      {
        op: 'BatchNormalization',
        opset: 7,
        inputs: [v.floats([2, 4]), ...params(4)],
        attributes: { spatial: a.int(1), momentum: a.float(0.8) },
      },
      {
        op: 'BatchNormalization',
        opset: 14,
        inputs: [v.floats([2, 3, 2, 2, 2]), ...params(3)],
        attributes: { training_mode: a.int(0) },
      },
      { op: 'BatchNormalization', opset: 15, inputs: [v.withEdges([2, 3, 2, 2]), ...params(3)], tag: 'edge_values' },
      {
        // variance + epsilon = 0: (x - mean) / 0 is +-Inf, and NaN only where x equals the mean.
        op: 'BatchNormalization',
        opset: 15,
        inputs: [
          f32([1, 0.5, -2, 0, 3, -1, 0.5, 2], [1, 2, 2, 2]),
          constant(f32([1, 2], [2])),
          constant(f32([0.25, -1], [2])),
          constant(f32([0.5, 3], [2])),
          constant(f32([0, 0], [2])),
        ],
        attributes: { epsilon: a.float(0) },
        tag: 'zero_variance',
      },
    ];
  },
  LRN: (v): OpCase[] => [
    {
      op: 'LRN',
      opset: 13,
      inputs: [v.withEdges([1, 5, 3, 3], NON_FINITE_AND_TINY, 0.1)],
      attributes: { size: a.int(3) },
      tag: 'edge_values',
      policy:
        'a NaN or Inf reaches only the outputs whose window holds it; onnxruntime keeps a running sum of squares, so one NaN spoils every later channel',
    },
    { op: 'LRN', opset: 13, inputs: [v.floats([2, 7, 3, 3])], attributes: { size: a.int(3) } },
    {
      op: 'LRN',
      opset: 13,
      inputs: [v.floats([1, 6, 4, 5], -3, 3)],
      attributes: { size: a.int(5), alpha: a.float(0.01), beta: a.float(0.5), bias: a.float(2) },
    },
  ],
  MaxPool: (v): OpCase[] => [
    ...spatial(v, 'MaxPool', 12, [
      [[1, 2, 7, 7], { kernel_shape: a.ints([3, 3]), strides: a.ints([2, 2]), pads: a.ints([1, 1, 1, 1]) }],
      [[2, 3, 8, 7], { kernel_shape: a.ints([3, 2]), strides: a.ints([2, 2]), ceil_mode: a.int(1) }],
      [[1, 2, 9, 9], { kernel_shape: a.ints([2, 3]), dilations: a.ints([2, 2]), pads: a.ints([1, 0, 1, 2]) }],
      [[1, 2, 7, 8], { kernel_shape: a.ints([3, 3]), strides: a.ints([2, 3]), auto_pad: a.string('SAME_UPPER') }],
      [[1, 2, 7, 8], { kernel_shape: a.ints([2, 2]), strides: a.ints([2, 2]), auto_pad: a.string('SAME_LOWER') }],
      [[1, 2, 7, 8], { kernel_shape: a.ints([3, 3]), auto_pad: a.string('VALID') }],
      [[1, 3, 10], { kernel_shape: a.ints([3]), strides: a.ints([2]), pads: a.ints([1, 1]) }],
      [[1, 2, 4, 5, 6], { kernel_shape: a.ints([2, 3, 2]), strides: a.ints([2, 1, 2]) }],
      [[0, 2, 5, 5], { kernel_shape: a.ints([2, 2]) }],
    ]),
    ...spatial(v, 'MaxPool', 7, [[[1, 2, 5, 5], { kernel_shape: a.ints([2, 2]) }]]),
    ...edgeWindows(v, 'MaxPool', 12, NAN_WINS),
    ...[0, 1].flatMap((storage) =>
      spatial(
        v,
        'MaxPool',
        12,
        [[[2, 2, 6, 5], { kernel_shape: a.ints([2, 2]), strides: a.ints([2, 2]), storage_order: a.int(storage) }]],
        2,
      ).map((c) => ({ ...c, tag: `indices_storage${storage}` })),
    ),
  ],
  AveragePool: (v): OpCase[] => [
    ...spatial(v, 'AveragePool', 11, [
      [[1, 2, 7, 7], { kernel_shape: a.ints([3, 3]), strides: a.ints([2, 2]), pads: a.ints([1, 1, 1, 1]) }],
      [
        [1, 2, 7, 7],
        {
          kernel_shape: a.ints([3, 3]),
          strides: a.ints([2, 2]),
          pads: a.ints([1, 1, 1, 1]),
          count_include_pad: a.int(1),
        },
      ],
      [[2, 3, 8, 7], { kernel_shape: a.ints([3, 2]), strides: a.ints([2, 2]), ceil_mode: a.int(1) }],
      [[1, 2, 7, 8], { kernel_shape: a.ints([3, 3]), strides: a.ints([2, 3]), auto_pad: a.string('SAME_UPPER') }],
      [
        [1, 2, 7, 8],
        {
          kernel_shape: a.ints([2, 2]),
          strides: a.ints([2, 2]),
          auto_pad: a.string('SAME_LOWER'),
          count_include_pad: a.int(1),
        },
      ],
      [[1, 3, 10], { kernel_shape: a.ints([4]), strides: a.ints([3]), pads: a.ints([2, 1]) }],
      [
        [1, 2, 4, 5, 6],
        { kernel_shape: a.ints([2, 3, 2]), pads: a.ints([1, 1, 0, 0, 1, 1]), count_include_pad: a.int(1) },
      ],
    ]),
    ...spatial(v, 'AveragePool', 19, [
      [[1, 2, 9, 9], { kernel_shape: a.ints([3, 2]), dilations: a.ints([2, 3]), pads: a.ints([1, 1, 1, 1]) }],
    ]),
    ...spatial(v, 'AveragePool', 7, [[[1, 2, 5, 5], { kernel_shape: a.ints([2, 2]) }]]),
    ...edgeWindows(v, 'AveragePool', 11),
  ],
  GlobalAveragePool: globalPool('GlobalAveragePool'),
  GlobalMaxPool: globalPool('GlobalMaxPool'),
  Softmax: softmax('Softmax'),
  LogSoftmax: softmax('LogSoftmax'),
  ReduceSum: reduce('ReduceSum'),
  ReduceMean: reduce('ReduceMean'),
  ReduceMax: reduce('ReduceMax'),
  Concat: (v): OpCase[] => [
    ...(
      [
        [0, 13],
        [-1, 13],
        [1, 7],
      ] as const
    ).map(([axis, opset]): OpCase => {
      const dims = (k: number) => [2, 3, 4].map((d, i) => (i === (axis < 0 ? 2 : axis) ? k : d));
      return {
        op: 'Concat',
        opset,
        inputs: [v.floats(dims(2)), v.floats(dims(0)), v.floats(dims(3))],
        attributes: { axis: a.int(axis) },
      };
    }),
    {
      op: 'Concat',
      inputs: [v.any('int64', [2, 2]), v.any('int64', [1, 2])],
      attributes: { axis: a.int(0) },
      tag: 'int64',
    },
    {
      op: 'Concat',
      inputs: [v.any('float16', [2, 0]), v.any('float16', [2, 3])],
      attributes: { axis: a.int(1) },
      tag: 'float16',
    },
  ],
  Split: (v): OpCase[] => {
    const x = () => v.floats([6, 5]);
    return [
      { op: 'Split', opset: 13, inputs: [x(), constant(i64([1, 2, 3]))], outputs: 3 },
      { op: 'Split', opset: 11, inputs: [x()], outputs: 2, attributes: { axis: a.int(-1), split: a.ints([4, 1]) } },
      { op: 'Split', opset: 13, inputs: [x()], outputs: 3, tag: 'even' },
      {
        op: 'Split',
        opset: 18,
        inputs: [x()],
        outputs: 3,
        attributes: { axis: a.int(1), num_outputs: a.int(3) },
        tag: 'num_outputs',
      },
    ];
  },
  Slice: (v): OpCase[] => {
    const x = () => v.floats([4, 5, 6]);
    const specs: (bigint | number)[][][] = [
      [
        [1, 0],
        [3, INT64_MAX],
        [0, 2],
        [1, 2],
      ],
      [
        [INT64_MAX, -2],
        [INT64_MIN, 0],
        [1, -1],
        [-1, -2],
      ],
      [[-3], [-1], [0], [1]],
      [[10], [20], [2], [1]],
    ];
    return [
      ...specs.map(
        ([s, e, ax, st]): OpCase => ({
          op: 'Slice',
          opset: 13,
          inputs: [x(), constant(i64(s)), constant(i64(e)), constant(i64(ax)), constant(i64(st))],
        }),
      ),
      { op: 'Slice', opset: 13, inputs: [x(), constant(i64([1])), constant(i64([3]))], tag: 'defaults' },
      {
        op: 'Slice',
        opset: 9,
        inputs: [x()],
        attributes: { starts: a.ints([0, 1]), ends: a.ints([2, 1000]), axes: a.ints([0, 2]) },
        tag: 'opset9',
      },
    ];
  },
  Reshape: (v): OpCase[] => [
    { op: 'Reshape', opset: 13, inputs: [v.floats([2, 3, 4]), constant(i64([0, -1]))] },
    {
      op: 'Reshape',
      opset: 14,
      inputs: [v.floats([2, 3, 4]), constant(i64([4, -1, 2]))],
      attributes: { allowzero: a.int(1) },
    },
    {
      op: 'Reshape',
      opset: 14,
      inputs: [v.floats([0, 3]), constant(i64([3, 0]))],
      attributes: { allowzero: a.int(1) },
      tag: 'zero_size',
    },
    { op: 'Reshape', opset: 7, inputs: [v.floats([2, 3, 4]), constant(i64([-1]))], tag: 'opset7' },
  ],
  Flatten: (v): OpCase[] =>
    [0, 1, 3, -1, -3].map(
      (axis): OpCase => ({
        op: 'Flatten',
        opset: 13,
        inputs: [v.floats([2, 3, 2, 2])],
        attributes: { axis: a.int(axis) },
      }),
    ),
  Transpose: (v): OpCase[] => [
    { op: 'Transpose', inputs: [v.floats([2, 3, 4])] },
    { op: 'Transpose', inputs: [v.floats([2, 0, 3])], attributes: { perm: a.ints([2, 0, 1]) }, tag: 'zero_size' },
    { op: 'Transpose', inputs: [v.floats([2, 3, 4, 5])], attributes: { perm: a.ints([0, 2, 3, 1]) } },
    { op: 'Transpose', inputs: [v.any('int8', [3, 4])], attributes: { perm: a.ints([1, 0]) }, tag: 'int8' },
  ],
  Squeeze: (v): OpCase[] => [
    { op: 'Squeeze', opset: 11, inputs: [v.floats([1, 3, 1, 2])], attributes: { axes: a.ints([0, -2]) } },
    { op: 'Squeeze', opset: 13, inputs: [v.floats([1, 3, 1, 2]), constant(i64([2]))] },
    { op: 'Squeeze', opset: 13, inputs: [v.floats([1, 3, 1, 2])], tag: 'all' },
  ],
  Unsqueeze: (v): OpCase[] => [
    { op: 'Unsqueeze', opset: 11, inputs: [v.floats([3, 2])], attributes: { axes: a.ints([0, 3]) } },
    { op: 'Unsqueeze', opset: 13, inputs: [v.floats([3, 2]), constant(i64([-1, 1]))] },
  ],
  Shape: (v): OpCase[] => [
    { op: 'Shape', opset: 13, inputs: [v.floats([2, 3, 4, 5])] },
    { op: 'Shape', opset: 15, inputs: [v.floats([2, 3, 4, 5])], attributes: { start: a.int(1), end: a.int(-1) } },
    { op: 'Shape', opset: 15, inputs: [v.floats([2, 3, 4, 5])], attributes: { start: a.int(-10), end: a.int(10) } },
    {
      op: 'Shape',
      opset: 15,
      inputs: [v.floats([2, 3, 4, 5])],
      attributes: { start: a.int(3), end: a.int(1) },
      tag: 'empty',
    },
  ],
  Gather: (v): OpCase[] => [
    ...[0, 1, 2, -1].map((axis): OpCase => {
      const dim = [3, 4, 5][axis < 0 ? axis + 3 : axis];
      return {
        op: 'Gather',
        opset: 13,
        inputs: [v.floats([3, 4, 5]), new Tensor('int64', [BigInt(-dim), 0n, BigInt(dim - 1), -1n, 1n, 1n], [2, 3])],
        attributes: { axis: a.int(axis) },
      };
    }),
    { op: 'Gather', inputs: [v.any('int32', [5]), new Tensor('int32', [4], [])], tag: 'scalar_index' },
  ],
  Cast: (v): OpCase[] => {
    const types = Object.keys(ONNX_CODES) as TensorType[];
    const cases: OpCase[] = [];
    for (const from of types) {
      for (const to of types) {
        // Values every target type can hold: out-of-range casts are implementation-defined.
        const x = from === 'float32' ? v.floats([3, 4], -100, 100) : v.any(from, [3, 4]);
        const source = (to === 'uint8' || from === 'uint8') && from !== 'bool' ? absolute(x) : x;
        cases.push({
          op: 'Cast',
          opset: 19,
          inputs: [source],
          attributes: { to: a.int(ONNX_CODES[to]) },
          tag: `${from}_to_${to}`,
        });
      }
    }
    cases.push({
      op: 'Cast',
      opset: 13,
      inputs: [f32([-2.7, -0.5, 0.5, 2.7, 126.9, -127.9])],
      attributes: { to: a.int(ONNX_CODES.int32) },
      tag: 'truncate',
    });
    return cases;
  },
  Constant: (v): OpCase[] => [
    { op: 'Constant', opset: 13, inputs: [], attributes: { value: a.tensor(v.floats([2, 3])) } },
    { op: 'Constant', opset: 13, inputs: [], attributes: { value_float: a.float(1.5) }, tag: 'value_float' },
    { op: 'Constant', opset: 13, inputs: [], attributes: { value_floats: a.floats([1, 2.5]) }, tag: 'value_floats' },
    { op: 'Constant', opset: 13, inputs: [], attributes: { value_int: a.int(-7) }, tag: 'value_int' },
    { op: 'Constant', opset: 13, inputs: [], attributes: { value_ints: a.ints([3, 4, 5]) }, tag: 'value_ints' },
  ],
  ConstantOfShape: (): OpCase[] => [
    { op: 'ConstantOfShape', opset: 9, inputs: [constant(i64([2, 3]))] },
    {
      op: 'ConstantOfShape',
      opset: 9,
      inputs: [i64([4, 0])],
      attributes: { value: a.tensor(new Tensor('int32', [7])) },
      tag: 'runtime_shape_zero_size',
    },
    {
      op: 'ConstantOfShape',
      opset: 20,
      inputs: [constant(i64([2]))],
      attributes: { value: a.tensor(new Tensor('int64', [-5n])) },
      tag: 'int64',
    },
  ],
  Expand: (v): OpCase[] => [
    { op: 'Expand', opset: 13, inputs: [v.floats([3, 1]), constant(i64([2, 1, 4]))] },
    { op: 'Expand', opset: 13, inputs: [v.floats([1, 4]), constant(i64([3, 1]))] },
    { op: 'Expand', opset: 8, inputs: [v.any('int64', [2, 1]), constant(i64([2, 0]))], tag: 'zero_size' },
  ],
  Equal: (v): OpCase[] => [
    ...compare('Equal')(v),
    { op: 'Equal', opset: 11, inputs: [v.any('bool', [5]), v.any('bool', [5])], tag: 'bool' },
  ],
  Less: compare('Less'),
  Greater: compare('Greater'),
  Not: (v): OpCase[] => [{ op: 'Not', inputs: [v.any('bool', [3, 4])] }],
  Where: (v): OpCase[] => [
    { op: 'Where', opset: 16, inputs: [v.any('bool', [3, 1]), v.floats([1, 4]), v.floats([3, 4])] },
    { op: 'Where', opset: 9, inputs: [v.any('bool', [4]), v.any('int64', [2, 4]), v.any('int64', [1])], tag: 'int64' },
  ],
  Pad: (v): OpCase[] => {
    const x = () => v.floats([2, 3, 4]);
    return [
      ...['constant', 'reflect', 'edge', 'wrap'].flatMap((mode): OpCase[] => [
        {
          op: 'Pad',
          opset: 19,
          inputs: [x(), constant(i64([0, 1, 2, 1, 1, 3]))],
          attributes: { mode: a.string(mode) },
          tag: mode,
        },
        {
          op: 'Pad',
          opset: 19,
          inputs: [x(), constant(i64([1, -1, 0, 0, 1, -1]))],
          attributes: { mode: a.string(mode) },
          tag: `${mode}_crop`,
        },
      ]),
      {
        op: 'Pad',
        opset: 13,
        inputs: [x(), constant(i64([1, 1, 1, 0, 0, 2])), constant(f32([2.5], []))],
        tag: 'value',
      },
      {
        op: 'Pad',
        opset: 18,
        inputs: [x(), constant(i64([2, 1, 0, 3])), undefined, constant(i64([-1, 0]))],
        attributes: { mode: a.string('edge') },
        tag: 'axes',
      },
      {
        op: 'Pad',
        opset: 7,
        inputs: [x()],
        attributes: { pads: a.ints([0, 0, 1, 0, 0, 1]), value: a.float(-3), mode: a.string('constant') },
        tag: 'opset7',
      },
    ];
  },
  Identity: (v): OpCase[] => [{ op: 'Identity', opset: 13, inputs: [v.any('uint8', [2, 3])] }],
  Dropout: (v): OpCase[] => [
    { op: 'Dropout', opset: 13, inputs: [v.floats([2, 3])], outputs: 2, tag: 'mask' },
    { op: 'Dropout', opset: 13, inputs: [v.floats([2, 3]), constant(f32([0.3], []))], tag: 'ratio' },
    { op: 'Dropout', opset: 7, inputs: [v.floats([4])], attributes: { ratio: a.float(0.2) }, tag: 'opset7' },
  ],
  Resize: (v): OpCase[] => {
    const x = () => v.floats([1, 2, 5, 6]);
    const scales = (s: number[]) => constant(f32(s));
    const cases: OpCase[] = [];
    for (const ctm of ['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric', 'half_pixel_symmetric']) {
      for (const nearest of ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil']) {
        cases.push({
          op: 'Resize',
          opset: 19,
          inputs: [x(), undefined, scales([1, 1, 2, 1.5])],
          attributes: {
            mode: a.string('nearest'),
            coordinate_transformation_mode: a.string(ctm),
            nearest_mode: a.string(nearest),
          },
          tag: `nearest_${ctm}_${nearest}`,
        });
      }
      for (const mode of ['linear', 'cubic']) {
        cases.push({
          op: 'Resize',
          opset: 19,
          inputs: [x(), undefined, scales([1, 1, 1.6, 0.5])],
          attributes: { mode: a.string(mode), coordinate_transformation_mode: a.string(ctm) },
          tag: `${mode}_${ctm}`,
        });
        cases.push({
          op: 'Resize',
          opset: 19,
          inputs: [x(), undefined, undefined, constant(i64([1, 2, 3, 7]))],
          attributes: { mode: a.string(mode), coordinate_transformation_mode: a.string(ctm) },
          tag: `${mode}_${ctm}_sizes`,
        });
      }
    }
    for (const mode of ['nearest', 'linear', 'cubic']) {
      cases.push({
        op: 'Resize',
        opset: 13,
        inputs: [x(), constant(f32([0, 0, -0.2, 0.3, 1, 1, 0.8, 1.4])), undefined, constant(i64([1, 2, 4, 5]))],
        attributes: {
          mode: a.string(mode),
          coordinate_transformation_mode: a.string('tf_crop_and_resize'),
          extrapolation_value: a.float(7),
        },
        tag: `${mode}_crop`,
      });
    }
    for (const policy of ['stretch', 'not_larger', 'not_smaller']) {
      cases.push({
        op: 'Resize',
        opset: 18,
        inputs: [x(), undefined, undefined, constant(i64([9, 4]))],
        attributes: { mode: a.string('linear'), axes: a.ints([2, 3]), keep_aspect_ratio_policy: a.string(policy) },
        tag: `axes_${policy}`,
      });
    }
    cases.push({
      op: 'Resize',
      opset: 13,
      inputs: [x(), undefined, scales([1, 1, 2, 2])],
      attributes: { mode: a.string('cubic'), cubic_coeff_a: a.float(-0.5), exclude_outside: a.int(1) },
      tag: 'cubic_exclude_outside',
    });
    cases.push({ op: 'Resize', opset: 10, inputs: [x(), scales([1, 1, 0.6, 1.5])], tag: 'opset10' });
    return cases;
  },
  Upsample: (v): OpCase[] => [
    {
      op: 'Upsample',
      opset: 9,
      inputs: [v.floats([1, 2, 5, 6]), constant(f32([1, 1, 2, 1.5]))],
      attributes: { mode: a.string('nearest') },
    },
    {
      op: 'Upsample',
      opset: 9,
      inputs: [v.floats([1, 2, 5, 6]), constant(f32([1, 1, 1.5, 2]))],
      attributes: { mode: a.string('linear') },
    },
    {
      op: 'Upsample',
      opset: 7,
      inputs: [v.floats([1, 2, 5, 6])],
      attributes: { scales: a.floats([1, 1, 3, 2]), mode: a.string('linear') },
      tag: 'opset7',
    },
  ],
};

/** |x| of a tensor, so its values fit uint8. */
function absolute(x: Tensor): Tensor {
  if (x.type === 'int64')
    return new Tensor(
      'int64',
      Array.from(x.data as BigInt64Array, (n) => (n < 0n ? -n : n)),
      [...x.dims],
    );
  if (x.type === 'float16')
    return new Tensor(
      'float16',
      Uint16Array.from(x.data as Uint16Array, (h) => h & 0x7fff),
      [...x.dims],
    );
  return new Tensor(
    x.type,
    Array.from(x.data as ArrayLike<number>, (n) => Math.abs(n)),
    [...x.dims],
  );
}

/** The cases of `op`, from its own seed. */
export function opCasesFor(op: string): OpCase[] {
  const values = new CaseValues(seedOf(op));
  // The 8-bit cases come after the others, from the same stream, so that adding them moved no case.
  return [...(OP_CATALOG[op]?.(values) ?? []), ...(EIGHT_BIT_CASES[op]?.(values) ?? [])];
}
