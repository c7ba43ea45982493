/**
 * Latency statistics of a few timed runs.
 */

/** Quantile `q` in [0, 1] of ascending `sorted` values, interpolating linearly between ranks (numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

/** Median, p10 and p90 of run times in milliseconds. */
export interface LatencyStats {
  runs: number;
  medianMs: number;
  p10Ms: number;
  p90Ms: number;
}

export function latencyStats(times: readonly number[]): LatencyStats {
  const sorted = [...times].sort((x, y) => x - y);
  return {
    runs: sorted.length,
    medianMs: quantile(sorted, 0.5),
    p10Ms: quantile(sorted, 0.1),
    p90Ms: quantile(sorted, 0.9),
  };
}
