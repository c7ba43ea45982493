/**
 * onnxruntime's quantized contrib ops (domain com.microsoft) that its QDQ fusion makes of a QDQ model,
 * QLinearAdd and QLinearGlobalAveragePool, with MLAS's arithmetic on x64 so that a QDQ model folded by
 * core gives the integers onnxruntime's does (docs/quantization.md):
 * - QLinearAdd (the AVX2 kernel): rA = sA / sC and rB = sB / sC in float32; the fixed part
 *   zC - (rA * zA + rB * zB); then fma(a, rA, fma(b, rB, fixed)) for two full operands, or, where one
 *   is a scalar over the span, fma(x, rX, fixed + s * rS); rounded half to even, saturated.
 * - QLinearGlobalAveragePool: the exact integer sum less zIn x N, as float32, times
 *   sIn / (sOut x N) (float32), rounded half to even, plus zOut, saturated.
 */
import { broadcastShapes, sizeOf } from '../../shape.js';
import { EIGHT_BIT_RANGE, type Tensor } from '../../tensor.js';
import type { InferInput, OpContext, OpDef } from '../op.js';
import { broadcastIndex } from './broadcast.js';
import { allocOutput, checkArity, checkType, need } from './common.js';
import { fmaf, logisticFma3, saturate } from './mlas-arithmetic.js';
import { checkScales, QUANTIZED as EIGHT_BIT, quantizeScaled, roundHalfEven } from './quantize.js';
import { broadcastOrThrow } from '../tensor/util.js';
import { attr } from '../../ir/attributes.js';

/** The domain of onnxruntime's contrib ops. */
export const MICROSOFT_DOMAIN = 'com.microsoft';

const f = Math.fround;

const scalarOf = (t: Tensor | undefined, fallback = 0) => (t === undefined ? fallback : Number(t.data[0]));

/** What QLinearAdd and QLinearMul read: A, B (one 8-bit type), their parameters and C's, checked. */
function binaryOperands(inputs: readonly (Tensor | undefined)[], ctx: OpContext) {
  checkArity(inputs, ctx, 7, 8);
  const [a, aScale, aZp, b, bScale, bZp, cScale, cZp] = inputs as Tensor[];
  checkType(ctx, 'A', need(inputs, 0, ctx, 'A').type, EIGHT_BIT);
  checkType(ctx, 'B', need(inputs, 3, ctx, 'B').type, [a.type]);
  for (const [i, name] of [
    [1, 'A_scale'],
    [4, 'B_scale'],
    [6, 'C_scale'],
  ] as const)
    checkScales(ctx, name, need(inputs, i, ctx, name).data as Float32Array);
  const dims = broadcastShapes(a.dims, b.dims);
  return {
    a,
    b,
    dims,
    scales: [scalarOf(aScale), scalarOf(bScale), scalarOf(cScale)] as const,
    zeroPoints: [scalarOf(aZp), scalarOf(bZp), scalarOf(cZp)] as const,
    range: EIGHT_BIT_RANGE[a.type as 'int8' | 'uint8'],
    ia: broadcastIndex(a.dims, dims),
    ib: broadcastIndex(b.dims, dims),
  };
}

/** A com.microsoft binary op on two 8-bit tensors of one type, broadcast, `compute` per element. */
function qlinearBinary(
  opType: string,
  compute: (operands: ReturnType<typeof binaryOperands>) => (x: number, y: number) => number,
): OpDef {
  return {
    opType,
    domain: MICROSOFT_DOMAIN,
    sinceVersion: 1,
    infer(inputs, ctx) {
      checkArity(inputs, ctx, 7, 8);
      const a = need(inputs, 0, ctx, 'A');
      const b = need(inputs, 3, ctx, 'B');
      checkType(ctx, 'A', a.type, EIGHT_BIT);
      checkType(ctx, 'B', b.type, [a.type]);
      const shape = a.shape && b.shape ? broadcastOrThrow(ctx, a.shape, b.shape) : undefined;
      return [{ type: a.type, shape }];
    },
    run(inputs, ctx) {
      const operands = binaryOperands(inputs as (Tensor | undefined)[], ctx);
      const { a, b, dims, ia, ib } = operands;
      const out = allocOutput(a.type, dims, ctx);
      const element = compute(operands);
      const av = a.data as ArrayLike<number>;
      const bv = b.data as ArrayLike<number>;
      for (let i = 0; i < out.size; i++) out.data[i] = element(av[ia ? ia[i] : i], bv[ib ? ib[i] : i]);
      return [out];
    },
  };
}

export const QLinearAdd = qlinearBinary(
  'QLinearAdd',
  ({ a, b, dims, scales: [sA, sB, sC], zeroPoints: [zA, zB, zC], range }) => {
    const [rA, rB] = [f(sA / sC), f(sB / sC)];
    const fixed = f(zC - fmaf(rA, zA, f(rB * zB)));
    // Which operand is one value across the innermost span, as MLAS's broadcast helper calls the kernel.
    const last = dims.at(-1) ?? 1;
    const spanScalar = (t: Tensor) => t.size === 1 || (last > 1 && (t.dims.at(-1) ?? 1) === 1);
    const [scalarA, scalarB] = [spanScalar(a), !spanScalar(a) && spanScalar(b)];
    return (x, y) =>
      saturate(
        scalarA
          ? fmaf(y, rB, f(fixed + f(x * rA)))
          : scalarB
            ? fmaf(x, rA, f(fixed + f(y * rB)))
            : fmaf(x, rA, fmaf(y, rB, fixed)),
        range,
      );
  },
);

export const QLinearMul = qlinearBinary('QLinearMul', ({ scales: [sA, sB, sC], zeroPoints: [zA, zB, zC], range }) => {
  const ratio = f(f(sA * sB) / sC);
  // The int16 pack before the 8-bit one changes nothing the 8-bit clamp does not.
  return (x, y) => saturate(f(f((x - zA) * (y - zB) * ratio) + zC), range);
});

/**
 * A com.microsoft unary op that onnxruntime runs through a 256-entry table: each level dequantized,
 * `fn` applied in float32, quantized as QuantizeLinear does.
 */
function qlinearLookup(opType: string, fn: (ctx: OpContext) => (v: number) => number): OpDef {
  return {
    opType,
    domain: MICROSOFT_DOMAIN,
    sinceVersion: 1,
    infer(inputs, ctx) {
      checkArity(inputs, ctx, 4, 5);
      const x = need(inputs, 0, ctx, 'X') as InferInput;
      checkType(ctx, 'X', x.type, EIGHT_BIT);
      return [{ type: x.type, shape: x.shape }];
    },
    run(inputs, ctx) {
      checkArity(inputs, ctx, 4, 5);
      const [x, xScale, xZp, yScale, yZp] = inputs as (Tensor | undefined)[] as Tensor[];
      checkType(ctx, 'X', need(inputs, 0, ctx, 'X').type, EIGHT_BIT);
      checkScales(ctx, 'X_scale', need(inputs, 1, ctx, 'X_scale').data as Float32Array);
      checkScales(ctx, 'Y_scale', need(inputs, 3, ctx, 'Y_scale').data as Float32Array);
      const [sX, zX, sY, zY] = [scalarOf(xScale), scalarOf(xZp), scalarOf(yScale), scalarOf(yZp)];
      const range = EIGHT_BIT_RANGE[x.type as 'int8' | 'uint8'];
      const apply = fn(ctx);
      const table = new Map<number, number>();
      for (let q = range[0]; q <= range[1]; q++)
        table.set(q, quantizeScaled(f(apply(f(sX * (q - zX))) / sY), zY, range));
      const out = allocOutput(x.type, x.dims, ctx);
      const v = x.data as ArrayLike<number>;
      for (let i = 0; i < out.size; i++) out.data[i] = table.get(v[i]) as number;
      return [out];
    },
  };
}

export const QLinearSigmoid = qlinearLookup('QLinearSigmoid', () => logisticFma3);

export const QLinearLeakyRelu = qlinearLookup('QLinearLeakyRelu', (ctx) => {
  const alpha = f(attr.float(ctx.node, 'alpha', 0.01));
  return (v) => (v >= 0 ? v : f(alpha * v));
});

export const QLinearGlobalAveragePool: OpDef = {
  opType: 'QLinearGlobalAveragePool',
  domain: MICROSOFT_DOMAIN,
  sinceVersion: 1,
  infer(inputs, ctx) {
    checkArity(inputs, ctx, 5, 5);
    const x = need(inputs, 0, ctx, 'X') as InferInput;
    checkType(ctx, 'X', x.type, EIGHT_BIT);
    return [{ type: x.type, shape: x.shape && pooledShape(x.shape, ctx) }];
  },
  run(inputs, ctx) {
    checkArity(inputs, ctx, 5, 5);
    const [x, xScale, xZp, yScale, yZp] = inputs as Tensor[];
    checkType(ctx, 'X', need(inputs, 0, ctx, 'X').type, EIGHT_BIT);
    for (const [i, name] of [
      [1, 'x_scale'],
      [3, 'y_scale'],
    ] as const)
      checkScales(ctx, name, need(inputs, i, ctx, name).data as Float32Array);
    const dims = x.dims;
    const channelsLast = attr.int(ctx.node, 'channels_last', 0) === 1;
    const [n, c] = channelsLast ? [dims[0], dims[dims.length - 1]] : [dims[0], dims[1]];
    const image = sizeOf(dims) / Math.max(1, n * c);
    const scale = f(scalarOf(xScale) / f(scalarOf(yScale) * image));
    const bias = -scalarOf(xZp) * image;
    const zOut = scalarOf(yZp);
    const out = allocOutput(x.type, pooledShape(dims, ctx) as number[], ctx);
    const range = EIGHT_BIT_RANGE[x.type as 'int8' | 'uint8'];
    const v = x.data as ArrayLike<number>;
    for (let b = 0; b < n; b++)
      for (let k = 0; k < c; k++) {
        let acc = bias;
        for (let p = 0; p < image; p++) acc += v[channelsLast ? (b * image + p) * c + k : (b * c + k) * image + p];
        const r = f(f(acc) * scale);
        out.data[b * c + k] = Math.min(range[1], Math.max(range[0], roundHalfEven(r) + zOut));
      }
    return [out];
  },
};

/** The pooled shape: every spatial axis 1. */
function pooledShape<D>(dims: readonly D[], ctx: OpContext): D[] {
  const channelsLast = attr.int(ctx.node, 'channels_last', 0) === 1;
  return dims.map((d, i) => ((channelsLast ? i > 0 && i < dims.length - 1 : i > 1) ? (1 as D) : d));
}

/** onnxruntime's quantized contrib ops, for the registry. */
export const microsoftQuantizationOps: OpDef[] = [
  QLinearAdd,
  QLinearMul,
  QLinearSigmoid,
  QLinearLeakyRelu,
  QLinearGlobalAveragePool,
];
