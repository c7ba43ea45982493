/**
 * The broadcasting binary math ops: Add, Sub, Mul, Div, Pow, and PRelu (whose slope broadcasts one way).
 * float32 is computed in float64 and stored rounded; the integers wrap like C++ two's complement (int8
 * and uint8 are computed as int32, then wrapped by their typed array's store), and integer Div truncates
 * toward zero like onnxruntime (division by zero gives 0 rather than a trap).
 */
import { ShapeError } from '../../errors.js';
import type { ValueType } from '../../ir/graph.js';
import { broadcastDims, type Dim } from '../../shape.js';
import type { Tensor, TensorType } from '../../tensor.js';
import type { InferInput, OpContext, OpDef } from '../op.js';
import { broadcastIndex } from './broadcast.js';
import {
  allocOutput,
  checkArity,
  checkSameType,
  checkType,
  nodeLabel,
  ELEMENTWISE,
  FLOAT,
  need,
  NUMERIC,
  sameTypeInputs,
} from './common.js';

type NumberFn = (x: number, y: number) => number;
type BigFn = (x: bigint, y: bigint) => bigint;

/** Broadcasts shapes, rethrowing a mismatch with the node named. */
function broadcastFor(ctx: OpContext, shapes: (readonly Dim[])[]): Dim[] {
  try {
    return broadcastDims(...shapes);
  } catch (e) {
    if (!(e instanceof ShapeError)) throw e;
    const got = shapes.map((s) => `[${s.join(', ')}]`).join(' and ');
    throw new ShapeError(`${nodeLabel(ctx.node)}: input shapes ${got} do not broadcast`, {
      node: ctx.node.name,
      op: ctx.node.opType,
      got: shapes,
    });
  }
}

/** The output type of a binary op: the first input's type, on the broadcast shape when both are known. */
function inferBroadcast(ctx: OpContext, a: InferInput, b: InferInput): ValueType {
  return { type: a.type, shape: a.shape && b.shape ? broadcastFor(ctx, [a.shape, b.shape]) : undefined };
}

/** Runs `f` over two broadcast inputs into an output of `type`. */
function broadcastRun(a: Tensor, b: Tensor, type: TensorType, ctx: OpContext, f: NumberFn): Tensor {
  const dims = broadcastFor(ctx, [a.dims, b.dims]) as number[];
  const out = allocOutput(type, dims, ctx);
  const ia = broadcastIndex(a.dims, dims);
  const ib = broadcastIndex(b.dims, dims);
  const x = a.data as ArrayLike<number>;
  const y = b.data as ArrayLike<number>;
  const o = out.data as Float32Array | Int32Array | Int8Array | Uint8Array;
  for (let i = 0; i < o.length; i++) o[i] = f(x[ia ? ia[i] : i], y[ib ? ib[i] : i]);
  return out;
}

function broadcastRunBig(a: Tensor, b: Tensor, ctx: OpContext, f: BigFn): Tensor {
  const dims = broadcastFor(ctx, [a.dims, b.dims]) as number[];
  const out = allocOutput('int64', dims, ctx);
  const ia = broadcastIndex(a.dims, dims);
  const ib = broadcastIndex(b.dims, dims);
  const x = a.data as BigInt64Array;
  const y = b.data as BigInt64Array;
  const o = out.data;
  for (let i = 0; i < o.length; i++) o[i] = f(x[ia ? ia[i] : i], y[ib ? ib[i] : i]);
  return out;
}

interface ArithmeticKernels {
  float: NumberFn;
  int32: NumberFn;
  int64: BigFn;
}

/** ONNX adds the 8-bit integers to Add, Sub, Mul and Div at opset 14. */
const arithmeticTypes = (ctx: OpContext) => (ctx.opset >= 14 ? ELEMENTWISE : NUMERIC);

function arithmeticOp(opType: string, kernels: ArithmeticKernels): OpDef {
  return {
    opType,
    domain: '',
    sinceVersion: 7,
    infer(inputs, ctx) {
      const [a, b] = sameTypeInputs(inputs, ctx, ['A', 'B'], arithmeticTypes(ctx));
      return [inferBroadcast(ctx, a, b)];
    },
    run(inputs, ctx) {
      const [a, b] = sameTypeInputs(inputs, ctx, ['A', 'B'], arithmeticTypes(ctx));
      if (a.type === 'int64') return [broadcastRunBig(a, b, ctx, kernels.int64)];
      return [broadcastRun(a, b, a.type, ctx, a.type === 'float32' ? kernels.float : kernels.int32)];
    },
  };
}

const wrap64 = (v: bigint): bigint => BigInt.asIntN(64, v);

/** Integer division truncating toward zero; x / 0 gives 0 (C++ would trap). */
const truncDiv = (x: number, y: number): number => (y === 0 ? 0 : Math.trunc(x / y));

export const Add = arithmeticOp('Add', {
  float: (x, y) => x + y,
  int32: (x, y) => (x + y) | 0,
  int64: (x, y) => wrap64(x + y),
});
export const Sub = arithmeticOp('Sub', {
  float: (x, y) => x - y,
  int32: (x, y) => (x - y) | 0,
  int64: (x, y) => wrap64(x - y),
});
export const Mul = arithmeticOp('Mul', { float: (x, y) => x * y, int32: Math.imul, int64: (x, y) => wrap64(x * y) });
export const Div = arithmeticOp('Div', {
  float: (x, y) => x / y,
  int32: (x, y) => truncDiv(x, y) | 0,
  int64: (x, y) => (y === 0n ? 0n : wrap64(x / y)),
});

/** C's pow: 1^y and (-1)^(+-Inf) are 1 where JavaScript's Math.pow gives NaN. */
export function cPow(x: number, y: number): number {
  if (x === 1 || (x === -1 && (y === Infinity || y === -Infinity))) return 1;
  return x ** y;
}

/** A double converted to an integer the way onnxruntime's static_cast does for in-range values (0 otherwise). */
const toInteger = (v: number): number => (Number.isFinite(v) ? Math.trunc(v) : 0);

/** Pow: T(base) of float32/int32/int64, exponent of float32/int32/int64 from opset 12 (both float before). */
export const Pow: OpDef = {
  opType: 'Pow',
  domain: '',
  sinceVersion: 7,
  infer(inputs, ctx) {
    const [x, y] = powInputs(inputs, ctx);
    return [inferBroadcast(ctx, x, y)];
  },
  run(inputs, ctx) {
    const [x, y] = powInputs(inputs, ctx);
    const dims = broadcastFor(ctx, [x.dims, y.dims]) as number[];
    const out = allocOutput(x.type, dims, ctx);
    const ix = broadcastIndex(x.dims, dims);
    const iy = broadcastIndex(y.dims, dims);
    const powAt = (i: number) => cPow(numberAt(x, ix ? ix[i] : i), numberAt(y, iy ? iy[i] : i));
    const n = out.size;
    if (x.type === 'float32') {
      const o = out.data as Float32Array;
      for (let i = 0; i < n; i++) o[i] = powAt(i);
    } else if (x.type === 'int32') {
      const o = out.data as Int32Array;
      for (let i = 0; i < n; i++) o[i] = toInteger(powAt(i));
    } else {
      const o = out.data as BigInt64Array;
      for (let i = 0; i < n; i++) o[i] = BigInt(toInteger(powAt(i)));
    }
    return [out];
  },
};

/** Pow's inputs: both float32 of one type before opset 12; from 12 each of float32/int32/int64. */
function powInputs<T extends { type: TensorType }>(inputs: readonly (T | undefined)[], ctx: OpContext): [T, T] {
  checkArity(inputs, ctx, 2, 2);
  const x = need(inputs, 0, ctx, 'X');
  const y = need(inputs, 1, ctx, 'Y');
  if (ctx.opset < 12) {
    checkType(ctx, 'X', x.type, FLOAT);
    checkSameType(ctx, ['X', 'Y'], x.type, y.type);
  } else {
    checkType(ctx, 'X', x.type, NUMERIC);
    checkType(ctx, 'Y', y.type, NUMERIC);
  }
  return [x, y];
}

function numberAt(t: Tensor, i: number): number {
  const v = t.data[i];
  return typeof v === 'bigint' ? Number(v) : v;
}

/** Throws unless `slope` broadcasts onto `x` without changing x's shape. */
function checkUnidirectional(ctx: OpContext, x: readonly Dim[], slope: readonly Dim[]): void {
  const joined = broadcastFor(ctx, [x, slope]);
  const same = joined.length === x.length && joined.every((d, i) => d === x[i] || typeof x[i] === 'string');
  if (!same) {
    throw new ShapeError(
      `${nodeLabel(ctx.node)}: slope [${slope.join(', ')}] does not broadcast onto X [${x.join(', ')}]`,
      {
        node: ctx.node.name,
        op: ctx.node.opType,
        expected: [...x],
        got: [...slope],
      },
    );
  }
}

/** PRelu: x < 0 ? slope * x : x, the slope broadcasting onto X (unidirectionally). */
export const PRelu: OpDef = {
  opType: 'PRelu',
  domain: '',
  sinceVersion: 7,
  infer(inputs: readonly (InferInput | undefined)[], ctx: OpContext): ValueType[] {
    const [x, slope] = sameTypeInputs(inputs, ctx, ['X', 'slope'], FLOAT);
    if (x.shape && slope.shape) checkUnidirectional(ctx, x.shape, slope.shape);
    return [{ type: x.type, shape: x.shape }];
  },
  run(inputs, ctx) {
    const [x, slope] = sameTypeInputs(inputs, ctx, ['X', 'slope'], FLOAT);
    checkUnidirectional(ctx, x.dims, slope.dims);
    return [broadcastRun(x, slope, x.type, ctx, (v, s) => (v < 0 ? s * v : v))];
  },
};
