/**
 * BatchNormalization in inference mode and LRN (local response normalization across channels).
 */
import { UnsupportedOpError } from '../../errors.js';
import { attr } from '../../ir/attributes.js';
import type { Dim } from '../../shape.js';
import type { OpContext, OpDef } from '../op.js';
import {
  allocOutput,
  badAttribute,
  checkArity,
  checkSameType,
  checkType,
  firstInput,
  flag,
  FLOAT,
  need,
  nodeLabel,
  product,
  shapeError,
} from './common.js';

const PARAMS = ['scale', 'B', 'input_mean', 'input_var'] as const;

/** Refuses training mode: the training_mode attribute (opset 14+), or the running-statistics outputs. */
function checkInferenceMode(ctx: OpContext): void {
  if (ctx.opset >= 14 && flag(ctx.node, 'training_mode', 0)) {
    throw badAttribute(ctx.node, 'training_mode', 'is 1, but only inference mode (0) is supported', 0, 1);
  }
  if (ctx.node.outputs.slice(1).some((o) => o !== '')) {
    throw new UnsupportedOpError(
      `${nodeLabel(ctx.node)} asks for training outputs (${ctx.node.outputs.slice(1).join(', ')}); only inference mode is supported`,
      {
        node: ctx.node.name,
        op: ctx.node.opType,
        expected: 1,
        got: ctx.node.outputs.length,
      },
    );
  }
}

/** The per-channel parameters' expected shape: [C], or [C, D1, ...] with spatial=0 before opset 9. */
function paramShape(ctx: OpContext, x: readonly Dim[]): Dim[] {
  const spatial = ctx.opset < 9 ? flag(ctx.node, 'spatial', 1) : true;
  return spatial ? [x[1]] : x.slice(1);
}

function checkParams(ctx: OpContext, x: readonly Dim[], params: readonly (readonly Dim[] | undefined)[]): void {
  if (x.length < 2)
    throw shapeError(ctx, `X must have rank >= 2 ([N, C, ...]), got [${x.join(', ')}]`, '>= 2', x.length);
  const expected = paramShape(ctx, x);
  params.forEach((p, i) => {
    if (!p) return;
    const ok =
      p.length === expected.length &&
      p.every((d, j) => d === expected[j] || typeof d === 'string' || typeof expected[j] === 'string');
    if (!ok)
      throw shapeError(ctx, `${PARAMS[i]} must be [${expected.join(', ')}], got [${p.join(', ')}]`, expected, [...p]);
  });
}

export const BatchNormalization: OpDef = {
  opType: 'BatchNormalization',
  domain: '',
  sinceVersion: 7,
  infer(inputs, ctx) {
    checkArity(inputs, ctx, 5, 5);
    checkInferenceMode(ctx);
    const x = need(inputs, 0, ctx, 'X');
    checkType(ctx, 'X', x.type, FLOAT);
    const params = PARAMS.map((name, i) => need(inputs, i + 1, ctx, name));
    params.forEach((p, i) => checkSameType(ctx, ['X', PARAMS[i]], x.type, p.type));
    if (x.shape)
      checkParams(
        ctx,
        x.shape,
        params.map((p) => p.shape),
      );
    return [{ type: x.type, shape: x.shape }];
  },
  run(inputs, ctx) {
    checkArity(inputs, ctx, 5, 5);
    checkInferenceMode(ctx);
    const x = need(inputs, 0, ctx, 'X');
    checkType(ctx, 'X', x.type, FLOAT);
    const [scale, bias, mean, variance] = PARAMS.map((name, i) => need(inputs, i + 1, ctx, name));
    [scale, bias, mean, variance].forEach((p, i) => checkSameType(ctx, ['X', PARAMS[i]], x.type, p.type));
    checkParams(ctx, x.dims, [scale.dims, bias.dims, mean.dims, variance.dims]);
    const epsilon = attr.float(ctx.node, 'epsilon', 1e-5);
    const out = allocOutput('float32', x.dims, ctx);
    // y = x * a + b with a = scale / sqrt(var + eps), b = B - mean * a, per parameter element.
    const count = scale.size;
    const a = new Float64Array(count);
    const b = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      a[i] = Number(scale.data[i]) / Math.sqrt(Number(variance.data[i]) + epsilon);
      b[i] = Number(bias.data[i]) - Number(mean.data[i]) * a[i];
    }
    // Each parameter element covers `inner` consecutive elements of X (the spatial plane, or 1 element).
    const inner = count === 0 ? 0 : product(x.dims, 1) / count;
    const src = x.data as Float32Array;
    let o = 0;
    for (let n = 0; n < x.dims[0]; n++) {
      for (let c = 0; c < count; c++) {
        for (let i = 0; i < inner; i++, o++) out.data[o] = src[o] * a[c] + b[c];
      }
    }
    return [out];
  },
};

function lrnAttrs(ctx: OpContext): { size: number; alpha: number; beta: number; bias: number } {
  const size = attr.int(ctx.node, 'size');
  if (!Number.isSafeInteger(size) || size < 1 || size > 2 ** 31 - 1)
    throw badAttribute(ctx.node, 'size', `must be a positive integer, got ${size}`, '>= 1', size);
  return {
    size,
    alpha: attr.float(ctx.node, 'alpha', 1e-4),
    beta: attr.float(ctx.node, 'beta', 0.75),
    bias: attr.float(ctx.node, 'bias', 1),
  };
}

function checkLrnRank(ctx: OpContext, x: readonly Dim[]): void {
  if (x.length < 3)
    throw shapeError(ctx, `X must have rank >= 3 ([N, C, spatial...]), got [${x.join(', ')}]`, '>= 3', x.length);
}

/** LRN: y = x / (bias + alpha / size * sum of x^2 over the size neighbouring channels)^beta. */
export const LRN: OpDef = {
  opType: 'LRN',
  domain: '',
  sinceVersion: 7,
  infer(inputs, ctx) {
    const x = firstInput(inputs, ctx, 'X', FLOAT);
    lrnAttrs(ctx);
    if (x.shape) checkLrnRank(ctx, x.shape);
    return [{ type: x.type, shape: x.shape }];
  },
  run(inputs, ctx) {
    const x = firstInput(inputs, ctx, 'X', FLOAT);
    const { size, alpha, beta, bias } = lrnAttrs(ctx);
    checkLrnRank(ctx, x.dims);
    const [N, C] = x.dims;
    const plane = product(x.dims, 2);
    const before = Math.floor((size - 1) / 2);
    const after = Math.ceil((size - 1) / 2);
    const src = x.data as Float32Array;
    const out = allocOutput('float32', x.dims, ctx);
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < C; c++) {
        const from = Math.max(0, c - before);
        const to = Math.min(C - 1, c + after);
        for (let i = 0; i < plane; i++) {
          let squares = 0;
          for (let k = from; k <= to; k++) {
            const v = src[(n * C + k) * plane + i];
            squares += v * v;
          }
          const at = (n * C + c) * plane + i;
          out.data[at] = src[at] / (bias + (alpha / size) * squares) ** beta;
        }
      }
    }
    return [out];
  },
};
