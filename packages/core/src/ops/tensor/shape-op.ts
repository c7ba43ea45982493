/**
 * Shape: the input's dims as an int64 vector, optionally a [start, end) window of them (opset 15).
 */
import { attr } from '../../ir/attributes.js';
import { isStatic, type Dim } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import type { InferInput, OpContext, OpDef } from '../op.js';
import { checkInputCount, freshDims, required } from './util.js';

/** The [start, end) window of a rank-`rank` shape; ends clamp like Slice's. */
function window(ctx: OpContext, rank: number): [number, number] {
  if (ctx.opset < 15) return [0, rank];
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
  const start = clamp(attr.int(ctx.node, 'start', 0));
  const end = attr.has(ctx.node, 'end') ? clamp(attr.int(ctx.node, 'end')) : rank;
  return [start, Math.max(start, end)];
}

function shapeTensor(ctx: OpContext, dims: readonly number[]): Tensor<'int64'> {
  const [start, end] = window(ctx, dims.length);
  return new Tensor(
    'int64',
    BigInt64Array.from(dims.slice(start, end), (d) => BigInt(d)),
    [end - start],
  );
}

/**
 * The value of a Shape node whose input has static dims, though the input's data is not known: what
 * constant propagation folds before any data exists. Undefined when a dim is symbolic or the rank unknown.
 */
export function shapeValue(input: InferInput, ctx: OpContext): Tensor<'int64'> | undefined {
  if (input.shape === undefined || !isStatic(input.shape)) return undefined;
  return shapeTensor(ctx, input.shape);
}

export const shapeOp: OpDef = {
  opType: 'Shape',
  domain: '',
  sinceVersion: 1,
  infer(inputs, ctx) {
    checkInputCount(ctx, inputs, 1, 1);
    const x = required(ctx, inputs, 0, 'data');
    if (x.shape === undefined) return [{ type: 'int64', shape: freshDims(ctx, 1) }];
    const [start, end] = window(ctx, x.shape.length);
    const shape: Dim[] = [end - start];
    return [{ type: 'int64', shape }];
  },
  run(inputs, ctx) {
    checkInputCount(ctx, inputs, 1, 1);
    return [shapeTensor(ctx, required(ctx, inputs, 0, 'data').dims)];
  },
};
