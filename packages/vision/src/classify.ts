/**
 * Classification read-outs: a numerically stable softmax and top-k.
 */
import { InputError } from '@lastmile/core';

/** softmax(v)_i = exp(v_i - max v) / sum_j exp(v_j - max v). */
export function softmax(values: ArrayLike<number>): Float32Array {
  if (values.length === 0) throw new InputError('softmax of an empty vector', { got: 0 });
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) max = Math.max(max, values[i]);
  const out = new Float32Array(values.length);
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += out[i] = Math.exp(values[i] - max);
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

/** A ranked entry of {@link topK}. */
export interface Ranked {
  index: number;
  value: number;
}

/** The `k` largest values with their indices, largest first; ties keep the lower index first. */
export function topK(values: ArrayLike<number>, k: number): Ranked[] {
  if (!Number.isInteger(k) || k < 0)
    throw new InputError(`top-k needs a non-negative integer k, got ${k}`, { expected: 'k >= 0', got: k });
  const ranked = Array.from({ length: values.length }, (_, index) => ({ index, value: values[index] }));
  ranked.sort((p, q) => q.value - p.value || p.index - q.index);
  return ranked.slice(0, k);
}
