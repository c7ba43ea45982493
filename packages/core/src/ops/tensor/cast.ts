/**
 * Cast between the supported element types.
 *
 * Conversions ONNX leaves undefined are pinned down here, and every backend must do the same
 * (bad-inputs row 42; a legal difference from onnxruntime, whose x86 build returns INT_MIN patterns):
 * - float -> integer truncates toward zero, saturates to the destination range, and maps NaN to 0
 *   (what WebAssembly's trunc_sat and NEON's FCVTZS do);
 * - integer -> narrower integer wraps (two's complement, as C++ static_cast);
 * - anything -> bool is `x != 0` (NaN is true); bool -> number is 0 or 1;
 * - -> float16 rounds to nearest even, overflowing to infinity.
 */
import { attr } from '../../ir/attributes.js';
import { floatToHalf, halfToFloat, Tensor, type TensorType } from '../../tensor.js';
import type { OpContext, OpDef } from '../op.js';
import { attributeError, checkInputCount, checkOutputSize, elements, required } from './util.js';

/** ONNX TensorProto.DataType codes of the supported types. */
export const ONNX_TYPE_CODES: Readonly<Record<number, TensorType>> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  6: 'int32',
  7: 'int64',
  9: 'bool',
  10: 'float16',
};

function targetType(ctx: OpContext): TensorType {
  const to = attr.int(ctx.node, 'to');
  const type = ONNX_TYPE_CODES[to];
  if (type === undefined) {
    throw attributeError(ctx, 'to', `names data type ${to}, which is not supported`, {
      expected: Object.values(ONNX_TYPE_CODES),
      got: to,
    });
  }
  return type;
}

const INT_RANGE: Partial<Record<TensorType, [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int32: [-(2 ** 31), 2 ** 31 - 1],
};

/** A float value converted to integer type `to`: truncate, saturate, NaN -> 0. */
function floatToInt(x: number, to: TensorType): number | bigint {
  if (Number.isNaN(x)) return to === 'int64' ? 0n : 0;
  const t = Math.trunc(x);
  if (to === 'int64') {
    if (t >= 2 ** 63) return 2n ** 63n - 1n;
    if (t < -(2 ** 63)) return -(2n ** 63n);
    return BigInt(t);
  }
  const [lo, hi] = INT_RANGE[to] as [number, number];
  return Math.min(Math.max(t, lo), hi);
}

const isFloat = (t: TensorType) => t === 'float32' || t === 'float16';

/** One element from type `from` to type `to`; values arrive as stored (float16 as bits, int64 as bigint). */
export function castElement(v: number | bigint, from: TensorType, to: TensorType): number | bigint {
  if (from === 'float16') return castElement(halfToFloat(v as number), 'float32', to);
  if (to === 'bool') return v !== 0 && v !== 0n ? 1 : 0;
  if (to === 'float16') return floatToHalf(Number(v));
  if (to === 'float32') return Number(v);
  if (isFloat(from)) return floatToInt(v as number, to);
  if (to === 'int64') return BigInt(v);
  // Integer narrowing wraps; the typed array's store wraps numbers, so only int64 needs reducing first.
  return typeof v === 'bigint' ? Number(BigInt.asIntN(32, v)) : v;
}

/** A tensor converted to `to` (the same tensor when the type already matches). */
export function castTensor(x: Tensor, to: TensorType): Tensor {
  if (x.type === to) return x;
  const out = Tensor.zeros(to, x.dims);
  const src = elements(x);
  const dst = elements(out);
  for (let i = 0; i < x.size; i++) dst[i] = castElement(src[i], x.type, to);
  return out;
}

export const castOp: OpDef = {
  opType: 'Cast',
  domain: '',
  sinceVersion: 6,
  infer(inputs, ctx) {
    checkInputCount(ctx, inputs, 1, 1);
    const x = required(ctx, inputs, 0, 'input');
    return [{ type: targetType(ctx), shape: x.shape }];
  },
  run(inputs, ctx) {
    checkInputCount(ctx, inputs, 1, 1);
    const x = required(ctx, inputs, 0, 'input');
    const to = targetType(ctx);
    checkOutputSize(ctx, x.dims, to);
    return [castTensor(x, to)];
  },
};
