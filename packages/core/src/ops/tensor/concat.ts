/**
 * Concat: joins tensors of one rank along an axis; zero-size inputs contribute nothing.
 */
import { attr } from '../../ir/attributes.js';
import { sizeOf, type Dim } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import type { OpContext, OpDef } from '../op.js';
import { attributeError, checkOutputSize, elements, freshDim, shapeError, typeMismatch } from './util.js';

/** The axis attribute normalized; negative values are ONNX from opset 11. */
export function axisAttribute(ctx: OpContext, rank: number, name = 'axis', def?: number): number {
  const axis = attr.int(ctx.node, name, def);
  const min = ctx.opset >= 11 ? -rank : 0;
  if (!Number.isInteger(axis) || axis < min || axis >= rank) {
    throw attributeError(ctx, name, `${axis} is out of range [${min}, ${rank - 1}] for rank ${rank}`, {
      expected: `[${min}, ${rank - 1}]`,
      got: axis,
    });
  }
  return axis < 0 ? axis + rank : axis;
}

/** Every input must be present and of one element type. */
function presentInputs<T extends { type: string }>(ctx: OpContext, inputs: readonly (T | undefined)[]): T[] {
  if (inputs.length === 0) throw shapeError(ctx, 'needs at least one input', { expected: '>= 1', got: 0 });
  return inputs.map((x, i) => {
    if (x === undefined) throw shapeError(ctx, `input #${i} is missing`, { input: i });
    if (x.type !== inputs[0]?.type) throw typeMismatch(ctx, `#${i}`, inputs[0]?.type ?? '', x.type);
    return x;
  });
}

/** Output dims: the axis sums, other dims must agree (a number wins over a symbol). */
function concatDims(ctx: OpContext, shapes: readonly (readonly Dim[])[], axis: number): Dim[] {
  const rank = shapes[0].length;
  const out: Dim[] = [...shapes[0]];
  let sum: number | undefined = 0;
  for (const [k, s] of shapes.entries()) {
    if (s.length !== rank)
      throw shapeError(ctx, `input #${k} has rank ${s.length}, input #0 has rank ${rank}`, {
        input: k,
        expected: rank,
        got: s.length,
      });
    for (let i = 0; i < rank; i++) {
      if (i === axis) continue;
      const d = s[i];
      if (typeof d === 'number' && typeof out[i] === 'number' && d !== out[i]) {
        throw shapeError(
          ctx,
          `input #${k} has dim ${d} on axis ${i}, expected ${out[i]} (only axis ${axis} may differ)`,
          { input: k, axis: i, expected: out[i], got: d },
        );
      }
      if (typeof d === 'number') out[i] = d;
    }
    const d = s[axis];
    sum = typeof d === 'number' && sum !== undefined ? sum + d : undefined;
  }
  out[axis] = sum ?? (shapes.length === 1 ? shapes[0][axis] : freshDim(ctx, axis));
  return out;
}

export const concatOp: OpDef = {
  opType: 'Concat',
  domain: '',
  sinceVersion: 4,
  infer(inputs, ctx) {
    const xs = presentInputs(ctx, inputs);
    const known = xs.find((x) => x.shape !== undefined);
    if (known?.shape === undefined) return [{ type: xs[0].type }];
    const axis = axisAttribute(ctx, known.shape.length);
    if (xs.some((x) => x.shape === undefined)) {
      return [{ type: xs[0].type, shape: known.shape.map((d, i) => (i === axis ? freshDim(ctx, i) : d)) }];
    }
    return [
      {
        type: xs[0].type,
        shape: concatDims(
          ctx,
          xs.map((x) => x.shape as Dim[]),
          axis,
        ),
      },
    ];
  },
  run(inputs, ctx) {
    const xs = presentInputs(ctx, inputs);
    const axis = axisAttribute(ctx, xs[0].dims.length);
    const dims = concatDims(
      ctx,
      xs.map((x) => x.dims),
      axis,
    ) as number[];
    checkOutputSize(ctx, dims, xs[0].type);
    const out = Tensor.zeros(xs[0].type, dims);
    const dst = elements(out);
    const outer = sizeOf(dims.slice(0, axis));
    const outRow = sizeOf(dims.slice(axis));
    let offset = 0;
    for (const x of xs) {
      const row = sizeOf(x.dims.slice(axis));
      const src = elements(x);
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < row; i++) dst[o * outRow + offset + i] = src[o * row + i];
      }
      offset += row;
    }
    return [out];
  },
};
