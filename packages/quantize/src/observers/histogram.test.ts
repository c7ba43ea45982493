import { SeededRandom } from '@lastmile/core';
import { describe, expect, it } from 'vitest';
import { Histogram } from './histogram.js';

/** Counts `values` naively into the histogram's final bins. */
function recount(h: Histogram, values: number[]): Float64Array {
  const counts = new Float64Array(h.bins);
  for (const v of values) counts[Math.min(h.bins - 1, Math.max(0, Math.floor((v - h.lo) / h.width)))]++;
  return counts;
}

describe('Histogram', () => {
  it('grows with the values without splitting a bin: the counts are those of the final bins', () => {
    const r = new SeededRandom(1);
    const h = new Histogram(64);
    const all: number[] = [];
    for (const [lo, hi] of [
      [0, 1],
      [-0.5, 0.7],
      [2, 9],
      [-40, -3],
      [0.1, 0.2],
    ]) {
      const batch = Array.from(r.floatTensor([50], lo, hi).data);
      all.push(...batch);
      h.add(batch);
    }
    expect(h.total).toBe(all.length);
    expect(h.lo).toBeLessThanOrEqual(Math.min(...all));
    expect(h.edge(h.bins)).toBeGreaterThanOrEqual(Math.max(...all));
    expect([...h.counts]).toEqual([...recount(h, all)]);
  });

  it('gives quantiles within one bin of the sorted values', () => {
    const values = Array.from(new SeededRandom(2).floatTensor([5000], -3, 5).data);
    const h = new Histogram(256);
    for (let i = 0; i < values.length; i += 500) h.add(values.slice(i, i + 500));
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0.001, 0.25, 0.5, 0.9, 0.999])
      expect(Math.abs(h.quantile(q) - sorted[Math.floor(q * (sorted.length - 1))])).toBeLessThan(h.width);
  });

  it('keeps a fixed lower edge, and gives one repeated value bins of a positive width', () => {
    const h = new Histogram(16, 0);
    h.add([3, 3, 3]);
    expect(h.lo).toBe(0);
    h.add([7]);
    expect(h.lo).toBe(0);
    expect(h.counts.reduce((a, b) => a + b)).toBe(4);
    const one = new Histogram(8);
    one.add([2.5, 2.5]);
    expect(one.width).toBeGreaterThan(0);
    expect(one.quantile(0.5)).toBeCloseTo(2.5, 5);
  });
});
