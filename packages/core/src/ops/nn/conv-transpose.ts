/**
 * ConvTranspose: the gradient of Conv as a forward op. Each input element scatters its kernel-weighted
 * copy onto the output; output_shape (explicit size) or output_padding + pads decide the output size.
 */
import { ShapeError } from '../../errors.js';
import { attr } from '../../ir/attributes.js';
import type { Node, ValueType } from '../../ir/graph.js';
import type { Dim } from '../../shape.js';
import type { InferInput, OpContext, OpDef } from '../op.js';
import { allocOutput, badAttribute, derivedDim, known, MAX_SPATIAL_ATTR, nodeLabel, shapeError } from './common.js';
import { checkBias, convInputs, readConvGroup } from './conv.js';
import {
  columnRanges,
  dilatedKernel,
  geometry3Of,
  planeSizes,
  readWindow,
  type AxisWindow,
  type Geometry3,
  type Window,
} from './window.js';

interface TransposeAttrs {
  window: Window;
  group: number;
  outputPadding: number[];
  /** The requested spatial output size, when output_shape is given. */
  outputShape?: number[];
}

function readTransposeAttrs(
  ctx: OpContext,
  x: readonly Dim[],
  w: readonly Dim[],
  b: readonly Dim[] | undefined,
): TransposeAttrs {
  const group = readConvGroup(ctx, x, w);
  const [C, Mg] = [x[1], w[1]];
  if (known(w[0]) && known(C) && w[0] !== C)
    throw shapeError(ctx, `W [${w.join(', ')}] must have X's ${C} input channels first`, C, w[0]);
  if (known(C) && C % group !== 0)
    throw shapeError(ctx, `X's ${C} channels are not divisible by group ${group}`, `multiple of ${group}`, C);
  const M = known(Mg) ? Mg * group : undefined;
  checkBias(ctx, b, M);
  const rank = x.length - 2;
  const window = readWindow(ctx.node, rank, { weightKernel: w.slice(2), dilations: true });
  const outputPadding = attr.ints(ctx.node, 'output_padding', new Array<number>(rank).fill(0));
  if (outputPadding.length !== rank)
    throw badAttribute(
      ctx.node,
      'output_padding',
      `must have ${rank} values, got ${outputPadding.length}`,
      rank,
      outputPadding.length,
    );
  outputPadding.forEach((p, i) => {
    const limit = Math.max(window.strides[i], window.dilations[i]);
    if (!Number.isSafeInteger(p) || p < 0 || p >= limit)
      throw badAttribute(ctx.node, 'output_padding', `values must lie in [0, ${limit}), got ${p}`, `[0, ${limit})`, p);
  });
  let outputShape: number[] | undefined;
  if (attr.has(ctx.node, 'output_shape')) {
    const given = attr.ints(ctx.node, 'output_shape');
    // Exporters write either the spatial sizes or the full [N, M, spatial...] shape.
    if (given.length !== rank && given.length !== rank + 2)
      throw badAttribute(ctx.node, 'output_shape', `must have ${rank} values, got ${given.length}`, rank, given.length);
    outputShape = given.slice(given.length - rank);
    for (const d of outputShape)
      if (!Number.isSafeInteger(d) || d < 0 || d > MAX_SPATIAL_ATTR)
        throw badAttribute(
          ctx.node,
          'output_shape',
          `values must lie in [0, ${MAX_SPATIAL_ATTR}], got ${d}`,
          `[0, ${MAX_SPATIAL_ATTR}]`,
          d,
        );
  }
  return { window, group, outputPadding, outputShape };
}

/** Output size and begin padding of spatial axis `i` (as onnxruntime computes them). */
function transposeAxis(node: Node, t: TransposeAttrs, i: number, size: number): AxisWindow {
  const w = t.window;
  const s = w.strides[i];
  const full = s * (size - 1) + t.outputPadding[i] + dilatedKernel(w, i);
  const sameUpper = w.autoPad === 'SAME_UPPER';
  if (t.outputShape || w.autoPad.startsWith('SAME')) {
    const out = t.outputShape ? t.outputShape[i] : size * s;
    const total = Math.max(0, full - out);
    // The ONNX rule: SAME_UPPER puts the odd unit of padding at the end, the others at the start.
    const padBegin = sameUpper ? Math.floor(total / 2) : total - Math.floor(total / 2);
    return { out, padBegin, padEnd: total - padBegin };
  }
  const padBegin = w.pads[i];
  const out = full - padBegin - w.pads[i + w.rank];
  if (out < 0) {
    throw new ShapeError(
      `${nodeLabel(node)}: pads ${padBegin} + ${w.pads[i + w.rank]} exceed the output size ${full} on spatial axis ${i}`,
      {
        node: node.name,
        op: node.opType,
        axis: i,
        expected: `<= ${full}`,
        got: padBegin + w.pads[i + w.rank],
      },
    );
  }
  return { out, padBegin, padEnd: w.pads[i + w.rank] };
}

function inferConvTranspose(inputs: readonly (InferInput | undefined)[], ctx: OpContext): ValueType[] {
  const [x, w, b] = convInputs(inputs, ctx);
  if (!x.shape || !w.shape) return [{ type: x.type }];
  const t = readTransposeAttrs(ctx, x.shape, w.shape, b?.shape);
  const Mg = w.shape[1];
  const M = known(Mg) ? Mg * t.group : derivedDim(ctx.node, 0, 1);
  const spatial = x.shape
    .slice(2)
    .map((d, i) =>
      known(d) ? transposeAxis(ctx.node, t, i, d).out : (t.outputShape?.[i] ?? derivedDim(ctx.node, 0, i + 2)),
    );
  return [{ type: x.type, shape: [x.shape[0], M, ...spatial] }];
}

export const ConvTranspose: OpDef = {
  opType: 'ConvTranspose',
  domain: '',
  sinceVersion: 7,
  infer: inferConvTranspose,
  run(inputs, ctx) {
    const [x, w, b] = convInputs(inputs, ctx);
    const t = readTransposeAttrs(ctx, x.dims, w.dims, b?.dims);
    const spatial = x.dims.slice(2);
    const geometry = geometry3Of(
      t.window,
      spatial,
      spatial.map((d, i) => transposeAxis(ctx.node, t, i, d)),
    );
    const [N, C] = x.dims;
    const M = w.dims[1] * t.group;
    const out = allocOutput('float32', [N, M, ...geometry.outSize.slice(3 - t.window.rank)], ctx);
    convTransposeKernel(
      x.data as Float32Array,
      w.data as Float32Array,
      b?.data as Float32Array | undefined,
      out.data,
      N,
      C,
      M,
      t.group,
      geometry,
    );
    return [out];
  },
};

/** The transposed convolution proper: each input element scatters its kernel-weighted copy into `out` of [N, M, outSize...]. */
function convTransposeKernel(
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | undefined,
  out: Float32Array,
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
  // For each kernel column, the input columns that land inside the output.
  const { lo: iwLo, hi: iwHi } = columnRanges(KW, IW, OW, sw, pw, dw);
  const acc = new Float64Array(M * outPlane);
  for (let n = 0; n < N; n++) {
    for (let oc = 0; oc < M; oc++) acc.fill(bias ? bias[oc] : 0, oc * outPlane, (oc + 1) * outPlane);
    for (let ic = 0; ic < C; ic++) {
      const g0 = Math.floor(ic / Cg);
      const xBase = (n * C + ic) * inPlane;
      for (let m = 0; m < Mg; m++) {
        const oBase = (g0 * Mg + m) * outPlane;
        const wBase = (ic * Mg + m) * kSize;
        for (let kd = 0; kd < KD; kd++) {
          for (let id = 0; id < ID; id++) {
            const od = id * sd - pd + kd * dd;
            if (od < 0 || od >= OD) continue;
            for (let kh = 0; kh < KH; kh++) {
              for (let ih = 0; ih < IH; ih++) {
                const oh = ih * sh - ph + kh * dh;
                if (oh < 0 || oh >= OH) continue;
                const inRow = xBase + (id * IH + ih) * IW;
                const outRow = oBase + (od * OH + oh) * OW - pw;
                const wRow = wBase + (kd * KH + kh) * KW;
                for (let kw = 0; kw < KW; kw++) {
                  const wv = w[wRow + kw];
                  const off = outRow + kw * dw;
                  const hi = iwHi[kw];
                  for (let iw = iwLo[kw]; iw < hi; iw++) acc[off + iw * sw] += wv * x[inRow + iw];
                }
              }
            }
          }
        }
      }
    }
    out.set(acc, n * M * outPlane);
  }
}
