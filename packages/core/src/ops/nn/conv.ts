/**
 * Conv (1-D, 2-D and 3-D, grouped, dilated, strided, padded or auto-padded) and lastmile's FusedConv,
 * which is Conv followed by one activation. The kernel is a direct convolution over typed arrays that
 * sums each output plane in float64; 1-D and 2-D problems run as 3-D with unit leading axes.
 */
import { attr } from '../../ir/attributes.js';
import type { ValueType } from '../../ir/graph.js';
import type { Dim } from '../../shape.js';
import type { Tensor, TensorType } from '../../tensor.js';
import type { InferInput, OpContext, OpDef } from '../op.js';
import { applyInPlace, fusedActivation } from './activations.js';
import { allocOutput, badAttribute, FLOAT, known, sameTypeInputs, shapeError } from './common.js';
import {
  columnRanges,
  geometry3,
  planeSizes,
  readWindow,
  windowOutputDims,
  type Geometry3,
  type Window,
} from './window.js';

/** X, W and the optional B of Conv and ConvTranspose: float32, one type. */
export function convInputs<T extends { type: TensorType }>(
  inputs: readonly (T | undefined)[],
  ctx: OpContext,
): [T, T, T | undefined] {
  return sameTypeInputs(inputs, ctx, ['X', 'W', 'B'], FLOAT);
}

/**
 * Checks that X has rank 3 to 5 ([N, C, spatial...]) and W the same rank; reads the group attribute, which
 * must divide both channel counts.
 */
export function readConvGroup(ctx: OpContext, x: readonly Dim[], w: readonly Dim[]): number {
  if (x.length < 3 || x.length > 5)
    throw shapeError(ctx, `X must have rank 3 to 5 ([N, C, spatial...]), got [${x.join(', ')}]`, '3..5', x.length);
  if (w.length !== x.length)
    throw shapeError(ctx, `W [${w.join(', ')}] must have the rank of X [${x.join(', ')}]`, x.length, w.length);
  const group = attr.int(ctx.node, 'group', 1);
  if (!Number.isSafeInteger(group) || group < 1 || group > 2 ** 31 - 1)
    throw badAttribute(ctx.node, 'group', `must be a positive integer, got ${group}`, '>= 1', group);
  return group;
}

/** Checks that B is [M] (M undefined when not known). */
export function checkBias(ctx: OpContext, b: readonly Dim[] | undefined, M: Dim | undefined): void {
  if (b && (b.length !== 1 || (known(b[0]) && known(M) && b[0] !== M)))
    throw shapeError(ctx, `B must be [${M}], got [${b.join(', ')}]`, [M], [...b]);
}

/** Checks X [N, C, ...], W [M, C/group, k...], B [M] and reads the window; returns it with the group. */
export function convSetup(
  ctx: OpContext,
  x: readonly Dim[],
  w: readonly Dim[],
  b: readonly Dim[] | undefined,
): { window: Window; group: number } {
  const group = readConvGroup(ctx, x, w);
  const [C, Cg, M] = [x[1], w[1], w[0]];
  if (known(C) && known(Cg) && Cg * group !== C) {
    throw shapeError(
      ctx,
      `X has ${C} channels but W [${w.join(', ')}] with group ${group} expects ${Cg * group}`,
      Cg * group,
      C,
    );
  }
  if (known(M) && M % group !== 0)
    throw shapeError(ctx, `W's ${M} output channels are not divisible by group ${group}`, `multiple of ${group}`, M);
  checkBias(ctx, b, M);
  const window = readWindow(ctx.node, x.length - 2, { weightKernel: w.slice(2), dilations: true });
  return { window, group };
}

/** A convolution's output shape [N, M, spatial out...], when X's and W's shapes are known. */
export function convOutputShape(
  ctx: OpContext,
  x: readonly Dim[] | undefined,
  w: readonly Dim[] | undefined,
  b: readonly Dim[] | undefined,
): Dim[] | undefined {
  if (!x || !w) return undefined;
  const { window } = convSetup(ctx, x, w, b);
  return [x[0], w[0], ...windowOutputDims(ctx.node, window, x.slice(2))];
}

/** Conv's output type from its input types: [N, M, spatial out...]. */
export function inferConv(inputs: readonly (InferInput | undefined)[], ctx: OpContext): ValueType[] {
  const [x, w, b] = convInputs(inputs, ctx);
  return [{ type: x.type, shape: convOutputShape(ctx, x.shape, w.shape, b?.shape) }];
}

/** The convolution proper, into a zeroed `out` of [N, M, outSize...]. */
export function convKernel(
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  bias: ArrayLike<number> | undefined,
  out: Float32Array | Int32Array,
  N: number,
  C: number,
  M: number,
  group: number,
  g: Geometry3,
): void {
  const {
    inSize: [ID, IH, IW],
    outSize: [OD, OH, OW],
    kernel: [KD, KH, KW],
    strides: [sd, sh, sw],
    dilations: [dd, dh, dw],
    padBegin: [pd, ph, pw],
  } = g;
  const Cg = C / group;
  const Mg = M / group;
  const { inPlane, outPlane, kSize } = planeSizes(g);
  // For each kernel column, the output columns whose input column falls inside the image.
  const { lo: owLo, hi: owHi } = columnRanges(KW, OW, IW, sw, pw, dw);
  const acc = new Float64Array(outPlane);
  for (let n = 0; n < N; n++) {
    for (let oc = 0; oc < M; oc++) {
      const g0 = Math.floor(oc / Mg);
      acc.fill(bias ? bias[oc] : 0);
      for (let c = 0; c < Cg; c++) {
        const xBase = (n * C + g0 * Cg + c) * inPlane;
        const wBase = (oc * Cg + c) * kSize;
        for (let kd = 0; kd < KD; kd++) {
          for (let od = 0; od < OD; od++) {
            const id = od * sd - pd + kd * dd;
            if (id < 0 || id >= ID) continue;
            for (let kh = 0; kh < KH; kh++) {
              for (let oh = 0; oh < OH; oh++) {
                const ih = oh * sh - ph + kh * dh;
                if (ih < 0 || ih >= IH) continue;
                const inRow = xBase + (id * IH + ih) * IW - pw;
                const outRow = (od * OH + oh) * OW;
                const wRow = wBase + (kd * KH + kh) * KW;
                for (let kw = 0; kw < KW; kw++) {
                  const wv = w[wRow + kw];
                  const off = inRow + kw * dw;
                  const hi = owHi[kw];
                  for (let ow = owLo[kw]; ow < hi; ow++) acc[outRow + ow] += wv * x[off + ow * sw];
                }
              }
            }
          }
        }
      }
      out.set(acc, (n * M + oc) * outPlane);
    }
  }
}

/** Runs Conv on concrete tensors. */
export function runConv(inputs: readonly (Tensor | undefined)[], ctx: OpContext): Tensor<'float32'> {
  const [x, w, b] = convInputs(inputs, ctx);
  const { window, group } = convSetup(ctx, x.dims, w.dims, b?.dims);
  const geometry = geometry3(ctx.node, window, x.dims.slice(2));
  const [N, C] = x.dims;
  const M = w.dims[0];
  const out = allocOutput('float32', [N, M, ...geometry.outSize.slice(3 - window.rank)], ctx);
  convKernel(
    x.data as Float32Array,
    w.data as Float32Array,
    b?.data as Float32Array | undefined,
    out.data,
    N,
    C,
    M,
    group,
    geometry,
  );
  return out;
}

export const Conv: OpDef = {
  opType: 'Conv',
  domain: '',
  sinceVersion: 7,
  infer: inferConv,
  run: (inputs, ctx) => [runConv(inputs, ctx)],
};

/** Conv followed by the activation named in `activation` / `activation_params` (made by the fusion pass). */
export const FusedConv: OpDef = {
  opType: 'FusedConv',
  domain: 'lastmile',
  sinceVersion: 1,
  infer(inputs, ctx) {
    fusedActivation(ctx.node);
    return inferConv(inputs, ctx);
  },
  run(inputs, ctx) {
    const activation = fusedActivation(ctx.node);
    const out = runConv(inputs, ctx);
    applyInPlace(out.data, activation);
    return [out];
  },
};
