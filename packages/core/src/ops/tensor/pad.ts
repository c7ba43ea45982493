/**
 * Pad: pads attribute before opset 11, then inputs (pads, constant_value, and axes from 18); modes
 * constant, reflect, edge and wrap (19). Negative pads crop; as in onnxruntime the crop applies first,
 * so reflect, edge and wrap see the cropped input.
 */
import { attr } from '../../ir/attributes.js';
import { stridesOf, type Dim } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import type { InferInput, OpContext, OpDef } from '../op.js';
import { castElement } from './cast.js';
import {
  attributeError,
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

type Mode = 'constant' | 'reflect' | 'edge' | 'wrap';

function modeOf(ctx: OpContext): Mode {
  const mode = attr.string(ctx.node, 'mode', 'constant');
  const modes = ctx.opset >= 19 ? ['constant', 'reflect', 'edge', 'wrap'] : ['constant', 'reflect', 'edge'];
  if (!modes.includes(mode))
    throw attributeError(ctx, 'mode', `is '${mode}', expected one of ${modes.join(', ')} at opset ${ctx.opset}`, {
      expected: modes,
      got: mode,
    });
  return mode as Mode;
}

/** Per-axis [begin, end] pads over all axes; undefined at inference when the pads input is unknown. */
function padsPerAxis(
  ctx: OpContext,
  inputs: readonly (InferInput | Tensor | undefined)[],
  rank: number,
): [number, number][] | undefined {
  let pads: number[];
  let axes: number[] | undefined;
  if (ctx.opset < 11) pads = attr.ints(ctx.node, 'pads');
  else {
    const p = required(ctx, inputs, 1, 'pads');
    const a = inputs[3];
    const known = 'dims' in p ? intValues(ctx, p, 'pads') : constInts(ctx, p, 'pads');
    const knownAxes = a === undefined ? undefined : 'dims' in a ? intValues(ctx, a, 'axes') : constInts(ctx, a, 'axes');
    if (known === undefined || (a !== undefined && knownAxes === undefined)) return undefined;
    pads = known;
    axes = knownAxes;
  }
  axes ??= Array.from({ length: rank }, (_, i) => i);
  const normalized = axes.map((a) => {
    if (a < -rank || a >= rank) throw shapeError(ctx, `axis ${a} is out of range for rank ${rank}`, { axis: a, rank });
    return a < 0 ? a + rank : a;
  });
  if (new Set(normalized).size !== normalized.length)
    throw shapeError(ctx, `axes [${axes.join(', ')}] repeat an axis`, { got: axes });
  if (pads.length !== 2 * normalized.length) {
    throw shapeError(
      ctx,
      `pads must hold ${2 * normalized.length} values (begin and end per axis), got ${pads.length}`,
      { expected: 2 * normalized.length, got: pads.length },
    );
  }
  const out: [number, number][] = Array.from({ length: rank }, () => [0, 0]);
  normalized.forEach((axis, k) => (out[axis] = [pads[k], pads[k + normalized.length]]));
  return out;
}

/** Index into a cropped axis of length `n` for position `j` (may be outside [0, n)); -1 means the pad value. */
function source(mode: Mode, j: number, n: number): number {
  if (j >= 0 && j < n) return j;
  switch (mode) {
    case 'constant':
      return -1;
    case 'edge':
      return j < 0 ? 0 : n - 1;
    case 'wrap':
      return ((j % n) + n) % n;
    case 'reflect': {
      if (n === 1) return 0;
      const period = 2 * (n - 1);
      const r = ((j % period) + period) % period;
      return r < n ? r : period - r;
    }
  }
}

function padValue(ctx: OpContext, x: Tensor, given: Tensor | undefined): number | bigint {
  if (ctx.opset < 11) return castElement(attr.float(ctx.node, 'value', 0), 'float32', x.type);
  if (given === undefined || given.size === 0) return x.type === 'int64' ? 0n : 0;
  if (given.type !== x.type)
    throw shapeError(ctx, `constant_value must be ${x.type}, got ${given.type}`, { expected: x.type, got: given.type });
  return elements(given)[0];
}

export const padOp: OpDef = {
  opType: 'Pad',
  domain: '',
  sinceVersion: 2,
  infer(inputs, ctx) {
    checkInputCount(ctx, inputs, ctx.opset < 11 ? 1 : 2, ctx.opset < 11 ? 1 : ctx.opset >= 18 ? 4 : 3);
    const x = required(ctx, inputs, 0, 'data');
    modeOf(ctx);
    if (x.shape === undefined) return [{ type: x.type }];
    const shape = x.shape;
    const pads = padsPerAxis(ctx, inputs, shape.length);
    if (pads === undefined) return [{ type: x.type, shape: shape.map((_, i) => freshDim(ctx, i)) }];
    const out: Dim[] = shape.map((d, i) => {
      const [begin, end] = pads[i];
      if (typeof d === 'string') return begin + end === 0 ? d : freshDim(ctx, i);
      if (d + begin + end < 0)
        throw shapeError(ctx, `pads [${begin}, ${end}] crop axis ${i} of size ${d} below zero`, {
          axis: i,
          dim: d,
          got: [begin, end],
        });
      return d + begin + end;
    });
    return [{ type: x.type, shape: out }];
  },
  run(inputs, ctx) {
    checkInputCount(ctx, inputs, ctx.opset < 11 ? 1 : 2, ctx.opset < 11 ? 1 : ctx.opset >= 18 ? 4 : 3);
    const x = required(ctx, inputs, 0, 'data');
    const mode = modeOf(ctx);
    const pads = padsPerAxis(ctx, inputs, x.dims.length) as [number, number][];
    const value = padValue(ctx, x, inputs[2]);
    // The crop first: each axis keeps input [lo, lo + n), then pads before/after that window.
    const axes = x.dims.map((d, i) => {
      const [begin, end] = pads[i];
      const lo = Math.max(0, -begin);
      const n = d - lo - Math.max(0, -end);
      const before = Math.max(0, begin);
      const size = n + before + Math.max(0, end);
      if (n < 0 || size < 0)
        throw shapeError(ctx, `pads [${begin}, ${end}] crop axis ${i} of size ${d} below zero`, {
          axis: i,
          dim: d,
          got: [begin, end],
        });
      if (n === 0 && size > 0 && mode !== 'constant') {
        throw shapeError(ctx, `cannot ${mode}-pad axis ${i}: it is empty`, { axis: i, mode });
      }
      return { lo, n, before, size };
    });
    const dims = axes.map((a) => a.size);
    checkOutputSize(ctx, dims, x.type);
    const out = Tensor.zeros(x.type, dims);
    const src = elements(x);
    const dst = elements(out);
    const inStrides = stridesOf(x.dims);
    forEachIndex(dims, (index, flat) => {
      let offset = 0;
      for (let i = 0; i < index.length; i++) {
        const j = source(mode, index[i] - axes[i].before, axes[i].n);
        if (j < 0) {
          dst[flat] = value;
          return;
        }
        offset += (axes[i].lo + j) * inStrides[i];
      }
      dst[flat] = src[offset];
    });
    return [out];
  },
};
