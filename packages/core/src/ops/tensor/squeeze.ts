/**
 * Squeeze (drops size-1 axes, all of them when no axes are given) and Unsqueeze (inserts size-1 axes).
 * Axes are an attribute before opset 13 and an int64 input from 13.
 */
import { attr } from '../../ir/attributes.js';
import { normalizeAxis, type Dim } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import type { InferInput, OpContext, OpDef } from '../op.js';
import { attributeError, checkInputCount, constInts, freshDims, intValues, required, shapeError } from './util.js';

type AxesSource = { known: true; axes: number[] | undefined } | { known: false; count: number | undefined };

/** The axes from the attribute or the input; at inference an unknown input says only how many axes it holds. */
function axesOf(ctx: OpContext, input: InferInput | Tensor | undefined): AxesSource {
  if (ctx.opset < 13)
    return { known: true, axes: attr.has(ctx.node, 'axes') ? attr.ints(ctx.node, 'axes') : undefined };
  if (input === undefined) return { known: true, axes: undefined };
  if ('dims' in input) return { known: true, axes: intValues(ctx, input, 'axes') };
  const axes = constInts(ctx, input, 'axes');
  if (axes) return { known: true, axes };
  const n = input.shape?.[0];
  return { known: false, count: typeof n === 'number' ? n : undefined };
}

function normalizeAll(ctx: OpContext, axes: readonly number[], rank: number): number[] {
  const out = axes.map((a) => {
    if (!Number.isInteger(a) || a < -rank || a >= rank)
      throw attributeError(ctx, 'axes', `value ${a} is out of range for rank ${rank}`, {
        expected: `[${-rank}, ${rank - 1}]`,
        got: a,
      });
    return normalizeAxis(a, rank);
  });
  if (new Set(out).size !== out.length)
    throw attributeError(ctx, 'axes', `holds duplicates: [${axes.join(', ')}]`, { got: [...axes] });
  return out;
}

/** Squeezed dims; undefined when axes are absent and a symbolic dim might or might not be 1. */
function squeezeDims(ctx: OpContext, dims: readonly Dim[], axes: number[] | undefined): Dim[] | undefined {
  if (axes === undefined) {
    if (dims.some((d) => typeof d === 'string')) return undefined;
    return dims.filter((d) => d !== 1);
  }
  const drop = normalizeAll(ctx, axes, dims.length);
  for (const a of drop) {
    if (typeof dims[a] === 'number' && dims[a] !== 1) {
      throw shapeError(ctx, `cannot squeeze axis ${a} of size ${dims[a]} (input [${dims.join(', ')}])`, {
        axis: a,
        expected: 1,
        got: dims[a],
      });
    }
  }
  return dims.filter((_, i) => !drop.includes(i));
}

function unsqueezeDims(ctx: OpContext, dims: readonly Dim[], axes: number[]): Dim[] {
  const rank = dims.length + axes.length;
  const insert = normalizeAll(ctx, axes, rank);
  const out: Dim[] = [];
  let next = 0;
  for (let i = 0; i < rank; i++) out.push(insert.includes(i) ? 1 : dims[next++]);
  return out;
}

const maxInputs = (ctx: OpContext) => (ctx.opset >= 13 ? 2 : 1);

export const squeezeOp: OpDef = {
  opType: 'Squeeze',
  domain: '',
  sinceVersion: 1,
  infer(inputs, ctx) {
    checkInputCount(ctx, inputs, 1, maxInputs(ctx));
    const x = required(ctx, inputs, 0, 'data');
    const source = axesOf(ctx, inputs[1]);
    if (x.shape === undefined) return [{ type: x.type }];
    if (!source.known)
      return [
        { type: x.type, shape: source.count === undefined ? undefined : freshDims(ctx, x.shape.length - source.count) },
      ];
    return [{ type: x.type, shape: squeezeDims(ctx, x.shape, source.axes) }];
  },
  run(inputs, ctx) {
    checkInputCount(ctx, inputs, 1, maxInputs(ctx));
    const x = required(ctx, inputs, 0, 'data');
    const source = axesOf(ctx, inputs[1]);
    return [x.reshape(squeezeDims(ctx, x.dims, source.known ? source.axes : undefined) as number[])];
  },
};

function requiredAxes(ctx: OpContext, source: AxesSource): AxesSource {
  if (source.known && source.axes === undefined) {
    throw ctx.opset < 13
      ? attributeError(ctx, 'axes', 'is required')
      : shapeError(ctx, "input 'axes' (#1) is required", { input: 'axes' });
  }
  return source;
}

export const unsqueezeOp: OpDef = {
  opType: 'Unsqueeze',
  domain: '',
  sinceVersion: 1,
  infer(inputs, ctx) {
    checkInputCount(ctx, inputs, maxInputs(ctx), maxInputs(ctx));
    const x = required(ctx, inputs, 0, 'data');
    const source = requiredAxes(ctx, axesOf(ctx, inputs[1]));
    if (x.shape === undefined) return [{ type: x.type }];
    if (!source.known)
      return [
        { type: x.type, shape: source.count === undefined ? undefined : freshDims(ctx, x.shape.length + source.count) },
      ];
    return [{ type: x.type, shape: unsqueezeDims(ctx, x.shape, source.axes as number[]) }];
  },
  run(inputs, ctx) {
    checkInputCount(ctx, inputs, maxInputs(ctx), maxInputs(ctx));
    const x = required(ctx, inputs, 0, 'data');
    const source = requiredAxes(ctx, axesOf(ctx, inputs[1]));
    return [x.reshape(unsqueezeDims(ctx, x.dims, (source as { axes: number[] }).axes) as number[])];
  },
};
