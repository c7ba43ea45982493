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
import { checkScales, QUANTIZED as EIGHT_BIT, roundHalfEven } from './quantize.js';
import { broadcastOrThrow } from '../tensor/util.js';
import { attr } from '../../ir/attributes.js';

/** The domain of onnxruntime's contrib ops. */
export const MICROSOFT_DOMAIN = 'com.microsoft';

const f = Math.fround;
/** Fused multiply-add in float32: x * y exact in float64 (x an 8-bit integer), one rounding after the add. */
const fma = (x: number, y: number, z: number) => f(x * y + z);

/** cvtps2dq then saturating packs: half to even, NaN and overflow to the low end, clamped to the type. */
function saturate(v: number, [lo, hi]: readonly [number, number]): number {
  if (!(Math.abs(v) < 2 ** 31)) return lo;
  return Math.min(hi, Math.max(lo, roundHalfEven(v)));
}

const scalarOf = (t: Tensor | undefined, fallback = 0) => (t === undefined ? fallback : Number(t.data[0]));

export const QLinearAdd: OpDef = {
  opType: 'QLinearAdd',
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
    checkArity(inputs, ctx, 7, 8);
    const [a, aScale, aZp, b, bScale, bZp, cScale, cZp] = inputs as (Tensor | undefined)[] as Tensor[];
    checkType(ctx, 'A', need(inputs, 0, ctx, 'A').type, EIGHT_BIT);
    checkType(ctx, 'B', need(inputs, 3, ctx, 'B').type, [a.type]);
    for (const [i, name] of [
      [1, 'A_scale'],
      [4, 'B_scale'],
      [6, 'C_scale'],
    ] as const)
      checkScales(ctx, name, need(inputs, i, ctx, name).data as Float32Array);
    const dims = broadcastShapes(a.dims, b.dims);
    const out = allocOutput(a.type, dims, ctx);
    const sC = scalarOf(cScale);
    const [rA, rB] = [f(scalarOf(aScale) / sC), f(scalarOf(bScale) / sC)];
    const [zA, zB, zC] = [scalarOf(aZp), scalarOf(bZp), scalarOf(cZp)];
    const fixed = f(zC - fma(rA, zA, f(rB * zB)));
    const range = EIGHT_BIT_RANGE[a.type as 'int8' | 'uint8'];
    // Which operand is one value across the innermost span, as MLAS's broadcast helper calls the kernel.
    const last = dims.at(-1) ?? 1;
    const spanScalar = (t: Tensor) => t.size === 1 || (last > 1 && (t.dims.at(-1) ?? 1) === 1);
    const [scalarA, scalarB] = [spanScalar(a), !spanScalar(a) && spanScalar(b)];
    const ia = broadcastIndex(a.dims, dims);
    const ib = broadcastIndex(b.dims, dims);
    const av = a.data as ArrayLike<number>;
    const bv = b.data as ArrayLike<number>;
    for (let i = 0; i < out.size; i++) {
      const x = av[ia ? ia[i] : i];
      const y = bv[ib ? ib[i] : i];
      const r = scalarA
        ? fma(y, rB, f(fixed + f(x * rA)))
        : scalarB
          ? fma(x, rA, f(fixed + f(y * rB)))
          : fma(x, rA, fma(y, rB, fixed));
      out.data[i] = saturate(r, range);
    }
    return [out];
  },
};

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
export const microsoftQuantizationOps: OpDef[] = [QLinearAdd, QLinearGlobalAveragePool];
