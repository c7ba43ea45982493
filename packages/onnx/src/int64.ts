/**
 * int64 conversions. protobufjs reads int64 fields as Long objects (or plain numbers when the `long`
 * package is absent); the IR holds numbers, so every conversion says what happens outside 2^53.
 */
import type { Long } from 'protobufjs';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A protobuf int64 value (Long, or number when protobufjs runs without `long`) as an exact bigint. */
export function longToBigInt(value: Long | number | null | undefined): bigint {
  if (value === null || value === undefined) return 0n;
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  const big = (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
  return value.unsigned ? big : BigInt.asIntN(64, big);
}

/** The nearest number: exact up to 2^53, rounded beyond (INT64_MAX, the usual "to the end" value, becomes 2^63). */
export function longToNumber(value: Long | number | null | undefined): number {
  return Number(longToBigInt(value));
}

/** The value as a number if it is a safe integer, else undefined (for sizes, dims and offsets, which must be exact). */
export function longToSafeInteger(value: Long | number | null | undefined): number | undefined {
  const n = longToNumber(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A bigint as a Long for the writer, clamped to the int64 range. */
export function bigIntToLong(value: bigint): Long {
  const v = value > INT64_MAX ? INT64_MAX : value < INT64_MIN ? INT64_MIN : value;
  const bits = BigInt.asUintN(64, v);
  return { low: Number(bits & 0xffffffffn) | 0, high: Number(bits >> 32n) | 0, unsigned: false };
}

/** A number as a Long, truncated toward zero and clamped (2^63 written back is INT64_MAX again). */
export function numberToLong(value: number): Long {
  if (Number.isNaN(value)) return bigIntToLong(0n);
  if (value >= 2 ** 63) return bigIntToLong(INT64_MAX);
  if (value <= -(2 ** 63)) return bigIntToLong(INT64_MIN);
  return bigIntToLong(BigInt(Math.trunc(value)));
}
