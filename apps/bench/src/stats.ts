/**
 * Sample statistics of run times: percentiles by linear interpolation between order statistics (numpy's
 * default), so p10/p90 of a 20-run sample are not just its 2nd and 18th values rounded.
 */
import { InputError } from '@lastmile/core';

/** What a cell's timed runs come to, in milliseconds. */
export interface Summary {
  runs: number;
  median: number;
  p10: number;
  p90: number;
  min: number;
  max: number;
  mean: number;
}

function sortedCopy(samples: readonly number[], what: string): number[] {
  if (samples.length === 0)
    throw new InputError(`${what} of an empty sample`, { expected: 'at least one value', got: 0 });
  const bad = samples.find((v) => !Number.isFinite(v));
  if (bad !== undefined)
    throw new InputError(`${what}: the sample holds ${bad}`, { expected: 'finite numbers', got: bad });
  return [...samples].sort((a, b) => a - b);
}

function percentileOfSorted(sorted: readonly number[], p: number): number {
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

/** The p-th percentile (0..100) of `samples`. */
export function percentile(samples: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100))
    throw new InputError(`percentile must be within 0..100, got ${p}`, { expected: '0..100', got: p });
  return percentileOfSorted(sortedCopy(samples, 'percentile'), p);
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = sortedCopy(samples, 'summary');
  return {
    runs: sorted.length,
    median: percentileOfSorted(sorted, 50),
    p10: percentileOfSorted(sorted, 10),
    p90: percentileOfSorted(sorted, 90),
    min: sorted[0],
    max: sorted[sorted.length - 1],
    mean: sorted.reduce((s, v) => s + v, 0) / sorted.length,
  };
}

/**
 * True once the last `window` times agree with the `window` before them: their medians differ by at most
 * `tolerance` (relative). Warm-up continues until this holds (JIT and wasm tier-up settle).
 */
export function isSteady(times: readonly number[], window = 5, tolerance = 0.05): boolean {
  if (times.length < 2 * window) return false;
  const recent = median(times.slice(-window));
  const before = median(times.slice(-2 * window, -window));
  return Math.abs(recent - before) <= tolerance * before;
}
