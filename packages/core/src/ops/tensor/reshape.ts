/**
 * Reshape (0 copies a dim unless allowzero, -1 is inferred) and Flatten (to 2-D around an axis).
 */
import { attr } from '../../ir/attributes.js';
import type { Dim } from '../../shape.js';
import { isStatic, sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import type { OpContext, OpDef } from '../op.js';
import {
  attributeError,
  checkInputCount,
  constInts,
  freshDim,
  freshDims,
  intValues,
  required,
  shapeError,
} from './util.js';

/** The product of dims, symbolic when exactly one symbolic dim multiplies only ones; else a fresh dim. */
function productDim(ctx: OpContext, dims: readonly Dim[], axis: number): Dim {
  const symbols = dims.filter((d): d is string => typeof d === 'string');
  const known = dims.reduce<number>((p, d) => (typeof d === 'number' ? p * d : p), 1);
  if (symbols.length === 0) return known;
  if (known === 0) return 0;
  if (symbols.length === 1 && known === 1) return symbols[0];
  return freshDim(ctx, axis);
}

/**
 * Output dims of Reshape from the input dims and the target. Symbolic input dims cancel against the ones
 * copied by 0 entries, so `[N, 3, 4] -> [0, -1]` gives `[N, 12]`.
 */
export function reshapeDims(
  ctx: OpContext,
  input: readonly Dim[],
  target: readonly number[],
  allowzero: boolean,
): Dim[] {
  const inferred = target.indexOf(-1);
  if (target.some((t) => t < -1))
    throw shapeError(ctx, `shape entries must be >= -1, got [${target.join(', ')}]`, { got: [...target] });
  if (target.lastIndexOf(-1) !== inferred)
    throw shapeError(ctx, `shape may hold at most one -1, got [${target.join(', ')}]`, { got: [...target] });
  if (allowzero && inferred >= 0 && target.includes(0)) {
    throw shapeError(ctx, `with allowzero=1 the shape may not hold both 0 and -1, got [${target.join(', ')}]`, {
      got: [...target],
    });
  }
  const out: Dim[] = target.map((t, i) => {
    if (t !== 0 || allowzero) return t;
    if (i >= input.length)
      throw shapeError(ctx, `shape entry ${i} is 0 but the input has rank ${input.length}`, {
        input: [...input],
        shape: [...target],
      });
    return input[i];
  });
  if (inferred < 0) {
    // A static input and a static target must agree now, at prepare, not only when the kernel runs.
    if (isStatic(input) && isStatic(out) && sizeOf(input) !== sizeOf(out)) {
      throw shapeError(ctx, `cannot reshape [${input.join(', ')}] (${sizeOf(input)} elements) to [${out.join(', ')}]`, {
        expected: sizeOf(input),
        got: [...out],
      });
    }
    return out;
  }

  const remaining = input.filter((d): d is string => typeof d === 'string');
  let knownIn = input.reduce<number>((p, d) => (typeof d === 'number' ? p * d : p), 1);
  let knownOut = 1;
  for (let i = 0; i < out.length; i++) {
    if (i === inferred) continue;
    const d = out[i];
    if (typeof d === 'number') knownOut *= d;
    else {
      const at = remaining.indexOf(d);
      if (at >= 0) remaining.splice(at, 1);
      else return out.map((x, j) => (j === inferred ? freshDim(ctx, j) : x));
    }
  }
  if (remaining.length > 1 || (remaining.length === 1 && knownIn !== knownOut)) {
    out[inferred] = freshDim(ctx, inferred);
    return out;
  }
  if (remaining.length === 1) {
    out[inferred] = remaining[0];
    return out;
  }
  if (knownOut === 0 || knownIn % knownOut !== 0) {
    throw shapeError(ctx, `cannot infer the -1 in [${target.join(', ')}] from input [${input.join(', ')}]`, {
      input: [...input],
      shape: [...target],
    });
  }
  knownIn /= knownOut;
  out[inferred] = knownIn;
  return out;
}

const allowZero = (ctx: OpContext) => ctx.opset >= 14 && attr.int(ctx.node, 'allowzero', 0) !== 0;

export const reshapeOp: OpDef = {
  opType: 'Reshape',
  domain: '',
  sinceVersion: 5,
  infer(inputs, ctx) {
    checkInputCount(ctx, inputs, 2, 2);
    const x = required(ctx, inputs, 0, 'data');
    const shape = required(ctx, inputs, 1, 'shape');
    const target = constInts(ctx, shape, 'shape');
    if (target === undefined) {
      const n = shape.shape?.[0];
      return [{ type: x.type, shape: typeof n === 'number' ? freshDims(ctx, n) : undefined }];
    }
    if (x.shape === undefined) {
      // Without the input's dims only literal entries are known.
      return [
        { type: x.type, shape: target.map((t, i) => (t > 0 || (t === 0 && allowZero(ctx)) ? t : freshDim(ctx, i))) },
      ];
    }
    return [{ type: x.type, shape: reshapeDims(ctx, x.shape, target, allowZero(ctx)) }];
  },
  run(inputs, ctx) {
    checkInputCount(ctx, inputs, 2, 2);
    const x = required(ctx, inputs, 0, 'data');
    const dims = reshapeDims(
      ctx,
      x.dims,
      intValues(ctx, required(ctx, inputs, 1, 'shape'), 'shape'),
      allowZero(ctx),
    ) as number[];
    return [reshapeChecked(ctx, x, dims)];
  },
};

function reshapeChecked(ctx: OpContext, x: Tensor, dims: number[]): Tensor {
  if (sizeOf(dims) !== x.size) {
    throw shapeError(ctx, `cannot reshape [${x.dims.join(', ')}] (${x.size} elements) to [${dims.join(', ')}]`, {
      expected: x.size,
      got: [...dims],
    });
  }
  return x.reshape(dims);
}

function flattenAxis(ctx: OpContext, rank: number): number {
  const axis = attr.int(ctx.node, 'axis', 1);
  const min = ctx.opset >= 11 ? -rank : 0;
  if (!Number.isInteger(axis) || axis < min || axis > rank) {
    throw attributeError(ctx, 'axis', `${axis} is out of range [${min}, ${rank}] for rank ${rank}`, {
      expected: `[${min}, ${rank}]`,
      got: axis,
    });
  }
  return axis < 0 ? axis + rank : axis;
}

export const flattenOp: OpDef = {
  opType: 'Flatten',
  domain: '',
  sinceVersion: 1,
  infer(inputs, ctx) {
    checkInputCount(ctx, inputs, 1, 1);
    const x = required(ctx, inputs, 0, 'input');
    if (x.shape === undefined) return [{ type: x.type, shape: freshDims(ctx, 2) }];
    const axis = flattenAxis(ctx, x.shape.length);
    return [
      { type: x.type, shape: [productDim(ctx, x.shape.slice(0, axis), 0), productDim(ctx, x.shape.slice(axis), 1)] },
    ];
  },
  run(inputs, ctx) {
    checkInputCount(ctx, inputs, 1, 1);
    const x = required(ctx, inputs, 0, 'input');
    const axis = flattenAxis(ctx, x.dims.length);
    return [x.reshape([sizeOf(x.dims.slice(0, axis)), sizeOf(x.dims.slice(axis))])];
  },
};
