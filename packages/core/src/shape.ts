/**
 * Shape utilities with checked arithmetic: element counts never overflow silently.
 */
import { ShapeError } from './errors.js';

/** A dimension: a number when static, a name when symbolic (`"batch"`). */
export type Dim = number | string;

/** The largest element count a tensor may have (2^53 - 1: exact in a double). */
export const MAX_ELEMENTS = Number.MAX_SAFE_INTEGER;

/** Throws unless `d` is a non-negative safe integer. */
export function checkDim(d: number, what = 'dimension'): number {
  if (!Number.isSafeInteger(d) || d < 0)
    throw new ShapeError(`${what} must be a non-negative integer, got ${d}`, { dim: d });
  return d;
}

/** Product of dims, checked against overflow past 2^53. */
export function sizeOf(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) {
    checkDim(d);
    n *= d;
    if (n > MAX_ELEMENTS)
      throw new ShapeError(`element count of [${dims.join(', ')}] exceeds 2^53`, { dims: [...dims] });
  }
  return n;
}

/** Row-major strides of `dims`. */
export function stridesOf(dims: readonly number[]): number[] {
  const strides = new Array<number>(dims.length);
  let s = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= dims[i];
  }
  return strides;
}

/** Normalizes a possibly negative axis into [0, rank). */
export function normalizeAxis(axis: number, rank: number, what = 'axis'): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= Math.max(rank, 1)) {
    throw new ShapeError(`${what} ${axis} is out of range for rank ${rank}`, { axis, rank });
  }
  return axis < 0 ? axis + rank : axis;
}

/** Multidirectional (numpy) broadcasting of static shapes. */
export function broadcastShapes(...shapes: readonly (readonly number[])[]): number[] {
  const rank = shapes.reduce((r, s) => Math.max(r, s.length), 0);
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      const d = s[i];
      if (d === out[o] || d === 1) continue;
      if (out[o] === 1) out[o] = d;
      else
        throw new ShapeError(`shapes ${shapes.map((x) => `[${x.join(', ')}]`).join(' and ')} do not broadcast`, {
          shapes: shapes.map((x) => [...x]),
        });
    }
  }
  return out;
}

/** Broadcasting of shapes whose dims may be symbolic: equal names match, 1 stretches. */
export function broadcastDims(...shapes: readonly (readonly Dim[])[]): Dim[] {
  const rank = shapes.reduce((r, s) => Math.max(r, s.length), 0);
  const out = new Array<Dim>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      const d = s[i];
      const cur = out[o];
      if (d === cur || d === 1) continue;
      if (cur === 1) out[o] = d;
      else if (typeof d === 'string' || typeof cur === 'string') out[o] = typeof cur === 'number' ? cur : d;
      else
        throw new ShapeError(`shapes ${shapes.map((x) => `[${x.join(', ')}]`).join(' and ')} do not broadcast`, {
          shapes: shapes.map((x) => [...x]),
        });
    }
  }
  return out;
}

/** True when every dim is a number. */
export function isStatic(dims: readonly Dim[]): dims is number[] {
  return dims.every((d) => typeof d === 'number');
}

/** `[1, 3, 224, 224]` -> `"1x3x224x224"`, for messages. */
export function formatShape(dims: readonly Dim[]): string {
  return dims.length === 0 ? 'scalar' : dims.join('x');
}

/**
 * Parses dims as tools take them on a command line: `1x3x224x224` (commas also accepted, `1,3,224,224`),
 * each a positive integer; the empty string is a scalar. Throws ShapeError naming what was wrong.
 */
export function parseDims(text: string): number[] {
  if (text === '') return [];
  if (!/^\d+(?:[x,]\d+)*$/.test(text))
    throw new ShapeError(`dims '${text}' must be positive integers joined by 'x', like 1x3x224x224`, { text });
  const dims = text.split(/[x,]/).map(Number);
  const bad = dims.find((d) => !Number.isSafeInteger(d) || d === 0);
  if (bad !== undefined)
    throw new ShapeError(`dims '${text}': ${bad === 0 ? 'a dim of 0 leaves the tensor empty' : 'a dim is too large'}`, {
      text,
    });
  return dims;
}
