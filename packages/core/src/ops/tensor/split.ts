/**
 * Split: cuts a tensor along an axis into the node's outputs, by explicit sizes (attribute before opset 13,
 * input from 13), into `num_outputs` chunks (opset 18, the last one smaller), or evenly.
 */
import { attr } from '../../ir/attributes.js';
import { sizeOf, type Dim } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import type { InferInput, OpContext, OpDef } from '../op.js';
import { axisAttribute } from './concat.js';
import {
  attributeError,
  checkInputCount,
  constInts,
  elements,
  freshDim,
  intValues,
  required,
  shapeError,
} from './util.js';

/** Explicit split sizes when given (undefined: derive them; null: an input not known at inference). */
function explicitSizes(ctx: OpContext, input: InferInput | Tensor | undefined): number[] | undefined | null {
  if (ctx.opset < 13) return attr.has(ctx.node, 'split') ? attr.ints(ctx.node, 'split') : undefined;
  if (input === undefined) return undefined;
  if ('dims' in input) return intValues(ctx, input, 'split');
  return constInts(ctx, input, 'split') ?? null;
}

function splitSizes(ctx: OpContext, dim: number, explicit: number[] | undefined): number[] {
  const n = ctx.node.outputs.length;
  if (explicit !== undefined) {
    const total = explicit.reduce((s, v) => s + v, 0);
    if (explicit.length !== n || explicit.some((v) => v < 0) || total !== dim) {
      throw shapeError(ctx, `split [${explicit.join(', ')}] must hold ${n} non-negative sizes summing to ${dim}`, {
        expected: { outputs: n, sum: dim },
        got: [...explicit],
      });
    }
    return explicit;
  }
  if (ctx.opset >= 18 && attr.has(ctx.node, 'num_outputs')) {
    const count = attr.int(ctx.node, 'num_outputs');
    if (count !== n || count < 1)
      throw attributeError(ctx, 'num_outputs', `is ${count} but the node has ${n} outputs`, {
        expected: n,
        got: count,
      });
    const chunk = Math.ceil(dim / count);
    if (chunk * (count - 1) > dim)
      throw shapeError(ctx, `cannot split ${dim} into ${count} chunks of ${chunk}`, { dim, num_outputs: count });
    return Array.from({ length: count }, (_, i) => (i < count - 1 ? chunk : dim - chunk * (count - 1)));
  }
  if (dim % n !== 0)
    throw shapeError(ctx, `axis size ${dim} does not split evenly into ${n} outputs`, { dim, outputs: n });
  return new Array<number>(n).fill(dim / n);
}

export const splitOp: OpDef = {
  opType: 'Split',
  domain: '',
  sinceVersion: 2,
  infer(inputs, ctx) {
    checkInputCount(ctx, inputs, 1, ctx.opset >= 13 ? 2 : 1);
    const x = required(ctx, inputs, 0, 'input');
    const explicit = explicitSizes(ctx, inputs[1]);
    const n = ctx.node.outputs.length;
    if (x.shape === undefined) return Array.from({ length: n }, () => ({ type: x.type }));
    const shape = x.shape;
    const axis = axisAttribute(ctx, shape.length, 'axis', 0);
    const dim = shape[axis];
    const sizes: Dim[] | undefined =
      explicit === null
        ? undefined
        : typeof dim === 'number'
          ? splitSizes(ctx, dim, explicit)
          : explicit?.length === n
            ? explicit
            : undefined;
    return Array.from({ length: n }, (_, k) => ({
      type: x.type,
      shape: shape.map((d, i) => (i === axis ? (sizes?.[k] ?? freshDim(ctx, i, k)) : d)),
    }));
  },
  run(inputs, ctx) {
    checkInputCount(ctx, inputs, 1, ctx.opset >= 13 ? 2 : 1);
    const x = required(ctx, inputs, 0, 'input');
    const axis = axisAttribute(ctx, x.dims.length, 'axis', 0);
    const sizes = splitSizes(ctx, x.dims[axis], explicitSizes(ctx, inputs[1]) ?? undefined);
    const outer = sizeOf(x.dims.slice(0, axis));
    const inner = sizeOf(x.dims.slice(axis + 1));
    const src = elements(x);
    let start = 0;
    return sizes.map((size) => {
      const dims = x.dims.map((d, i) => (i === axis ? size : d));
      const out = Tensor.zeros(x.type, dims);
      const dst = elements(out);
      const row = size * inner;
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < row; i++) dst[o * row + i] = src[(o * x.dims[axis] + start) * inner + i];
      }
      start += size;
      return out;
    });
  },
};
