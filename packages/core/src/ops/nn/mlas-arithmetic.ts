/**
 * The float32 arithmetic of onnxruntime's x64 kernels (MLAS), which the quantized contrib ops need to give
 * its integers: a correctly rounded fused multiply-add, cvtps2dq with its saturation, and the logistic
 * function of its AVX2/FMA3 kernel (LogisticKernelFma3.S, constants of logistic.cpp).
 */
import { roundHalfEven } from './quantize.js';

const f = Math.fround;
const bits = new Float64Array(1);
const word = new BigInt64Array(bits.buffer);

/**
 * fma(a, b, c) for float32 a, b, c, rounded once to float32: the product is exact in float64, the sum is
 * rounded to odd there (TwoSum's error says which way), and float64 holds enough bits beyond float32's
 * for that one rounding to float32 to be the correct one.
 */
export function fmaf(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  if (!Number.isFinite(s)) return f(s);
  const v = s - p;
  const error = p - (s - v) + (c - v);
  if (error === 0) return f(s);
  bits[0] = s;
  if ((word[0] & 1n) === 0n) word[0] += error > 0 === s > 0 ? 1n : -1n;
  return f(bits[0]);
}

/** cvtps2dq then saturating packs: half to even; NaN and overflow give INT32_MIN, so the low end. */
export function saturate(v: number, [lo, hi]: readonly [number, number]): number {
  if (!(Math.abs(v) < 2 ** 31)) return lo;
  return Math.min(hi, Math.max(lo, roundHalfEven(v)));
}

const [A9, A7, A5, A3, A1] = [
  4.37031012579801e-11, 1.15627324459942e-7, 6.08574864600143e-5, 8.51377133304701e-3, 2.48287947061529e-1,
].map(f);
const [B10, B8, B6, B4, B2, B0] = [
  6.10247389755681e-13, 5.76102136993427e-9, 6.2910678501704e-6, 1.70198817374094e-3, 1.16817656904453e-1,
  9.9315192102318e-1,
].map(f);

/**
 * MLAS's logistic on a CPU with AVX2 and FMA: x clamped to [-18, 18], a rational polynomial in x^2 by
 * fused multiply-adds, plus one half, clamped below at 0 (not above: near 18 it gives 1 + 2^-23).
 */
export function logisticFma3(input: number): number {
  const x = input < -18 ? -18 : input > 18 ? 18 : input;
  const x2 = f(x * x);
  let p = fmaf(x2, A9, A7);
  for (const a of [A5, A3, A1]) p = fmaf(x2, p, a);
  let q = fmaf(x2, B10, B8);
  for (const b of [B6, B4, B2, B0]) q = fmaf(x2, q, b);
  const r = f(f(f(x * p) / q) + 0.5);
  return r < 0 ? 0 : r;
}
