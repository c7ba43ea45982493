/**
 * Slice: starts/ends/axes as attributes before opset 10; from 10 they are inputs, with steps (negative
 * steps walk backwards). Out-of-range starts and ends clamp, so INT64_MAX / INT64_MIN mean "to the end".
 */
import { attr } from '../../ir/attributes.js';
import { stridesOf, type Dim } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import type { InferInput, OpContext, OpDef } from '../op.js';
import {
  checkInputCount,
  checkOutputSize,
  constInts,
  elements,
  forEachIndex,
  freshDim,
  intValues,
  required,
  shapeError,
} from './util.js';

interface SliceParams {
  starts: number[];
  ends: number[];
  axes: number[];
  steps: number[];
}

/** One axis after clamping: first index, step and element count. */
interface AxisRange {
  start: number;
  step: number;
  count: number;
}

/** The raw parameters; undefined at inference when an input is not a known constant. */
function params(
  ctx: OpContext,
  inputs: readonly (InferInput | Tensor | undefined)[],
  rank: number,
): SliceParams | undefined {
  let starts: number[] | undefined;
  let ends: number[] | undefined;
  let axes: number[] | undefined;
  let steps: number[] | undefined;
  if (ctx.opset < 10) {
    starts = attr.ints(ctx.node, 'starts');
    ends = attr.ints(ctx.node, 'ends');
    axes = attr.has(ctx.node, 'axes') ? attr.ints(ctx.node, 'axes') : undefined;
  } else {
    const read = (i: number, name: string): number[] | undefined | null => {
      const v = inputs[i];
      if (v === undefined) return undefined;
      return 'dims' in v ? intValues(ctx, v, name, true) : (constInts(ctx, v, name, true) ?? null);
    };
    const values = [read(1, 'starts'), read(2, 'ends'), read(3, 'axes'), read(4, 'steps')];
    if (values.includes(null)) return undefined;
    [starts, ends, axes, steps] = values as (number[] | undefined)[];
    if (starts === undefined || ends === undefined) throw shapeError(ctx, "inputs 'starts' and 'ends' are required");
  }
  axes ??= starts.map((_, i) => i);
  steps ??= starts.map(() => 1);
  if (ends.length !== starts.length || axes.length !== starts.length || steps.length !== starts.length) {
    throw shapeError(ctx, 'starts, ends, axes and steps must have one length', {
      got: { starts: starts.length, ends: ends.length, axes: axes.length, steps: steps.length },
    });
  }
  const normalized = axes.map((a) => {
    if (a < -rank || a >= rank) throw shapeError(ctx, `axis ${a} is out of range for rank ${rank}`, { axis: a, rank });
    return a < 0 ? a + rank : a;
  });
  if (new Set(normalized).size !== normalized.length)
    throw shapeError(ctx, `axes [${axes.join(', ')}] repeat an axis`, { got: [...axes] });
  if (steps.includes(0)) throw shapeError(ctx, 'steps may not be 0', { got: [...steps] });
  return { starts, ends, axes: normalized, steps };
}

/** ONNX's clamping: positive steps clamp into [0, dim], negative steps into [-1, dim - 1]. */
function axisRange(dim: number, start: number, end: number, step: number): AxisRange {
  const s0 = start < 0 ? start + dim : start;
  const e0 = end < 0 ? end + dim : end;
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  const s = step > 0 ? clamp(s0, 0, dim) : clamp(s0, 0, dim - 1);
  const e = step > 0 ? clamp(e0, 0, dim) : clamp(e0, -1, dim - 1);
  return { start: s, step, count: Math.max(0, Math.ceil((e - s) / step)) };
}

/** True when a slice keeps a whole axis whatever its size (start 0, end INT64_MAX-like, step 1). */
const keepsWholeAxis = (start: number, end: number, step: number) =>
  step === 1 && start === 0 && end >= Number.MAX_SAFE_INTEGER;

export const sliceOp: OpDef = {
  opType: 'Slice',
  domain: '',
  sinceVersion: 1,
  infer(inputs, ctx) {
    checkInputCount(ctx, inputs, ctx.opset < 10 ? 1 : 3, ctx.opset < 10 ? 1 : 5);
    const x = required(ctx, inputs, 0, 'data');
    if (x.shape === undefined) return [{ type: x.type }];
    const shape = x.shape;
    const p = params(ctx, inputs, shape.length);
    if (p === undefined) {
      const axes = ctx.opset >= 10 ? constInts(ctx, inputs[3], 'axes') : undefined;
      const sliced = axes?.map((a) => (a < 0 ? a + shape.length : a));
      return [
        {
          type: x.type,
          shape: shape.map((d, i) => (sliced === undefined || sliced.includes(i) ? freshDim(ctx, i) : d)),
        },
      ];
    }
    const out: Dim[] = [...shape];
    p.axes.forEach((axis, k) => {
      const d = shape[axis];
      if (typeof d === 'number') out[axis] = axisRange(d, p.starts[k], p.ends[k], p.steps[k]).count;
      else if (!keepsWholeAxis(p.starts[k], p.ends[k], p.steps[k])) out[axis] = freshDim(ctx, axis);
    });
    return [{ type: x.type, shape: out }];
  },
  run(inputs, ctx) {
    checkInputCount(ctx, inputs, ctx.opset < 10 ? 1 : 3, ctx.opset < 10 ? 1 : 5);
    const x = required(ctx, inputs, 0, 'data');
    const p = params(ctx, inputs, x.dims.length) as SliceParams;
    const ranges: AxisRange[] = x.dims.map((d) => ({ start: 0, step: 1, count: d }));
    p.axes.forEach((axis, k) => (ranges[axis] = axisRange(x.dims[axis], p.starts[k], p.ends[k], p.steps[k])));
    const dims = ranges.map((r) => r.count);
    checkOutputSize(ctx, dims, x.type);
    const strides = stridesOf(x.dims);
    const out = Tensor.zeros(x.type, dims);
    const src = elements(x);
    const dst = elements(out);
    forEachIndex(dims, (index, flat) => {
      let offset = 0;
      for (let i = 0; i < index.length; i++) offset += (ranges[i].start + index[i] * ranges[i].step) * strides[i];
      dst[flat] = src[offset];
    });
    return [out];
  },
};
