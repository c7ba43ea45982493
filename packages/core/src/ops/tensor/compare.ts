/**
 * Comparisons (Equal, Less, Greater: broadcasting, bool out), Not, and Where (broadcasting select).
 */
import { broadcastShapes } from '../../shape.js';
import { halfToFloat, Tensor, type TensorType } from '../../tensor.js';
import type { InferInput, OpContext, OpDef } from '../op.js';
import {
  broadcastOrThrow,
  broadcastStrides,
  checkInputCount,
  checkOutputSize,
  checkType,
  elements,
  forEachIndex,
  offsetOf,
  required,
  typeMismatch,
} from './util.js';

/** Output type/shape of an elementwise op over inputs that broadcast. */
function inferBroadcast(ctx: OpContext, inputs: readonly InferInput[], type: TensorType) {
  if (inputs.some((x) => x.shape === undefined)) return { type };
  return { type, shape: broadcastOrThrow(ctx, ...inputs.map((x) => x.shape ?? [])) };
}

/** Applies `fn` to the broadcast elements of `xs`, writing a tensor of `type`. */
function mapBroadcast(
  ctx: OpContext,
  xs: readonly Tensor[],
  type: TensorType,
  fn: (values: (number | bigint)[]) => number | bigint,
): Tensor {
  broadcastOrThrow(ctx, ...xs.map((x) => x.dims));
  const dims = broadcastShapes(...xs.map((x) => x.dims));
  checkOutputSize(ctx, dims, type);
  const out = Tensor.zeros(type, dims);
  const dst = elements(out);
  const srcs = xs.map(elements);
  const strides = xs.map((x) => broadcastStrides(x.dims, dims));
  const values = new Array<number | bigint>(xs.length);
  forEachIndex(dims, (index, flat) => {
    for (let k = 0; k < xs.length; k++) values[k] = srcs[k][offsetOf(index, strides[k])];
    dst[flat] = fn(values);
  });
  return out;
}

/** A comparison's A and B, of one type. */
function comparedInputs<T extends { type: TensorType }>(ctx: OpContext, inputs: readonly (T | undefined)[]): [T, T] {
  checkInputCount(ctx, inputs, 2, 2);
  const a = required(ctx, inputs, 0, 'A');
  const b = required(ctx, inputs, 1, 'B');
  if (a.type !== b.type) throw typeMismatch(ctx, 'B', a.type, b.type);
  return [a, b];
}

/** Where's bool condition and its X and Y of one type. */
function whereInputs<T extends { type: TensorType }>(ctx: OpContext, inputs: readonly (T | undefined)[]): [T, T, T] {
  checkInputCount(ctx, inputs, 3, 3);
  const cond = required(ctx, inputs, 0, 'condition');
  const x = required(ctx, inputs, 1, 'X');
  const y = required(ctx, inputs, 2, 'Y');
  checkType(ctx, 'condition', cond.type, ['bool']);
  if (x.type !== y.type) throw typeMismatch(ctx, 'Y', x.type, y.type);
  return [cond, x, y];
}

/** Not's bool X. */
function notInput<T extends { type: TensorType }>(ctx: OpContext, inputs: readonly (T | undefined)[]): T {
  checkInputCount(ctx, inputs, 1, 1);
  const x = required(ctx, inputs, 0, 'X');
  checkType(ctx, 'X', x.type, ['bool']);
  return x;
}

function comparison(opType: string, test: (a: number | bigint, b: number | bigint) => boolean): OpDef {
  return {
    opType,
    domain: '',
    sinceVersion: 7,
    infer(inputs, ctx) {
      const [a, b] = comparedInputs(ctx, inputs);
      return [inferBroadcast(ctx, [a, b], 'bool')];
    },
    run(inputs, ctx) {
      const [a, b] = comparedInputs(ctx, inputs);
      // float16 holds bits: decode before comparing (bit order is not value order, and -0 == +0).
      const decode =
        a.type === 'float16' ? (v: number | bigint) => halfToFloat(v as number) : (v: number | bigint) => v;
      return [mapBroadcast(ctx, [a, b], 'bool', ([x, y]) => (test(decode(x), decode(y)) ? 1 : 0))];
    },
  };
}

export const equalOp = comparison('Equal', (a, b) => a === b);
export const lessOp = comparison('Less', (a, b) => a < b);
export const greaterOp = comparison('Greater', (a, b) => a > b);

export const notOp: OpDef = {
  opType: 'Not',
  domain: '',
  sinceVersion: 1,
  infer(inputs, ctx) {
    const x = notInput(ctx, inputs);
    return [{ type: 'bool', shape: x.shape }];
  },
  run(inputs, ctx) {
    const x = notInput(ctx, inputs);
    return [mapBroadcast(ctx, [x], 'bool', ([v]) => (v ? 0 : 1))];
  },
};

export const whereOp: OpDef = {
  opType: 'Where',
  domain: '',
  sinceVersion: 9,
  infer(inputs, ctx) {
    const [cond, x, y] = whereInputs(ctx, inputs);
    return [inferBroadcast(ctx, [cond, x, y], x.type)];
  },
  run(inputs, ctx) {
    const [cond, x, y] = whereInputs(ctx, inputs);
    return [mapBroadcast(ctx, [cond, x, y], x.type, ([c, a, b]) => (c ? a : b))];
  },
};
