/**
 * The nn op definitions against onnxruntime-node: random inputs from fixed seeds, every attribute exercised
 * over several combinations per op.
 */
import { a, SeededRandom, Tensor, type Attribute, type TensorType } from '@lastmile/core';
import { CONV_SHAPES, constant, convCase, expectClose, runReference } from '@lastmile/testing';
import { describe, expect, it } from 'vitest';
import { expectOpMatchesOrt, runOrt } from './harness.js';

const rng = new SeededRandom(20240612);
const floats = (dims: number[], lo = -1, hi = 1) => rng.floatTensor(dims, lo, hi);
const i64 = (values: number[]) =>
  new Tensor(
    'int64',
    values.map((v) => BigInt(v)),
  );
const f32 = (values: number[], dims?: number[]) => new Tensor('float32', values, dims);

/** Random integers in [lo, hi] of an integer type; zeros replaced by `zeroTo` when given (divisors). */
function ints(type: TensorType, dims: number[], lo: number, hi: number, zeroTo?: number): Tensor {
  const n = dims.reduce((p, d) => p * d, 1);
  const values = Array.from({ length: n }, () => {
    const v = rng.int(lo, hi);
    return v === 0 && zeroTo !== undefined ? zeroTo : v;
  });
  return new Tensor(type, type === 'int64' ? values.map((v) => BigInt(v)) : values, dims);
}

describe('elementwise binary ops vs onnxruntime', () => {
  const shapes: [number[], number[]][] = [
    [
      [2, 3, 4],
      [2, 3, 4],
    ],
    [
      [2, 3, 4],
      [3, 1],
    ],
    [[1], [2, 3]],
    [[], [2, 2]],
    [
      [4, 1, 5],
      [1, 3, 1],
    ],
    [[0, 3], [3]],
  ];
  for (const op of ['Add', 'Sub', 'Mul', 'Div']) {
    it(`${op}: float32 with numpy broadcasting`, async () => {
      for (const [sa, sb] of shapes) {
        const b = op === 'Div' ? floats(sb, 0.5, 2) : floats(sb);
        await expectOpMatchesOrt({ op, opset: 14, inputs: [floats(sa), b] });
      }
      await expectOpMatchesOrt({ op, opset: 7, inputs: [floats([2, 3]), constant(floats([3]))] });
    });
    it(`${op}: int32 and int64 (Div truncates toward zero)`, async () => {
      for (const type of ['int32', 'int64'] as const) {
        await expectOpMatchesOrt({ op, opset: 14, inputs: [ints(type, [3, 4], -50, 50), ints(type, [4], -7, 7, 3)] });
        await expectOpMatchesOrt({
          op,
          opset: 13,
          inputs: [ints(type, [2, 1, 3], -1000, 1000), ints(type, [2, 1], -9, 9, -2)],
        });
      }
    });
  }
  it('Pow: float and integer bases and exponents', async () => {
    await expectOpMatchesOrt({ op: 'Pow', opset: 7, inputs: [floats([2, 3], 0.1, 3), floats([3], -2, 2)] });
    await expectOpMatchesOrt({
      op: 'Pow',
      opset: 15,
      inputs: [floats([2, 3], -3, 3), new Tensor('int32', [2, 3, -1], [3])],
    });
    await expectOpMatchesOrt({ op: 'Pow', opset: 15, inputs: [floats([4], -3, 3), f32([2])] });
    await expectOpMatchesOrt({
      op: 'Pow',
      opset: 15,
      inputs: [ints('int32', [2, 3], -5, 5), ints('int32', [3], 0, 4)],
    });
    await expectOpMatchesOrt({
      op: 'Pow',
      opset: 15,
      inputs: [ints('int64', [2, 3], -5, 5), ints('int64', [1], 0, 3)],
    });
    await expectOpMatchesOrt({ op: 'Pow', opset: 15, inputs: [ints('int32', [5], -5, 5), f32([2])] });
  });
  it('PRelu: the slope broadcasts onto X', async () => {
    await expectOpMatchesOrt({ op: 'PRelu', opset: 16, inputs: [floats([2, 3, 4, 4]), constant(floats([3, 1, 1]))] });
    await expectOpMatchesOrt({ op: 'PRelu', opset: 9, inputs: [floats([2, 5]), constant(floats([5]))] });
    await expectOpMatchesOrt({ op: 'PRelu', opset: 7, inputs: [floats([3, 4]), constant(f32([0.25]))] });
  });
});

describe('unary ops vs onnxruntime', () => {
  const x = () => floats([2, 3, 5], -4, 4);
  const simple = ['Relu', 'Sigmoid', 'Tanh', 'Erf', 'Exp', 'Neg', 'Abs'];
  for (const op of simple) {
    it(op, async () => {
      await expectOpMatchesOrt({ op, opset: 13, inputs: [x()] });
      await expectOpMatchesOrt({ op, opset: 13, inputs: [floats([0, 4])] });
    });
  }
  it('Log and Sqrt (zero and negative inputs give -Inf and NaN)', async () => {
    for (const op of ['Log', 'Sqrt']) {
      await expectOpMatchesOrt({ op, inputs: [floats([3, 4], 0, 10)] });
      await expectOpMatchesOrt({ op, inputs: [f32([0, -1, 4, 1e-30])] });
    }
  });
  it('Neg and Abs on int32 and int64', async () => {
    for (const op of ['Neg', 'Abs'])
      for (const type of ['int32', 'int64'] as const)
        await expectOpMatchesOrt({ op, inputs: [ints(type, [3, 3], -100, 100)] });
  });
  it('LeakyRelu alpha', async () => {
    await expectOpMatchesOrt({ op: 'LeakyRelu', inputs: [x()] });
    await expectOpMatchesOrt({ op: 'LeakyRelu', inputs: [x()], attributes: { alpha: a.float(0.3) } });
  });
  it('HardSigmoid alpha and beta, HardSwish', async () => {
    await expectOpMatchesOrt({ op: 'HardSigmoid', inputs: [x()] });
    await expectOpMatchesOrt({
      op: 'HardSigmoid',
      inputs: [x()],
      attributes: { alpha: a.float(0.5), beta: a.float(0.1) },
    });
    await expectOpMatchesOrt({ op: 'HardSwish', opset: 14, inputs: [x()] });
  });
  it('Clip: attributes before opset 11, optional inputs from 11, integers from 12', async () => {
    await expectOpMatchesOrt({
      op: 'Clip',
      opset: 7,
      inputs: [x()],
      attributes: { min: a.float(-1), max: a.float(2) },
    });
    await expectOpMatchesOrt({ op: 'Clip', opset: 7, inputs: [x()], attributes: { max: a.float(0.5) } });
    await expectOpMatchesOrt({
      op: 'Clip',
      opset: 11,
      inputs: [x(), constant(f32([-0.5], [])), constant(f32([0.5], []))],
    });
    await expectOpMatchesOrt({ op: 'Clip', opset: 13, inputs: [x(), undefined, constant(f32([1], []))] });
    await expectOpMatchesOrt({ op: 'Clip', opset: 13, inputs: [x(), f32([0], [])] });
    await expectOpMatchesOrt({ op: 'Clip', opset: 13, inputs: [x()] });
    await expectOpMatchesOrt({ op: 'Clip', opset: 13, inputs: [x(), constant(f32([1], [])), constant(f32([-1], []))] });
    await expectOpMatchesOrt({
      op: 'Clip',
      opset: 13,
      inputs: [
        ints('int32', [4, 4], -20, 20),
        constant(new Tensor('int32', [-5], [])),
        constant(new Tensor('int32', [7], [])),
      ],
    });
    await expectOpMatchesOrt({
      op: 'Clip',
      opset: 13,
      inputs: [ints('int64', [4, 4], -20, 20), constant(new Tensor('int64', [-3n], []))],
    });
  });
});

describe('MatMul and Gemm vs onnxruntime', () => {
  it('MatMul: 2-D, 1-D operands, batch broadcasting, empty', async () => {
    const cases: [number[], number[]][] = [
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
    ];
    for (const [sa, sb] of cases)
      await expectOpMatchesOrt({ op: 'MatMul', opset: 13, inputs: [floats(sa), floats(sb)] });
    await expectOpMatchesOrt({ op: 'MatMul', opset: 7, inputs: [floats([4, 8]), constant(floats([8, 16]))] });
  });
  it('Gemm: transA, transB, alpha, beta and C broadcasting', async () => {
    const [M, K, N] = [3, 5, 4];
    for (const [transA, transB] of [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ]) {
      for (const cDims of [[N], [M, 1], [1], [M, N], []]) {
        await expectOpMatchesOrt({
          op: 'Gemm',
          opset: 13,
          inputs: [
            floats(transA ? [K, M] : [M, K]),
            constant(floats(transB ? [N, K] : [K, N])),
            constant(floats(cDims)),
          ],
          attributes: { transA: a.int(transA), transB: a.int(transB), alpha: a.float(0.5), beta: a.float(2) },
        });
      }
    }
    await expectOpMatchesOrt({ op: 'Gemm', opset: 11, inputs: [floats([M, K]), constant(floats([K, N]))] });
    await expectOpMatchesOrt({
      op: 'Gemm',
      opset: 7,
      inputs: [floats([M, K]), constant(floats([N, K])), constant(floats([N]))],
      attributes: { transB: a.int(1) },
    });
    await expectOpMatchesOrt({
      op: 'Gemm',
      opset: 13,
      inputs: [floats([0, K]), constant(floats([K, N])), constant(floats([N]))],
    });
  });
});

interface ConvCase {
  x: number[];
  w: number[];
  bias?: boolean;
  attributes?: Record<string, Attribute>;
}

describe('Conv vs onnxruntime', () => {
  CONV_SHAPES.forEach((shape, i) => {
    it(`the shared Conv table: ${shape.label}`, async () => {
      await expectOpMatchesOrt({ ...convCase(shape, 500 + i), opset: 11 });
    });
  });
  it('FusedConv equals Conv followed by each activation', async () => {
    const activations: [string, number[], Record<string, Attribute>][] = [
      ['Relu', [], {}],
      ['LeakyRelu', [0.2], { alpha: a.float(0.2) }],
      ['Clip', [-0.5, 0.5], {}],
      ['Sigmoid', [], {}],
      ['HardSigmoid', [0.3, 0.4], { alpha: a.float(0.3), beta: a.float(0.4) }],
      ['HardSwish', [], {}],
      ['Tanh', [], {}],
    ];
    const x = floats([1, 4, 6, 6]);
    const w = floats([4, 2, 3, 3]);
    const b = floats([4]);
    const convAttrs = { group: a.int(2), strides: a.ints([2, 1]), pads: a.ints([1, 1, 1, 1]) };
    const [conv] = await runOrt({
      op: 'Conv',
      opset: 14,
      inputs: [x, constant(w), constant(b)],
      attributes: convAttrs,
    });
    for (const [activation, params, attrs] of activations) {
      const extra = activation === 'Clip' ? [constant(f32([params[0]], [])), constant(f32([params[1]], []))] : [];
      const [expected] = await runOrt({ op: activation, opset: 14, inputs: [conv, ...extra], attributes: attrs });
      const [ours] = runReference({
        op: 'FusedConv',
        domain: 'lastmile',
        opset: 1,
        inputs: [x, w, b],
        attributes: { ...convAttrs, activation: a.string(activation), activation_params: a.floats(params) },
      });
      expectClose(ours, expected, 1e-3, 1e-4, `FusedConv+${activation}`);
    }
  });
});

describe('ConvTranspose vs onnxruntime', () => {
  const cases: ConvCase[] = [
    { x: [1, 2, 4, 4], w: [2, 3, 3, 3], bias: true },
    {
      x: [2, 2, 3, 4],
      w: [2, 2, 3, 3],
      attributes: { strides: a.ints([2, 2]), output_padding: a.ints([1, 0]), kernel_shape: a.ints([3, 3]) },
    },
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
    { x: [1, 2, 3, 3], w: [2, 1, 3, 3], attributes: { strides: a.ints([2, 2]), auto_pad: a.string('SAME_LOWER') } },
    { x: [1, 2, 3, 3], w: [2, 1, 3, 3], attributes: { strides: a.ints([2, 2]), output_shape: a.ints([6, 5]) } },
    {
      x: [1, 2, 3, 3],
      w: [2, 1, 3, 3],
      attributes: { strides: a.ints([2, 2]), output_shape: a.ints([6, 5]), auto_pad: a.string('SAME_UPPER') },
    },
    { x: [1, 3, 5], w: [3, 2, 4], bias: true, attributes: { strides: a.ints([3]), pads: a.ints([1, 1]) } },
    { x: [1, 2, 2, 3, 2], w: [2, 2, 2, 2, 3], bias: true, attributes: { strides: a.ints([2, 1, 2]) } },
    { x: [0, 2, 4, 4], w: [2, 3, 3, 3], bias: true },
  ];
  cases.forEach((c, i) => {
    it(`case ${i}: X [${c.x.join(', ')}], W [${c.w.join(', ')}]`, async () => {
      const group = c.attributes?.group?.value as number | undefined;
      const inputs = [
        floats(c.x),
        constant(floats(c.w)),
        c.bias ? constant(floats([c.w[1] * (group ?? 1)])) : undefined,
      ];
      await expectOpMatchesOrt({ op: 'ConvTranspose', opset: 11, inputs, attributes: c.attributes });
    });
  });
});

describe('normalization vs onnxruntime', () => {
  const params = (c: number) => [
    constant(floats([c], 0.5, 2)),
    constant(floats([c])),
    constant(floats([c])),
    constant(floats([c], 0.1, 2)),
  ];
  it('BatchNormalization: epsilon, opsets 7, 9, 15', async () => {
    await expectOpMatchesOrt({ op: 'BatchNormalization', opset: 15, inputs: [floats([2, 3, 4, 4]), ...params(3)] });
    await expectOpMatchesOrt({
      op: 'BatchNormalization',
      opset: 9,
      inputs: [floats([2, 3, 5]), ...params(3)],
      attributes: { epsilon: a.float(0.1) },
    });
    await expectOpMatchesOrt({
      op: 'BatchNormalization',
      opset: 7,
      inputs: [floats([2, 4]), ...params(4)],
      attributes: { spatial: a.int(1), momentum: a.float(0.8) },
    });
    await expectOpMatchesOrt({
      op: 'BatchNormalization',
      opset: 14,
      inputs: [floats([2, 3, 2, 2, 2]), ...params(3)],
      attributes: { training_mode: a.int(0) },
    });
  });
  it('LRN: size, alpha, beta, bias', async () => {
    await expectOpMatchesOrt({ op: 'LRN', opset: 13, inputs: [floats([2, 7, 3, 3])], attributes: { size: a.int(3) } });
    await expectOpMatchesOrt({
      op: 'LRN',
      opset: 13,
      inputs: [floats([1, 6, 4, 5], -3, 3)],
      attributes: { size: a.int(5), alpha: a.float(0.01), beta: a.float(0.5), bias: a.float(2) },
    });
  });
});

describe('pools vs onnxruntime', () => {
  const maxPoolCases: [number[], Record<string, Attribute>, number][] = [
    [[1, 2, 7, 7], { kernel_shape: a.ints([3, 3]), strides: a.ints([2, 2]), pads: a.ints([1, 1, 1, 1]) }, 12],
    [[2, 3, 8, 7], { kernel_shape: a.ints([3, 2]), strides: a.ints([2, 2]), ceil_mode: a.int(1) }, 12],
    [[1, 2, 9, 9], { kernel_shape: a.ints([2, 3]), dilations: a.ints([2, 2]), pads: a.ints([1, 0, 1, 2]) }, 12],
    [[1, 2, 7, 8], { kernel_shape: a.ints([3, 3]), strides: a.ints([2, 3]), auto_pad: a.string('SAME_UPPER') }, 12],
    [[1, 2, 7, 8], { kernel_shape: a.ints([2, 2]), strides: a.ints([2, 2]), auto_pad: a.string('SAME_LOWER') }, 12],
    [[1, 2, 7, 8], { kernel_shape: a.ints([3, 3]), auto_pad: a.string('VALID') }, 12],
    [[1, 3, 10], { kernel_shape: a.ints([3]), strides: a.ints([2]), pads: a.ints([1, 1]) }, 12],
    [[1, 2, 4, 5, 6], { kernel_shape: a.ints([2, 3, 2]), strides: a.ints([2, 1, 2]) }, 12],
    [[1, 2, 5, 5], { kernel_shape: a.ints([2, 2]) }, 7],
    [[0, 2, 5, 5], { kernel_shape: a.ints([2, 2]) }, 12],
  ];
  maxPoolCases.forEach(([dims, attributes, opset], i) => {
    it(`MaxPool case ${i}: X [${dims.join(', ')}]`, async () => {
      await expectOpMatchesOrt({ op: 'MaxPool', opset, inputs: [floats(dims)], attributes });
    });
  });
  it('MaxPool Indices in both storage orders', async () => {
    for (const storage of [0, 1]) {
      for (const dims of [
        [2, 2, 6, 5],
        [1, 2, 7],
        [1, 2, 4, 3, 5],
      ]) {
        const rank = dims.length - 2;
        const attributes = {
          kernel_shape: a.ints(new Array(rank).fill(2)),
          strides: a.ints(new Array(rank).fill(2)),
          storage_order: a.int(storage),
        };
        await expectOpMatchesOrt({ op: 'MaxPool', opset: 12, inputs: [floats(dims)], attributes, outputs: 2 });
      }
    }
    await expectOpMatchesOrt({
      op: 'MaxPool',
      opset: 8,
      inputs: [floats([1, 3, 5, 5])],
      attributes: { kernel_shape: a.ints([3, 3]), strides: a.ints([2, 2]) },
      outputs: 2,
    });
  });
  it('MaxPool without Indices when the node names one output', async () => {
    const ours = await expectOpMatchesOrt({
      op: 'MaxPool',
      opset: 12,
      inputs: [floats([1, 2, 6, 5])],
      attributes: { kernel_shape: a.ints([2, 2]) },
      outputs: 1,
    });
    expect(ours).toHaveLength(1);
  });
  const averageCases: [number[], Record<string, Attribute>, number][] = [
    [[1, 2, 7, 7], { kernel_shape: a.ints([3, 3]), strides: a.ints([2, 2]), pads: a.ints([1, 1, 1, 1]) }, 11],
    [
      [1, 2, 7, 7],
      {
        kernel_shape: a.ints([3, 3]),
        strides: a.ints([2, 2]),
        pads: a.ints([1, 1, 1, 1]),
        count_include_pad: a.int(1),
      },
      11,
    ],
    [[2, 3, 8, 7], { kernel_shape: a.ints([3, 2]), strides: a.ints([2, 2]), ceil_mode: a.int(1) }, 11],
    [
      [1, 2, 7, 6],
      {
        kernel_shape: a.ints([3, 3]),
        strides: a.ints([2, 2]),
        pads: a.ints([1, 0, 1, 1]),
        ceil_mode: a.int(1),
        count_include_pad: a.int(1),
      },
      11,
    ],
    [[1, 2, 7, 8], { kernel_shape: a.ints([3, 3]), strides: a.ints([2, 3]), auto_pad: a.string('SAME_UPPER') }, 11],
    [
      [1, 2, 7, 8],
      {
        kernel_shape: a.ints([2, 2]),
        strides: a.ints([2, 2]),
        auto_pad: a.string('SAME_LOWER'),
        count_include_pad: a.int(1),
      },
      11,
    ],
    [[1, 3, 10], { kernel_shape: a.ints([4]), strides: a.ints([3]), pads: a.ints([2, 1]) }, 11],
    [
      [1, 2, 4, 5, 6],
      { kernel_shape: a.ints([2, 3, 2]), pads: a.ints([1, 1, 0, 0, 1, 1]), count_include_pad: a.int(1) },
      11,
    ],
    [[1, 2, 9, 9], { kernel_shape: a.ints([3, 2]), dilations: a.ints([2, 3]), pads: a.ints([1, 1, 1, 1]) }, 19],
    [[1, 2, 5, 5], { kernel_shape: a.ints([2, 2]) }, 7],
  ];
  averageCases.forEach(([dims, attributes, opset], i) => {
    it(`AveragePool case ${i}: X [${dims.join(', ')}]`, async () => {
      await expectOpMatchesOrt({ op: 'AveragePool', opset, inputs: [floats(dims)], attributes });
    });
  });
  it('GlobalAveragePool and GlobalMaxPool over 1, 2 and 3 spatial axes', async () => {
    for (const op of ['GlobalAveragePool', 'GlobalMaxPool']) {
      for (const dims of [
        [2, 3, 5],
        [1, 4, 3, 6],
        [1, 2, 2, 3, 4],
        [0, 3, 4, 4],
      ])
        await expectOpMatchesOrt({ op, inputs: [floats(dims)] });
    }
  });
});

describe('Softmax, LogSoftmax and reductions vs onnxruntime', () => {
  it('Softmax and LogSoftmax: 2-D coercion before opset 13, one axis from 13', async () => {
    for (const op of ['Softmax', 'LogSoftmax']) {
      await expectOpMatchesOrt({ op, opset: 11, inputs: [floats([2, 3, 4], -5, 5)] });
      await expectOpMatchesOrt({ op, opset: 11, inputs: [floats([2, 3, 4], -5, 5)], attributes: { axis: a.int(2) } });
      await expectOpMatchesOrt({ op, opset: 11, inputs: [floats([2, 3, 4], -5, 5)], attributes: { axis: a.int(-3) } });
      await expectOpMatchesOrt({ op, opset: 13, inputs: [floats([2, 3, 4], -5, 5)] });
      await expectOpMatchesOrt({ op, opset: 13, inputs: [floats([2, 3, 4], -5, 5)], attributes: { axis: a.int(1) } });
      await expectOpMatchesOrt({ op, opset: 13, inputs: [floats([2, 3, 4], -50, 50)], attributes: { axis: a.int(0) } });
    }
  });
  for (const op of ['ReduceSum', 'ReduceMean', 'ReduceMax']) {
    it(`${op}: axes attribute, keepdims, all axes`, async () => {
      const x = () => floats([2, 3, 4]);
      await expectOpMatchesOrt({ op, opset: 11, inputs: [x()], attributes: { axes: a.ints([1]) } });
      await expectOpMatchesOrt({
        op,
        opset: 11,
        inputs: [x()],
        attributes: { axes: a.ints([0, -1]), keepdims: a.int(0) },
      });
      await expectOpMatchesOrt({ op, opset: 11, inputs: [x()] });
      await expectOpMatchesOrt({ op, opset: 11, inputs: [x()], attributes: { keepdims: a.int(0) } });
      await expectOpMatchesOrt({
        op,
        opset: 11,
        inputs: [ints('int32', [3, 4], -100, 100)],
        attributes: { axes: a.ints([1]) },
      });
    });
    it(`${op}: axes input and noop_with_empty_axes`, async () => {
      const opset = op === 'ReduceSum' ? 13 : 18;
      const x = () => floats([2, 3, 4]);
      await expectOpMatchesOrt({ op, opset, inputs: [x(), constant(i64([1]))] });
      await expectOpMatchesOrt({
        op,
        opset,
        inputs: [x(), constant(i64([-1, 0]))],
        attributes: { keepdims: a.int(0) },
      });
      await expectOpMatchesOrt({ op, opset, inputs: [x()] });
      await expectOpMatchesOrt({ op, opset, inputs: [x()], attributes: { noop_with_empty_axes: a.int(1) } });
      await expectOpMatchesOrt({
        op,
        opset,
        inputs: [x(), constant(i64([]))],
        attributes: { noop_with_empty_axes: a.int(1) },
      });
      await expectOpMatchesOrt({ op, opset, inputs: [ints('int64', [3, 4], -100, 100), constant(i64([0]))] });
      await expectOpMatchesOrt({ op, opset, inputs: [floats([0, 3]), constant(i64([1]))] });
    });
  }
});

describe('guarded failures', () => {
  it('our errors are typed where onnxruntime refuses', () => {
    expect(() => runReference({ op: 'Conv', inputs: [floats([1, 3, 4, 4]), floats([2, 2, 3, 3])] })).toThrow(
      /channels/,
    );
  });
});
