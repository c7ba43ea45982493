/**
 * Linear and cubic Resize of the spatial axes of an NHWC tensor as a weighted gather of whole pixels.
 * The filter is separable, so its weights along H (and along W) are read off core's reference Resize,
 * run once at compile time on a stack of unit impulses (input channel i holds 1 at row i): every
 * coordinate mode, cubic coefficient, exclude_outside and antialias setting then matches by construction.
 */
import { attr, type Node, opFor, opsetOf, Tensor } from '@lastmile/core';
import { emitWeightedGather } from '../kernels/interpolate.js';
import type { GraphInfo } from './graph-info.js';
import type { LoweredOp } from './program.js';
import { rangeChunks } from './split.js';

/** Impulse responses are computed densely: keep the probes small. */
const MAX_AXIS = 4096;

/** Per output coordinate of one axis, its input indices and weights. */
type AxisTaps = { index: number; weight: number }[][];

/**
 * The taps of the axis at position `axis` (2 = H, 3 = W): the node run on `len` impulses along that axis,
 * with every other spatial size 1 and its scale 1.
 */
function axisTaps(node: Node, g: GraphInfo, axis: 2 | 3, len: number, outLen: number): AxisTaps | undefined {
  const opset = opsetOf(g.model, node.domain);
  const dims = [1, len, 1, 1];
  dims[axis] = len;
  const impulses = new Float32Array(len * len);
  for (let i = 0; i < len; i++) impulses[i * len + i] = 1;
  const outDims = [1, len, 1, 1];
  outDims[axis] = outLen;
  const [, roiName, scalesName, sizesName] = opset >= 11 ? node.inputs : [node.inputs[0], '', node.inputs[1], ''];
  const scales = scalesName ? g.constant(scalesName) : undefined;
  const inputs: (Tensor | undefined)[] = [new Tensor('float32', impulses, dims)];
  if (opset >= 11) inputs.push(roiName ? g.constant(roiName) : undefined);
  if (scales && scales.size === 4) {
    const s = Float32Array.from([1, 1, 1, 1]);
    s[axis] = (scales.data as Float32Array)[axis];
    inputs.push(new Tensor('float32', s, [4]));
  } else {
    inputs.push(opset >= 11 ? undefined : scales);
  }
  if (opset >= 11 && sizesName) inputs.push(new Tensor('int64', BigInt64Array.from(outDims.map(BigInt)), [4]));
  let out: Tensor;
  try {
    [out] = opFor(node, opset).run(inputs, { node, opset });
  } catch {
    return undefined;
  }
  if (out.dims.join() !== outDims.join()) return undefined;
  const data = out.data as Float32Array;
  // Output element (input impulse i, output coordinate o) is the weight of input i at o.
  const taps: AxisTaps = Array.from({ length: outLen }, () => []);
  for (let i = 0; i < len; i++) {
    for (let o = 0; o < outLen; o++) {
      const weight = data[i * outLen + o];
      if (weight !== 0) taps[o].push({ index: i, weight });
    }
  }
  return taps.every((t) => t.length > 0) ? taps : undefined;
}

function separableTaps(node: Node, g: GraphInfo): { ys: AxisTaps; xs: AxisTaps } | undefined {
  if (node.opType !== 'Resize' || node.domain !== '' || node.outputs.length !== 1) return undefined;
  const [x, ...rest] = node.inputs;
  const y = node.outputs[0];
  if (
    !g.has(x) ||
    !g.has(y) ||
    g.value(x).layout !== 'nhwc' ||
    g.value(x).type !== 'float32' ||
    rest.some((n) => n && !g.constant(n))
  )
    return undefined;
  const mode = attr.string(node, 'mode', 'nearest');
  if ((mode !== 'linear' && mode !== 'cubic') || attr.has(node, 'axes')) return undefined;
  // These couple the axes (an aspect-ratio policy) or extrapolate with a constant (not a weighted sum).
  if (attr.string(node, 'keep_aspect_ratio_policy', 'stretch') !== 'stretch') return undefined;
  if (attr.string(node, 'coordinate_transformation_mode', 'half_pixel') === 'tf_crop_and_resize') return undefined;
  const [xd, yd] = [g.value(x).dims, g.value(y).dims];
  if (xd[0] !== yd[0] || xd[1] !== yd[1] || Math.max(xd[2], xd[3], yd[2], yd[3]) > MAX_AXIS || yd[2] * yd[3] === 0)
    return undefined;
  const ys = axisTaps(node, g, 2, xd[2], yd[2]);
  const xs = ys && axisTaps(node, g, 3, xd[3], yd[3]);
  return ys && xs ? { ys, xs } : undefined;
}

export function isLowerableInterpolate(node: Node, g: GraphInfo): boolean {
  return separableTaps(node, g) !== undefined;
}

export function lowerInterpolate(node: Node, g: GraphInfo): LoweredOp {
  const { ys, xs } = separableTaps(node, g)!;
  const [xName] = node.inputs;
  const [yName] = node.outputs;
  const [N, C, H, W] = g.value(xName).dims;
  const [, , OH, OW] = g.value(yName).dims;
  const taps = Math.max(...ys.map((t) => t.length)) * Math.max(...xs.map((t) => t.length));
  const pixels = N * OH * OW;
  return {
    name: node.name,
    op: 'Resize',
    runs: 'wasm',
    reads: [xName],
    writes: [yName],
    emit(ctx) {
      const fn = emitWeightedGather(ctx.module, ctx.target);
      const x = ctx.addressOf(xName);
      const pointers = new Int32Array(pixels * taps);
      const weights = new Float32Array(pixels * taps);
      let o = 0;
      for (let n = 0; n < N; n++) {
        for (let oy = 0; oy < OH; oy++) {
          for (let ox = 0; ox < OW; ox++) {
            const start = o;
            for (const ty of ys[oy]) {
              for (const tx of xs[ox]) {
                pointers[o] = x + ((n * H + ty.index) * W + tx.index) * C * 4;
                weights[o++] = ty.weight * tx.weight;
              }
            }
            // Unused taps read the first one with weight 0.
            for (; o < start + taps; o++) pointers[o] = pointers[start];
          }
        }
      }
      const [ind, wts, y] = [ctx.place(pointers), ctx.place(weights), ctx.addressOf(yName)];
      const calls = rangeChunks(pixels, ctx.threads, pixels * taps * C, (p0, count) => [
        ind + p0 * taps * 4,
        wts + p0 * taps * 4,
        count,
        taps,
        y + p0 * C * 4,
        C,
      ]);
      return { kernel: fn, calls };
    },
  };
}
