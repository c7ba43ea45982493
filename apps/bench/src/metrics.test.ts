import { InputError } from '@lastmile/core';
import { describe, expect, it } from 'vitest';
import { formatRatio, gflops, timeRatio } from './metrics.js';

describe('derived measures', () => {
  it('computes GFLOP/s as 2 x MACs per time', () => {
    // ResNet-18: 1.814 GMACs in 40 ms = 90.7 GFLOP/s
    expect(gflops(1.814e9, 40)).toBeCloseTo(90.7, 10);
    expect(gflops(1e6, 1)).toBe(2);
    expect(gflops(0, 5)).toBe(0);
    expect(() => gflops(1e6, 0)).toThrow(InputError);
  });

  it('divides our time by the peer time', () => {
    expect(timeRatio(400, 40)).toBe(10);
    expect(timeRatio(20, 40)).toBe(0.5);
    expect(() => timeRatio(0, 1)).toThrow(InputError);
    expect(() => timeRatio(1, Number.NaN)).toThrow(InputError);
  });

  it('writes ratios as slower or faster factors', () => {
    expect(formatRatio(10)).toBe('10.0x slower');
    expect(formatRatio(0.5)).toBe('2.00x faster');
    expect(formatRatio(129.4)).toBe('129x slower');
    expect(formatRatio(1.001)).toBe('same');
  });
});
