import { InputError } from '@lastmile/core';
import { describe, expect, it } from 'vitest';
import { isSteady, median, percentile, summarize } from './stats.js';

describe('statistics of run times', () => {
  it('takes the median of odd and even samples, in any order', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('interpolates percentiles between order statistics (numpy default)', () => {
    const xs = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    // rank = p/100 * (n - 1): p10 -> 0.9 -> 10 + 0.9 * 10
    expect(percentile(xs, 10)).toBeCloseTo(19, 10);
    expect(percentile(xs, 90)).toBeCloseTo(91, 10);
    expect(percentile(xs, 0)).toBe(10);
    expect(percentile(xs, 100)).toBe(100);
    expect(percentile([3, 1, 2], 25)).toBe(1.5);
  });

  it('summarizes a sample without reordering it', () => {
    const xs = [12, 10, 11, 30, 10];
    const s = summarize(xs);
    // sorted 10 10 11 12 30: p90 at rank 3.6 = 12 + 0.6 * 18
    expect(s).toMatchObject({ runs: 5, median: 11, p10: 10, min: 10, max: 30 });
    expect(s.p90).toBeCloseTo(22.8, 10);
    expect(s.mean).toBeCloseTo(14.6, 10);
    expect(xs).toEqual([12, 10, 11, 30, 10]);
  });

  it('refuses empty samples, non-finite values and percentiles outside 0..100', () => {
    expect(() => median([])).toThrow(InputError);
    expect(() => summarize([1, Number.NaN])).toThrow(/NaN/);
    expect(() => percentile([1], 101)).toThrow(InputError);
  });

  it('calls times steady once the last window agrees with the one before', () => {
    expect(isSteady([50, 40, 30, 20, 10, 10, 10, 10, 10, 10], 5)).toBe(false);
    expect(isSteady([10, 10.2, 9.9, 10, 10.1, 10, 10.3, 10, 9.8, 10.1], 5)).toBe(true);
    expect(isSteady([10, 10], 5)).toBe(false);
    expect(isSteady([4000, 4100], 1)).toBe(true);
  });
});
