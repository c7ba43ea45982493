/**
 * Quantized tensors as data: QuantizeLinear, DequantizeLinear and DynamicQuantizeLinear, and the integer
 * ops ConvInteger, MatMulInteger, QLinearConv and QLinearMatMul. The arithmetic is onnxruntime's on x64
 * (MLAS), so that results are bit-identical to it (docs/quantization.md):
 * - quantize: v = x / scale in float32, clamped to [qmin - zp, qmax - zp] (NaN takes the low end, as
 *   SSE's maxps gives), rounded half to even, plus zp;
 * - dequantize: (q - zp) * scale in float32;
 * - requantize (the QLinear ops): the exact integer sum (zero points subtracted, bias added) as float32,
 *   times a_scale * b_scale / y_scale (float32, in that order), then as quantize.
 * A scale that is not a positive finite number is a QuantParamError, at compile time when it is a constant.
 */
import { QuantParamError, UnsupportedOpError } from '../../errors.js';
import { attr } from '../../ir/attributes.js';
import type { Dim } from '../../shape.js';
import { EIGHT_BIT_RANGE, type Tensor, type TensorType } from '../../tensor.js';
import type { InferInput, OpContext, OpDef } from '../op.js';
import {
  allocOutput,
  axisIn,
  checkArity,
  checkSameType,
  checkType,
  FLOAT,
  firstInput,
  need,
  nodeLabel,
  product,
  shapeError,
} from './common.js';
import { convKernel, convOutputShape, convSetup } from './conv.js';
import { matmulKernel, matmulShape } from './matmul.js';
import { geometry3 } from './window.js';

type Quantized = 'int8' | 'uint8';
/** The 8-bit types quantized tensors have. */
export const QUANTIZED: readonly TensorType[] = ['int8', 'uint8'];

/** Rounds half to even, as the FPU's default mode (nearbyint, cvtps2dq) does. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** `v` (already divided by the scale, in float32) as a quantized value of `range` with zero point `zp`. */
export function quantizeScaled(v: number, zp: number, [qmin, qmax]: readonly [number, number]): number {
  const lo = qmin - zp;
  const hi = qmax - zp;
  // `v > lo` is false for NaN, which so takes the low end.
  const clamped = v > lo ? Math.min(v, hi) : lo;
  return roundHalfEven(clamped) + zp;
}

/** Throws QuantParamError unless every scale is a positive finite float. */
export function checkScales(ctx: OpContext, name: string, scales: ArrayLike<number>): void {
  for (let i = 0; i < scales.length; i++) {
    const s = scales[i];
    if (!(s > 0 && Number.isFinite(s)))
      throw new QuantParamError(`${nodeLabel(ctx.node)}: ${name} must be positive and finite, got ${s}`, {
        node: ctx.node.name,
        op: ctx.node.opType,
        input: name,
        got: s,
      });
  }
}

/**
 * How a scale (and its zero point) applies to a tensor of `dims`: one for all (a scalar or one element),
 * or one per index of `axis` (a 1-D tensor of that length, from opset 13 for Q/DQ).
 */
interface Broadcast {
  /** Elements sharing one parameter along the axis (the product of the dims after it); 0 per tensor. */
  inner: number;
  count: number;
}

function parameterLayout(
  ctx: OpContext,
  name: string,
  param: readonly Dim[] | undefined,
  dims: readonly Dim[] | undefined,
  axis: number | undefined,
): Broadcast {
  if (param === undefined || param.length === 0 || (param.length === 1 && param[0] === 1) || dims === undefined)
    return { inner: 0, count: 1 };
  if (param.length !== 1 || axis === undefined)
    throw shapeError(ctx, `${name} must be a scalar, got [${param.join(', ')}]`, [], [...param]);
  const a = axisIn(ctx.node, 'axis', axis, dims.length);
  if (typeof dims[a] === 'number' && typeof param[0] === 'number' && param[0] !== dims[a])
    throw shapeError(
      ctx,
      `${name} [${param[0]}] must have one value per index of axis ${a} (${dims[a]})`,
      dims[a],
      param[0],
    );
  const after = dims.slice(a + 1);
  return { inner: after.every((d) => typeof d === 'number') ? product(after as number[]) : 1, count: Number(param[0]) };
}

/** The parameter index of element `i`. */
const paramAt = (b: Broadcast, i: number) => (b.inner === 0 ? 0 : Math.floor(i / b.inner) % b.count);

/** The zero point's values (zeros when it is omitted) and its type (or `fallback`). */
function zeroPoint(t: Tensor | undefined, fallback: Quantized): { values: ArrayLike<number>; type: Quantized } {
  if (t === undefined) return { values: [0], type: fallback };
  return { values: t.data as ArrayLike<number>, type: t.type as Quantized };
}

/** Checks a constant scale at compile time. */
function checkConstantScale(ctx: OpContext, name: string, input: InferInput | undefined): void {
  if (input?.value) checkScales(ctx, name, input.value.data as Float32Array);
}

/** The per-axis axis of Q/DQ: attribute `axis` (default 1) from opset 13, none before. */
const qdqAxis = (ctx: OpContext) => (ctx.opset >= 13 ? attr.int(ctx.node, 'axis', 1) : undefined);

/** Refuses what the reference does not compute: blocked quantization and non-8-bit outputs (opset 21). */
function checkPlainQuantization(ctx: OpContext): void {
  if (attr.int(ctx.node, 'block_size', 0) !== 0)
    throw new UnsupportedOpError(`${nodeLabel(ctx.node)}: blocked quantization (block_size) is not supported`, {
      node: ctx.node.name,
      op: ctx.node.opType,
    });
}

/** Q/DQ's x (of `types`) and its scale: arity, types, the scale's layout, and its values when constant. */
function qdqOperands(
  inputs: readonly (InferInput | undefined)[],
  ctx: OpContext,
  types: readonly TensorType[],
  scaleName: string,
): InferInput {
  checkArity(inputs, ctx, 2, 3);
  checkPlainQuantization(ctx);
  const x = need(inputs, 0, ctx, 'x');
  const scale = need(inputs, 1, ctx, scaleName);
  checkType(ctx, 'x', x.type, types);
  checkType(ctx, scaleName, scale.type, FLOAT);
  parameterLayout(ctx, scaleName, scale.shape, x.shape, qdqAxis(ctx));
  checkConstantScale(ctx, scaleName, scale);
  return x;
}

/** QuantizeLinear's output type: its zero point's, or output_dtype (opset 21: 2 uint8, 3 int8), or uint8. */
function quantizedOutputType(ctx: OpContext, zp: { type: TensorType } | undefined): Quantized {
  if (zp) {
    checkType(ctx, 'y_zero_point', zp.type, QUANTIZED);
    return zp.type as Quantized;
  }
  const dtype = attr.int(ctx.node, 'output_dtype', 0);
  if (dtype === 0 || dtype === 2) return 'uint8';
  if (dtype === 3) return 'int8';
  throw new UnsupportedOpError(`${nodeLabel(ctx.node)}: output_dtype ${dtype} is not supported (int8 or uint8)`, {
    node: ctx.node.name,
    op: ctx.node.opType,
    got: dtype,
  });
}

export const QuantizeLinear: OpDef = {
  opType: 'QuantizeLinear',
  domain: '',
  sinceVersion: 10,
  infer(inputs, ctx) {
    const x = qdqOperands(inputs, ctx, FLOAT, 'y_scale');
    return [{ type: quantizedOutputType(ctx, inputs[2]), shape: x.shape }];
  },
  run(inputs, ctx) {
    const x = qdqOperands(inputs, ctx, FLOAT, 'y_scale') as Tensor;
    const scale = inputs[1] as Tensor;
    const type = quantizedOutputType(ctx, inputs[2]);
    const scales = scale.data as Float32Array;
    checkScales(ctx, 'y_scale', scales);
    const layout = parameterLayout(ctx, 'y_scale', scale.dims, x.dims, qdqAxis(ctx));
    const zp = zeroPoint(inputs[2], type).values;
    const out = allocOutput(type, x.dims, ctx);
    const src = x.data as Float32Array;
    for (let i = 0; i < src.length; i++) {
      const p = paramAt(layout, i);
      out.data[i] = quantizeScaled(Math.fround(src[i] / scales[p]), zp[zp.length === 1 ? 0 : p], EIGHT_BIT_RANGE[type]);
    }
    return [out];
  },
};

/** DequantizeLinear's x: 8-bit or int32, its zero point of its type. */
function dequantizeOperand(inputs: readonly (InferInput | undefined)[], ctx: OpContext): InferInput {
  const x = qdqOperands(inputs, ctx, [...QUANTIZED, 'int32'], 'x_scale');
  if (inputs[2]) checkSameType(ctx, ['x', 'x_zero_point'], x.type, inputs[2].type);
  return x;
}

export const DequantizeLinear: OpDef = {
  opType: 'DequantizeLinear',
  domain: '',
  sinceVersion: 10,
  infer(inputs, ctx) {
    return [{ type: 'float32', shape: dequantizeOperand(inputs, ctx).shape }];
  },
  run(inputs, ctx) {
    const x = dequantizeOperand(inputs, ctx) as Tensor;
    const scale = inputs[1] as Tensor;
    const scales = scale.data as Float32Array;
    checkScales(ctx, 'x_scale', scales);
    const layout = parameterLayout(ctx, 'x_scale', scale.dims, x.dims, qdqAxis(ctx));
    const zp = inputs[2] ? (inputs[2].data as ArrayLike<number>) : [0];
    if (x.type === 'int32' && Array.prototype.some.call(zp, (z: number) => z !== 0))
      throw new QuantParamError(`${nodeLabel(ctx.node)}: an int32 x takes no zero point (0), got ${zp[0]}`, {
        node: ctx.node.name,
        op: ctx.node.opType,
        input: 'x_zero_point',
      });
    const out = allocOutput('float32', x.dims, ctx);
    const src = x.data as ArrayLike<number>;
    for (let i = 0; i < src.length; i++) {
      const p = paramAt(layout, i);
      out.data[i] = Math.fround(src[i] - zp[zp.length === 1 ? 0 : p]) * scales[p];
    }
    return [out];
  },
};

/**
 * DynamicQuantizeLinear: uint8 with the scale and zero point of x's range widened to hold 0, as
 * onnxruntime computes them (scale 1 for an all-zero x).
 */
export const DynamicQuantizeLinear: OpDef = {
  opType: 'DynamicQuantizeLinear',
  domain: '',
  sinceVersion: 11,
  infer(inputs, ctx) {
    const x = firstInput(inputs, ctx, 'x', FLOAT);
    return [
      { type: 'uint8', shape: x.shape },
      { type: 'float32', shape: [] },
      { type: 'uint8', shape: [] },
    ];
  },
  run(inputs, ctx) {
    const x = firstInput(inputs, ctx, 'x', FLOAT);
    const src = x.data as Float32Array;
    let min = 0;
    let max = 0;
    for (let i = 0; i < src.length; i++) {
      if (src[i] < min) min = src[i];
      if (src[i] > max) max = src[i];
    }
    const [qmin, qmax] = EIGHT_BIT_RANGE.uint8;
    const scale = max === min ? 1 : Math.fround(Math.fround(max - min) / (qmax - qmin));
    const initial = Math.fround(qmin - Math.fround(min / scale));
    const zp = roundHalfEven(Math.max(qmin, Math.min(qmax, initial)));
    const y = allocOutput('uint8', x.dims, ctx);
    for (let i = 0; i < src.length; i++)
      y.data[i] = quantizeScaled(Math.fround(src[i] / scale), zp, EIGHT_BIT_RANGE.uint8);
    const s = allocOutput('float32', [], ctx);
    s.data[0] = scale;
    const z = allocOutput('uint8', [], ctx);
    z.data[0] = zp;
    return [y, s, z];
  },
};

/** `t` minus its zero point, as exact small integers: per tensor, or per index of `axis` of `t`. */
function shifted(t: Tensor, zp: Tensor | undefined, axis: number): Float64Array {
  const out = new Float64Array(t.size);
  const src = t.data as ArrayLike<number>;
  const z = zp ? (zp.data as ArrayLike<number>) : [0];
  const inner = z.length === 1 ? 0 : product(t.dims as number[], axis + 1);
  for (let i = 0; i < out.length; i++) out[i] = src[i] - z[inner === 0 ? 0 : Math.floor(i / inner) % z.length];
  return out;
}

/** Checks a zero point: of the quantized type of its tensor, and a scalar or one value per index of `along`. */
function checkZeroPoint(ctx: OpContext, name: string, zp: InferInput | undefined, type: TensorType, along?: Dim): void {
  if (!zp) return;
  checkSameType(ctx, [name.replace('_zero_point', ''), name], type, zp.type);
  const shape = zp.shape;
  if (!shape || shape.length === 0 || (shape.length === 1 && shape[0] === 1)) return;
  if (along === undefined || shape.length !== 1 || (typeof along === 'number' && shape[0] !== along))
    throw shapeError(
      ctx,
      `${name} must be a scalar${along === undefined ? '' : ` or [${along}]`}, got [${shape.join(', ')}]`,
      along,
      [...shape],
    );
}

/** The requantization multipliers a_scale * b_scale[j] / y_scale, in float32 as onnxruntime computes them. */
function multipliers(ctx: OpContext, aScale: Tensor, bScale: Tensor, yScale: Tensor): Float64Array {
  for (const [name, t] of [
    ['a_scale', aScale],
    ['b_scale', bScale],
    ['y_scale', yScale],
  ] as const)
    checkScales(ctx, name, t.data as Float32Array);
  const a = aScale.data[0] as number;
  const y = yScale.data[0] as number;
  return Float64Array.from(bScale.data as Float32Array, (b) => Math.fround(Math.fround(a * b) / y));
}

/** Requantizes exact integer sums: channel of element i from `channelOf`. */
function requantize(
  sums: ArrayLike<number>,
  out: Tensor,
  scales: Float64Array,
  zp: number,
  channelOf: (i: number) => number,
): void {
  const range = EIGHT_BIT_RANGE[out.type as Quantized];
  for (let i = 0; i < sums.length; i++) {
    const m = scales[scales.length === 1 ? 0 : channelOf(i)];
    out.data[i] = quantizeScaled(Math.fround(Math.fround(sums[i]) * m), zp, range);
  }
}

/**
 * The two 8-bit operands of an integer op (named `names`) and their optional zero points: the first's a
 * scalar, the second's a scalar or one value per index of its axis `along` gives.
 */
function integerOperands(
  ctx: OpContext,
  names: readonly [string, string],
  [a, aZp, b, bZp]: readonly (InferInput | undefined)[],
  along: (second: InferInput) => Dim | undefined,
): [InferInput, InferInput] {
  const A = need([a], 0, ctx, names[0]);
  const B = need([b], 0, ctx, names[1]);
  checkType(ctx, names[0], A.type, QUANTIZED);
  checkType(ctx, names[1], B.type, QUANTIZED);
  checkZeroPoint(ctx, `${names[0].toLowerCase()}_zero_point`, aZp, A.type);
  checkZeroPoint(ctx, `${names[1].toLowerCase()}_zero_point`, bZp, B.type, along(B));
  return [A, B];
}

/** A, B and their zero points (B's per column); the output shape. */
function integerMatMulTypes(
  ctx: OpContext,
  a: InferInput | undefined,
  aZp: InferInput | undefined,
  b: InferInput | undefined,
  bZp: InferInput | undefined,
): Dim[] | undefined {
  const [A, B] = integerOperands(ctx, ['A', 'B'], [a, aZp, b, bZp], (B) => B.shape?.[B.shape.length - 1]);
  return A.shape && B.shape ? matmulShape(ctx, A.shape, B.shape) : undefined;
}

type Operands<T> = [ctx: OpContext, a: T, aZp: T | undefined, b: T, bZp: T | undefined];

/** ConvInteger and MatMulInteger: the int32 sums of two 8-bit inputs (0, 1) less their zero points (2, 3). */
function integerOp(
  opType: string,
  shapeOf: (...operands: Operands<InferInput | undefined>) => Dim[] | undefined,
  sums: (...operands: Operands<Tensor>) => Tensor,
): OpDef {
  return {
    opType,
    domain: '',
    sinceVersion: 10,
    infer(inputs, ctx) {
      checkArity(inputs, ctx, 2, 4);
      return [{ type: 'int32', shape: shapeOf(ctx, inputs[0], inputs[2], inputs[1], inputs[3]) }];
    },
    run(inputs, ctx) {
      checkArity(inputs, ctx, 2, 4);
      const [a, b, aZp, bZp] = inputs;
      shapeOf(ctx, a, aZp, b, bZp);
      return [sums(ctx, a as Tensor, aZp, b as Tensor, bZp)];
    },
  };
}

/** The exact integer product of A and B, zero points subtracted (A's per row, B's per column). */
function integerMatMul(
  a: Tensor,
  aZp: Tensor | undefined,
  b: Tensor,
  bZp: Tensor | undefined,
  out: Int32Array | Float64Array,
) {
  const rowAxis = Math.max(0, a.dims.length - 2);
  matmulKernel(shifted(a, aZp, rowAxis), a.dims, shifted(b, bZp, b.dims.length - 1), b.dims, out);
}

export const MatMulInteger = integerOp('MatMulInteger', integerMatMulTypes, (ctx, a, aZp, b, bZp) => {
  const out = allocOutput('int32', matmulShape(ctx, a.dims, b.dims) as number[], ctx);
  integerMatMul(a, aZp, b, bZp, out.data);
  return out;
});

/**
 * The QLinear ops' three scales (inputs 1, 4 and 6: float32, checked now when constant) and their
 * y_zero_point (input 7), whose type is the output's.
 */
function qlinearOutputType(
  inputs: readonly (InferInput | undefined)[],
  ctx: OpContext,
  [first, second]: readonly [string, string],
): TensorType {
  for (const [i, name] of [
    [1, first],
    [4, second],
    [6, 'y_scale'],
  ] as const) {
    checkType(ctx, name, need(inputs, i, ctx, name).type, FLOAT);
    checkConstantScale(ctx, name, inputs[i]);
  }
  const yZp = need(inputs, 7, ctx, 'y_zero_point');
  checkType(ctx, 'y_zero_point', yZp.type, QUANTIZED);
  return yZp.type;
}

export const QLinearMatMul: OpDef = {
  opType: 'QLinearMatMul',
  domain: '',
  sinceVersion: 10,
  infer(inputs, ctx) {
    checkArity(inputs, ctx, 8, 8);
    const shape = integerMatMulTypes(ctx, inputs[0], inputs[2], inputs[3], inputs[5]);
    return [{ type: qlinearOutputType(inputs, ctx, ['a_scale', 'b_scale']), shape }];
  },
  run(inputs, ctx) {
    checkArity(inputs, ctx, 8, 8);
    qlinearOutputType(inputs, ctx, ['a_scale', 'b_scale']);
    const [a, aScale, aZp, b, bScale, bZp, yScale, yZp] = inputs as Tensor[];
    integerMatMulTypes(ctx, a, aZp, b, bZp);
    const dims = matmulShape(ctx, a.dims, b.dims) as number[];
    const sums = new Float64Array(product(dims));
    integerMatMul(a, aZp, b, bZp, sums);
    const out = allocOutput(yZp.type, dims, ctx);
    const N = b.dims.length === 1 ? 1 : b.dims[b.dims.length - 1];
    requantize(sums, out, multipliers(ctx, aScale, bScale, yScale), yZp.data[0] as number, (i) => i % N);
    return [out];
  },
};

/** X, W (8-bit) and their zero points (X's a scalar, W's a scalar or one per output channel); the output shape. */
function integerConvTypes(
  ctx: OpContext,
  x: InferInput | undefined,
  xZp: InferInput | undefined,
  w: InferInput | undefined,
  wZp: InferInput | undefined,
  bias?: InferInput,
): Dim[] | undefined {
  const [X, W] = integerOperands(ctx, ['x', 'w'], [x, xZp, w, wZp], (W) => W.shape?.[0]);
  if (bias) checkType(ctx, 'B', bias.type, ['int32']);
  return convOutputShape(ctx, X.shape, W.shape, bias?.shape);
}

/** The exact integer convolution of X and W, zero points subtracted (padding is the zero point: 0 here). */
function integerConv(
  ctx: OpContext,
  x: Tensor,
  xZp: Tensor | undefined,
  w: Tensor,
  wZp: Tensor | undefined,
  bias?: Tensor,
) {
  const { window, group } = convSetup(ctx, x.dims, w.dims, bias?.dims);
  const geometry = geometry3(ctx.node, window, x.dims.slice(2));
  const [N, C] = x.dims;
  const M = w.dims[0];
  const dims = [N, M, ...geometry.outSize.slice(3 - window.rank)];
  const sums = allocOutput('int32', dims, ctx);
  convKernel(
    shifted(x, xZp, 0),
    shifted(w, wZp, 0),
    bias?.data as Int32Array | undefined,
    sums.data,
    N,
    C,
    M,
    group,
    geometry,
  );
  return { sums, plane: product(dims, 2), M };
}

export const ConvInteger = integerOp(
  'ConvInteger',
  (ctx, x, xZp, w, wZp) => integerConvTypes(ctx, x, xZp, w, wZp),
  (ctx, x, xZp, w, wZp) => integerConv(ctx, x, xZp, w, wZp).sums,
);

export const QLinearConv: OpDef = {
  opType: 'QLinearConv',
  domain: '',
  sinceVersion: 10,
  infer(inputs, ctx) {
    checkArity(inputs, ctx, 8, 9);
    const shape = integerConvTypes(ctx, inputs[0], inputs[2], inputs[3], inputs[5], inputs[8]);
    return [{ type: qlinearOutputType(inputs, ctx, ['x_scale', 'w_scale']), shape }];
  },
  run(inputs, ctx) {
    checkArity(inputs, ctx, 8, 9);
    qlinearOutputType(inputs, ctx, ['x_scale', 'w_scale']);
    const [x, xScale, xZp, w, wScale, wZp, yScale, yZp, bias] = inputs as (Tensor | undefined)[];
    integerConvTypes(ctx, x, xZp, w, wZp, bias);
    const { sums, plane, M } = integerConv(ctx, x as Tensor, xZp, w as Tensor, wZp, bias);
    const out = allocOutput((yZp as Tensor).type, sums.dims, ctx);
    const scales = multipliers(ctx, xScale as Tensor, wScale as Tensor, yScale as Tensor);
    requantize(sums.data, out, scales, (yZp as Tensor).data[0] as number, (i) => Math.floor(i / plane) % M);
    return [out];
  },
};

/** The quantization ops, for the registry. */
export const quantizationOps: OpDef[] = [
  QuantizeLinear,
  DequantizeLinear,
  DynamicQuantizeLinear,
  MatMulInteger,
  QLinearMatMul,
  ConvInteger,
  QLinearConv,
];
