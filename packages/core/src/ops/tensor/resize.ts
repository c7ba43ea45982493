/**
 * Resize (opset 10: scales; 11: roi, scales, sizes and the coordinate modes; 18: axes, antialias,
 * keep_aspect_ratio_policy) and Upsample (opsets 7-9, its deprecated ancestor).
 *
 * Coordinates are computed in float32 step by step as onnxruntime does, so that nearest-neighbour picks
 * agree at exact halves. Each output axis is described by "taps": the input indices and weights that make
 * one output coordinate (1 tap for nearest, 2 for linear, 4 for cubic, more when antialias widens the
 * filter), or none when it falls outside a tf_crop_and_resize box and takes extrapolation_value. The
 * kernel sums the tensor product of the taps.
 */
import { attr } from '../../ir/attributes.js';
import { stridesOf, type Dim } from '../../shape.js';
import { floatToHalf, halfToFloat, Tensor, type TensorType } from '../../tensor.js';
import type { InferInput, OpContext, OpDef } from '../op.js';
import { castElement } from './cast.js';
import {
  attributeError,
  checkInputCount,
  checkOutputSize,
  checkType,
  elements,
  forEachIndex,
  freshDim,
  intValues,
  shapeError,
} from './util.js';

const f = Math.fround;

type Mode = 'nearest' | 'linear' | 'cubic';
/** Resize's `coordinate_transformation_mode`: how an output coordinate maps back to the input. */
export type ResizeCoordinateMode =
  | 'half_pixel'
  | 'half_pixel_symmetric'
  | 'pytorch_half_pixel'
  | 'align_corners'
  | 'asymmetric'
  | 'tf_half_pixel_for_nn'
  | 'tf_crop_and_resize';
/** Resize's `nearest_mode`, plus 'simple': the rounding of Upsample and opset-10 Resize. */
export type ResizeNearestMode = 'round_prefer_floor' | 'round_prefer_ceil' | 'floor' | 'ceil' | 'simple';

interface Settings {
  mode: Mode;
  coordinates: ResizeCoordinateMode;
  nearest: ResizeNearestMode;
  cubicA: number;
  excludeOutside: boolean;
  /** Linear and cubic filters stretched by 1/scale when downscaling (opset 18). */
  antialias: boolean;
  extrapolation: number;
  axes: number[] | undefined;
  policy: 'stretch' | 'not_larger' | 'not_smaller';
}

function oneOf<T extends string>(ctx: OpContext, name: string, value: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T))
    throw attributeError(ctx, name, `is '${value}', expected one of ${allowed.join(', ')}`, {
      expected: allowed,
      got: value,
    });
  return value as T;
}

function settings(ctx: OpContext, rank: number | undefined): Settings {
  const { node, opset } = ctx;
  const isResize = node.opType === 'Resize';
  const modern = isResize && opset >= 11;
  const mode = oneOf<Mode>(ctx, 'mode', attr.string(node, 'mode', 'nearest'), ['nearest', 'linear', 'cubic']);
  const coordinateModes: ResizeCoordinateMode[] = [
    'half_pixel',
    'pytorch_half_pixel',
    'align_corners',
    'asymmetric',
    'tf_crop_and_resize',
  ];
  if (opset >= 19) coordinateModes.push('half_pixel_symmetric');
  if (opset < 13) coordinateModes.push('tf_half_pixel_for_nn');
  const coordinates = modern
    ? oneOf(
        ctx,
        'coordinate_transformation_mode',
        attr.string(node, 'coordinate_transformation_mode', 'half_pixel'),
        coordinateModes,
      )
    : 'asymmetric';
  const nearest = modern
    ? oneOf<ResizeNearestMode>(ctx, 'nearest_mode', attr.string(node, 'nearest_mode', 'round_prefer_floor'), [
        'round_prefer_floor',
        'round_prefer_ceil',
        'floor',
        'ceil',
      ])
    : 'simple';
  const excludeOutside = modern && attr.int(node, 'exclude_outside', 0) !== 0;
  if (excludeOutside && mode !== 'cubic')
    throw attributeError(ctx, 'exclude_outside', `may be 1 only in cubic mode, mode is ${mode}`, { got: 1 });
  const v18 = isResize && opset >= 18;
  const antialias = v18 && attr.int(node, 'antialias', 0) !== 0;
  // The ONNX reference and onnxruntime both refuse it: nearest has no filter to stretch.
  if (antialias && mode === 'nearest')
    throw attributeError(ctx, 'antialias', 'may be 1 only in linear and cubic modes, mode is nearest', { got: 1 });
  let axes: number[] | undefined;
  if (v18 && attr.has(node, 'axes') && rank !== undefined) {
    axes = attr.ints(node, 'axes').map((a) => {
      if (!Number.isInteger(a) || a < -rank || a >= rank)
        throw attributeError(ctx, 'axes', `value ${a} is out of range for rank ${rank}`, { got: a, rank });
      return a < 0 ? a + rank : a;
    });
    if (new Set(axes).size !== axes.length) throw attributeError(ctx, 'axes', 'repeats an axis', { got: axes });
  }
  return {
    mode,
    coordinates,
    nearest,
    cubicA: modern ? attr.float(node, 'cubic_coeff_a', -0.75) : -0.75,
    excludeOutside,
    antialias,
    extrapolation: modern ? attr.float(node, 'extrapolation_value', 0) : 0,
    axes,
    policy: v18
      ? oneOf(ctx, 'keep_aspect_ratio_policy', attr.string(node, 'keep_aspect_ratio_policy', 'stretch'), [
          'stretch',
          'not_larger',
          'not_smaller',
        ])
      : 'stretch',
  };
}

/** Input positions by opset: [roi, scales, sizes]; -1 where the form has no such input. */
function inputSlots(ctx: OpContext): { roi: number; scales: number; sizes: number; max: number } {
  if (ctx.node.opType === 'Upsample')
    return ctx.opset >= 9 ? { roi: -1, scales: 1, sizes: -1, max: 2 } : { roi: -1, scales: -1, sizes: -1, max: 1 };
  if (ctx.opset < 11) return { roi: -1, scales: 1, sizes: -1, max: 2 };
  return { roi: 1, scales: 2, sizes: 3, max: 4 };
}

function floats(t: Tensor): number[] {
  return Array.from({ length: t.size }, (_, i) => Number(castElement(elements(t)[i], t.type, 'float32')));
}

/** Spreads per-`axes` values over all axes (`fill` elsewhere); without axes they must cover the rank. */
function perAxis(
  ctx: OpContext,
  what: string,
  values: number[],
  rank: number,
  axes: number[] | undefined,
  fill: number,
): number[] {
  const count = axes?.length ?? rank;
  if (values.length !== count)
    throw shapeError(ctx, `${what} must hold ${count} values, got ${values.length}`, {
      input: what,
      expected: count,
      got: values.length,
    });
  if (axes === undefined) return values;
  const out = new Array<number>(rank).fill(fill);
  axes.forEach((axis, k) => (out[axis] = values[k]));
  return out;
}

/** Output dims and the float32 scale of every axis, from scales or sizes (and the aspect policy). */
function outputPlan(
  ctx: OpContext,
  s: Settings,
  inDims: readonly number[],
  scalesIn: Tensor | undefined,
  sizesIn: Tensor | undefined,
) {
  const rank = inDims.length;
  const hasScales = scalesIn !== undefined && scalesIn.size > 0;
  const hasSizes = sizesIn !== undefined && sizesIn.size > 0;
  if (hasScales === hasSizes)
    throw shapeError(ctx, `exactly one of 'scales' and 'sizes' must be given, got ${hasScales ? 'both' : 'neither'}`);
  if (hasScales) {
    checkType(ctx, 'scales', scalesIn.type, ['float32']);
    const scales = perAxis(ctx, 'scales', floats(scalesIn), rank, s.axes, 1).map(f);
    const min = ctx.node.opType === 'Upsample' ? 1 : 0;
    scales.forEach((v, i) => {
      if (!(v > min || (min === 1 && v === 1)))
        throw shapeError(ctx, `scale ${v} of axis ${i} must be ${min === 1 ? '>= 1' : '> 0'}`, { axis: i, got: v });
    });
    return { dims: scales.map((v, i) => Math.trunc(f(v * inDims[i]))), scales };
  }
  const sizes = perAxis(ctx, 'sizes', intValues(ctx, sizesIn as Tensor, 'sizes'), rank, s.axes, -1).map((v, i) =>
    v === -1 ? inDims[i] : v,
  );
  const dims = sizes.map((v, i) => {
    if (v < 0) throw shapeError(ctx, `size ${v} of axis ${i} is negative`, { axis: i, got: v });
    if (inDims[i] === 0 && v !== 0)
      throw shapeError(ctx, `axis ${i} is empty and cannot be resized to ${v}`, { axis: i, got: v });
    return v;
  });
  const scales = dims.map((v, i) => (inDims[i] === 0 ? 1 : f(v / inDims[i])));
  if (s.policy === 'stretch') return { dims, scales };
  const chosen = s.axes ?? inDims.map((_, i) => i);
  const pick = s.policy === 'not_larger' ? Math.min : Math.max;
  const scale = pick(...chosen.map((i) => scales[i]));
  return {
    dims: inDims.map((d, i) => (chosen.includes(i) ? Math.round(f(scale * d)) : d)),
    scales: inDims.map((_, i) => (chosen.includes(i) ? scale : 1)),
  };
}

/**
 * The input coordinate of output coordinate `x` along one axis of a Resize from `inLen` to `outLen` by
 * `scale`, in float32 step by step as onnxruntime computes it (so that nearest picks agree at exact
 * halves). `roiStart` and `roiEnd` (ONNX's default region: 0 to 1) matter only for tf_crop_and_resize.
 */
export function resizeInputCoordinate(
  mode: ResizeCoordinateMode,
  x: number,
  scale: number,
  outLen: number,
  inLen: number,
  roiStart = 0,
  roiEnd = 1,
): number {
  switch (mode) {
    case 'asymmetric':
      return f(x / scale);
    case 'pytorch_half_pixel':
      return outLen > 1 ? f(f(f(x + 0.5) / scale) - 0.5) : 0;
    case 'tf_half_pixel_for_nn':
      return f(f(x + 0.5) / scale);
    case 'align_corners':
      return outLen === 1 ? 0 : f(f(x * (inLen - 1)) / (outLen - 1));
    case 'tf_crop_and_resize':
      return outLen > 1
        ? f(f(roiStart * (inLen - 1)) + f(f(f(x * f(roiEnd - roiStart)) * (inLen - 1)) / (outLen - 1)))
        : f(0.5 * (roiStart + roiEnd) * (inLen - 1));
    case 'half_pixel_symmetric': {
      const outputWidth = f(scale * inLen);
      const adjustment = f(outLen / outputWidth);
      const center = f(inLen / 2);
      const offset = f(center * f(1 - adjustment));
      return f(offset + (x + 0.5) / scale - 0.5);
    }
    case 'half_pixel':
      return f(f(f(x + 0.5) / scale) - 0.5);
  }
}

/** The input index a nearest-neighbour Resize takes for input coordinate `x` (unclamped), rounded by `mode`. */
export function resizeNearestIndex(mode: ResizeNearestMode, x: number, scale: number): number {
  switch (mode) {
    case 'simple':
      return scale < 1 ? Math.ceil(x) : Math.trunc(x);
    case 'floor':
      return Math.floor(x);
    case 'ceil':
      return Math.ceil(x);
    case 'round_prefer_ceil':
      return Math.sign(x) * Math.round(Math.abs(x));
    case 'round_prefer_floor':
      return x === Math.trunc(x) + 0.5 ? Math.floor(x) : Math.sign(x) * Math.round(Math.abs(x));
  }
}

/** Keys's cubic convolution kernel with coefficient `a`, at distance `d`. */
function keys(d: number, a: number): number {
  const x = Math.abs(d);
  if (x <= 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
  return 0;
}

/** Keys's cubic convolution weights for the 4 taps around a point at fraction `t` past its floor. */
function cubicWeights(t: number, a: number): number[] {
  return [keys(t + 1, a), keys(t, a), keys(1 - t, a), keys(2 - t, a)];
}

interface Taps {
  index: number[];
  weight: number[];
}

/**
 * Anti-aliased taps around input coordinate `x`: the triangle (linear) or Keys (cubic) filter, stretched
 * by 1/scale when downscaling so that its support covers every input pixel the output pixel spans.
 * Taps past the edges repeat the edge pixel, or are dropped with exclude_outside; the weights are then
 * normalized to sum to 1, as the ONNX reference and onnxruntime do.
 */
function antialiasTaps(s: Settings, x: number, scale: number, inLen: number): Taps {
  const stretch = Math.min(scale, 1);
  const filter = s.mode === 'linear' ? (d: number) => Math.max(0, 1 - Math.abs(d)) : (d: number) => keys(d, s.cubicA);
  const support = (s.mode === 'linear' ? 1 : 2) / stretch;
  const last = inLen - 1;
  const index: number[] = [];
  const weight: number[] = [];
  let total = 0;
  // The pixels whose centres lie within the support of x; the filter is zero on its border.
  for (let i = Math.floor(x - support) + 1; i < x + support; i++) {
    if (s.excludeOutside && (i < 0 || i > last)) continue;
    const w = filter((i - x) * stretch);
    const at = Math.min(Math.max(i, 0), last);
    total += w;
    // Taps clamped onto one edge pixel merge, so a filter wider than the input costs no more than it.
    if (index[index.length - 1] === at) weight[weight.length - 1] += w;
    else {
      index.push(at);
      weight.push(w);
    }
  }
  return { index, weight: total === 0 ? weight : weight.map((w) => w / total) };
}

/** The taps of every output coordinate of one axis; null entries take the extrapolation value. */
function axisTaps(
  s: Settings,
  scale: number,
  outLen: number,
  inLen: number,
  roiStart: number,
  roiEnd: number,
): (Taps | null)[] {
  const out: (Taps | null)[] = [];
  const last = inLen - 1;
  const clamp = (i: number) => Math.min(Math.max(i, 0), last);
  for (let xOut = 0; xOut < outLen; xOut++) {
    // onnxruntime leaves unscaled axes untouched, except where a crop box moves them (and its
    // anti-aliasing kernel leaves them untouched even then).
    const identity = scale === 1 && (s.antialias || s.coordinates !== 'tf_crop_and_resize');
    const x = identity ? xOut : resizeInputCoordinate(s.coordinates, xOut, scale, outLen, inLen, roiStart, roiEnd);
    if (s.coordinates === 'tf_crop_and_resize' && (x < 0 || x > last)) {
      out.push(null);
      continue;
    }
    if (s.antialias) {
      // onnxruntime copies an axis whose length does not change, whatever its scale.
      out.push(outLen === inLen ? { index: [xOut], weight: [1] } : antialiasTaps(s, x, scale, inLen));
    } else if (s.mode === 'nearest') {
      out.push({ index: [clamp(resizeNearestIndex(s.nearest, x, scale))], weight: [1] });
    } else if (s.mode === 'linear') {
      const v = f(Math.min(Math.max(x, 0), last));
      const x1 = Math.min(Math.trunc(v), last);
      const x2 = Math.min(x1 + 1, last);
      out.push(
        x1 === x2 ? { index: [x1], weight: [1] } : { index: [x1, x2], weight: [Math.abs(v - x2), Math.abs(v - x1)] },
      );
    } else {
      const base = Math.floor(x);
      const index = [base - 1, base, base + 1, base + 2];
      let weight = cubicWeights(x - base, s.cubicA);
      if (s.excludeOutside) {
        weight = weight.map((w, k) => (index[k] < 0 || index[k] > last ? 0 : w));
        const total = weight.reduce((p, w) => p + w, 0);
        weight = weight.map((w) => w / total);
      }
      out.push({ index: index.map(clamp), weight });
    }
  }
  return out;
}

/** A float result stored in `type`: float16 encodes, integer types round and saturate. */
function storeFloat(type: TensorType, v: number): number | bigint {
  if (type === 'float16') return floatToHalf(v);
  if (type === 'float32') return v;
  return castElement(Math.round(v), 'float32', type);
}

function resizeRun(inputs: readonly (Tensor | undefined)[], ctx: OpContext): Tensor {
  const slots = inputSlots(ctx);
  checkInputCount(ctx, inputs, 1, slots.max);
  const x = inputs[0];
  if (x === undefined) throw shapeError(ctx, "input 'X' (#0) is required", { input: 'X' });
  const rank = x.dims.length;
  if (rank === 0) throw shapeError(ctx, 'X must have rank >= 1', { expected: '>= 1', got: 0 });
  const s = settings(ctx, rank);
  const scalesIn = slots.scales >= 0 ? inputs[slots.scales] : new Tensor('float32', attr.floats(ctx.node, 'scales'));
  const plan = outputPlan(ctx, s, x.dims, scalesIn, slots.sizes >= 0 ? inputs[slots.sizes] : undefined);
  checkOutputSize(ctx, plan.dims, x.type);

  const roiIn = slots.roi >= 0 ? inputs[slots.roi] : undefined;
  let roi = new Array<number>(rank).fill(0).concat(new Array<number>(rank).fill(1));
  if (s.coordinates === 'tf_crop_and_resize' && roiIn !== undefined && roiIn.size > 0) {
    const values = floats(roiIn).map(f);
    const half = values.length / 2;
    roi = [
      ...perAxis(ctx, 'roi starts', values.slice(0, half), rank, s.axes, 0),
      ...perAxis(ctx, 'roi ends', values.slice(half), rank, s.axes, 1),
    ];
  }
  const taps = x.dims.map((d, i) => axisTaps(s, plan.scales[i], plan.dims[i], d, roi[i], roi[rank + i]));

  const out = Tensor.zeros(x.type, plan.dims);
  const src = elements(x);
  const dst = elements(out);
  const strides = stridesOf(x.dims);
  const read = x.type === 'float16' ? (i: number) => halfToFloat(src[i] as number) : (i: number) => Number(src[i]);
  const extrapolated = storeFloat(x.type, s.extrapolation);
  forEachIndex(plan.dims, (index, flat) => {
    const chosen = index.map((o, axis) => taps[axis][o]);
    if (chosen.some((t) => t === null)) {
      dst[flat] = extrapolated;
      return;
    }
    const axisTapList = chosen as Taps[];
    if (s.mode === 'nearest') {
      // A copy, so every element type (and every float16 bit pattern) passes unchanged.
      dst[flat] = src[axisTapList.reduce((o, t, axis) => o + t.index[0] * strides[axis], 0)];
      return;
    }
    let sum = 0;
    forEachIndex(
      axisTapList.map((t) => t.index.length),
      (k) => {
        let offset = 0;
        let weight = 1;
        for (let axis = 0; axis < k.length; axis++) {
          offset += axisTapList[axis].index[k[axis]] * strides[axis];
          weight *= axisTapList[axis].weight[k[axis]];
        }
        sum += weight * read(offset);
      },
    );
    dst[flat] = storeFloat(x.type, sum);
  });
  return out;
}

function resizeInfer(inputs: readonly (InferInput | undefined)[], ctx: OpContext) {
  const slots = inputSlots(ctx);
  checkInputCount(ctx, inputs, 1, slots.max);
  const x = inputs[0];
  if (x === undefined) throw shapeError(ctx, "input 'X' (#0) is required", { input: 'X' });
  const s = settings(ctx, x.shape?.length);
  if (x.shape === undefined) return [{ type: x.type }];
  const shape = x.shape;
  const scalesIn =
    slots.scales >= 0
      ? inputs[slots.scales]
      : { type: 'float32' as const, value: new Tensor('float32', attr.floats(ctx.node, 'scales')) };
  const sizesIn = slots.sizes >= 0 ? inputs[slots.sizes] : undefined;
  const fresh = (): Dim[] => shape.map((d, i) => (s.axes && !s.axes.includes(i) ? d : freshDim(ctx, i)));
  const known = (v: InferInput | undefined) => v === undefined || v.value !== undefined;
  if (!known(scalesIn) || !known(sizesIn)) return [{ type: x.type, shape: fresh() }];
  const staticDims = shape.map((d) => (typeof d === 'number' ? d : 1));
  const plan = outputPlan(ctx, s, staticDims, scalesIn?.value, sizesIn?.value);
  // A symbolic input dim scales to an unknown dim unless its scale is 1 (or sizes fix it).
  const bySizes = sizesIn?.value !== undefined && sizesIn.value.size > 0 && s.policy === 'stretch';
  const untouched = (i: number) => (s.axes !== undefined && !s.axes.includes(i)) || (!bySizes && plan.scales[i] === 1);
  return [
    {
      type: x.type,
      shape: shape.map((d, i) =>
        untouched(i) ? d : typeof d === 'number' || bySizes ? plan.dims[i] : freshDim(ctx, i),
      ),
    },
  ];
}

export const resizeOp: OpDef = {
  opType: 'Resize',
  domain: '',
  sinceVersion: 10,
  infer: resizeInfer,
  run: (inputs, ctx) => [resizeRun(inputs, ctx)],
};

export const upsampleOp: OpDef = {
  opType: 'Upsample',
  domain: '',
  sinceVersion: 7,
  infer: resizeInfer,
  run: (inputs, ctx) => [resizeRun(inputs, ctx)],
};
