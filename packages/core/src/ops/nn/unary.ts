/**
 * Elementwise unary ops: the activations (Relu, LeakyRelu, Clip, Sigmoid, HardSigmoid, HardSwish, Tanh)
 * and the math functions (Erf, Exp, Log, Sqrt, Neg, Abs). Output type and shape are the input's.
 */
import { attr } from '../../ir/attributes.js';
import type { Tensor, TensorType } from '../../tensor.js';
import type { OpContext, OpDef } from '../op.js';
import { clip, erf, hardSigmoid, hardSwish, leakyRelu, relu, sigmoid, tanh, type ScalarFn } from './activations.js';
import { allocOutput, checkSameType, ELEMENTWISE, firstInput, FLOAT, nodeLabel, NUMERIC } from './common.js';
import { ShapeError } from '../../errors.js';

interface UnarySpec {
  opType: string;
  sinceVersion: number;
  types: readonly TensorType[];
  /** The scalar function, given the node (for attributes). */
  fn: (ctx: OpContext) => ScalarFn;
  /** The int64 version, for ops that take int64. */
  big?: (x: bigint) => bigint;
}

function mapNumbers(x: Tensor, ctx: OpContext, fn: ScalarFn): Tensor {
  const out = allocOutput(x.type, x.dims, ctx);
  const src = x.data as Float32Array | Int32Array;
  const dst = out.data as Float32Array | Int32Array;
  for (let i = 0; i < src.length; i++) dst[i] = fn(src[i]);
  return out;
}

function mapBigInts(x: Tensor, ctx: OpContext, fn: (v: bigint) => bigint): Tensor {
  const out = allocOutput('int64', x.dims, ctx);
  const src = x.data as BigInt64Array;
  const dst = out.data;
  for (let i = 0; i < src.length; i++) dst[i] = fn(src[i]);
  return out;
}

function unaryOp(spec: UnarySpec): OpDef {
  return {
    opType: spec.opType,
    domain: '',
    sinceVersion: spec.sinceVersion,
    infer(inputs, ctx) {
      const x = firstInput(inputs, ctx, 'X', spec.types);
      spec.fn(ctx); // validates attributes
      return [{ type: x.type, shape: x.shape }];
    },
    run(inputs, ctx) {
      const x = firstInput(inputs, ctx, 'X', spec.types);
      return [x.type === 'int64' && spec.big ? mapBigInts(x, ctx, spec.big) : mapNumbers(x, ctx, spec.fn(ctx))];
    },
  };
}

const fixed = (fn: ScalarFn) => () => fn;

export const Relu = unaryOp({ opType: 'Relu', sinceVersion: 7, types: FLOAT, fn: fixed(relu) });
export const LeakyRelu = unaryOp({
  opType: 'LeakyRelu',
  sinceVersion: 7,
  types: FLOAT,
  fn: (ctx) => leakyRelu(attr.float(ctx.node, 'alpha', 0.01)),
});
export const Sigmoid = unaryOp({ opType: 'Sigmoid', sinceVersion: 7, types: FLOAT, fn: fixed(sigmoid) });
export const HardSigmoid = unaryOp({
  opType: 'HardSigmoid',
  sinceVersion: 7,
  types: FLOAT,
  fn: (ctx) => hardSigmoid(attr.float(ctx.node, 'alpha', 0.2), attr.float(ctx.node, 'beta', 0.5)),
});
export const HardSwish = unaryOp({ opType: 'HardSwish', sinceVersion: 14, types: FLOAT, fn: fixed(hardSwish) });
export const Tanh = unaryOp({ opType: 'Tanh', sinceVersion: 7, types: FLOAT, fn: fixed(tanh) });
export const Erf = unaryOp({ opType: 'Erf', sinceVersion: 9, types: FLOAT, fn: fixed(erf) });
export const Exp = unaryOp({ opType: 'Exp', sinceVersion: 7, types: FLOAT, fn: fixed(Math.exp) });
export const Log = unaryOp({ opType: 'Log', sinceVersion: 7, types: FLOAT, fn: fixed(Math.log) });
export const Sqrt = unaryOp({ opType: 'Sqrt', sinceVersion: 7, types: FLOAT, fn: fixed(Math.sqrt) });
export const Neg = unaryOp({
  opType: 'Neg',
  sinceVersion: 7,
  types: NUMERIC,
  fn: fixed((x) => -x),
  big: (x) => BigInt.asIntN(64, -x),
});
export const Abs = unaryOp({
  opType: 'Abs',
  sinceVersion: 7,
  types: NUMERIC,
  fn: fixed(Math.abs),
  big: (x) => BigInt.asIntN(64, x < 0n ? -x : x),
});

/** onnxruntime's bounds when Clip's min or max is absent: the type's lowest and largest finite values. */
const LIMITS: Record<string, [number, number]> = {
  float32: [-3.4028234663852886e38, 3.4028234663852886e38],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int8: [-128, 127],
  uint8: [0, 255],
};
const INT64_LIMITS: [bigint, bigint] = [-(2n ** 63n), 2n ** 63n - 1n];

/** A Clip bound given as an input: a one-element tensor of X's type. */
function boundOf(t: Tensor | undefined, name: string, x: Tensor, ctx: OpContext): number | bigint | undefined {
  if (t === undefined) return undefined;
  checkSameType(ctx, ['input', name], x.type, t.type);
  if (t.size !== 1) {
    throw new ShapeError(`${nodeLabel(ctx.node)}: ${name} must be a scalar, got [${t.dims.join(', ')}]`, {
      node: ctx.node.name,
      op: ctx.node.opType,
      input: name,
      expected: [],
      got: [...t.dims],
    });
  }
  return t.data[0];
}

/** Clip: min/max attributes before opset 11, optional scalar inputs from 11 (and integer types from 12). */
export const Clip: OpDef = {
  opType: 'Clip',
  domain: '',
  sinceVersion: 7,
  infer(inputs, ctx) {
    const x = firstInput(inputs, ctx, 'input', ctx.opset < 12 ? FLOAT : ELEMENTWISE, ctx.opset < 11 ? 1 : 3);
    for (const [i, name] of [
      [1, 'min'],
      [2, 'max'],
    ] as const) {
      const b = inputs[i];
      if (b) checkSameType(ctx, ['input', name], x.type, b.type);
    }
    return [{ type: x.type, shape: x.shape }];
  },
  run(inputs, ctx) {
    const x = firstInput(inputs, ctx, 'input', ctx.opset < 12 ? FLOAT : ELEMENTWISE, ctx.opset < 11 ? 1 : 3);
    if (x.type === 'int64') {
      const lo = (boundOf(inputs[1], 'min', x, ctx) as bigint | undefined) ?? INT64_LIMITS[0];
      const hi = (boundOf(inputs[2], 'max', x, ctx) as bigint | undefined) ?? INT64_LIMITS[1];
      return [
        mapBigInts(x, ctx, (v) => {
          const y = v < lo ? lo : v;
          return y > hi ? hi : y;
        }),
      ];
    }
    const [lowest, largest] = LIMITS[x.type];
    let lo: number;
    let hi: number;
    if (ctx.opset < 11) {
      lo = attr.float(ctx.node, 'min', lowest);
      hi = attr.float(ctx.node, 'max', largest);
    } else {
      lo = (boundOf(inputs[1], 'min', x, ctx) as number | undefined) ?? lowest;
      hi = (boundOf(inputs[2], 'max', x, ctx) as number | undefined) ?? largest;
    }
    return [mapNumbers(x, ctx, clip(lo, hi))];
  },
};
