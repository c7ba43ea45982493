import { minMaxQuantization, SeededRandom } from '@lastmile/core';
import { describe, expect, it } from 'vitest';
import { observerFor } from './observers.js';

/** Standard normal values (Box-Muller from the seeded generator), with `outliers` at +-50 appended. */
function normal(n: number, seed: number, outliers = 0): Float32Array {
  const u = new SeededRandom(seed).floatTensor([2 * n], 1e-7, 1).data as Float32Array;
  const out = new Float32Array(n + outliers);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(u[2 * i])) * Math.cos(2 * Math.PI * u[2 * i + 1]);
  for (let i = 0; i < outliers; i++) out[n + i] = i % 2 === 0 ? 50 : -50;
  return out;
}

/** Squared error of fake-quantizing `values` to int8 over `range`, straight from the values. */
function fakeQuantError(values: Float32Array, range: { min: number; max: number }): number {
  const { scale, zeroPoint } = minMaxQuantization(range.min, range.max, 'int8');
  let error = 0;
  for (const x of values) {
    const q = Math.min(127, Math.max(-128, Math.round(x / scale[0]) + zeroPoint[0]));
    error += ((q - zeroPoint[0]) * scale[0] - x) ** 2;
  }
  return error;
}

/** Feeds `values` to a fresh observer of `method` in batches of 1000; its range. */
function rangeOf(method: Parameters<typeof observerFor>[0], values: Float32Array, options = {}) {
  const observer = observerFor(method, options)();
  for (let i = 0; i < values.length; i += 1000) observer.observe(values.subarray(i, i + 1000));
  return observer.range();
}

describe('observers', () => {
  const data = normal(20_000, 3, 6);

  it('minmax takes the extremes; moving-average averages per-batch extremes with its constant', () => {
    expect(rangeOf('minmax', data)).toEqual({ min: -50, max: 50 });
    const batches = [new Float32Array([-1, 2]), new Float32Array([-3, 1]), new Float32Array([0, 5])];
    const observer = observerFor('moving-average', { averagingConstant: 0.5 })();
    for (const b of batches) observer.observe(b);
    // (-1, 2) -> (-2, 1.5) -> (-1, 3.25)
    expect(observer.range()).toEqual({ min: -1, max: 3.25 });
  });

  it('percentile clips the outliers at the quantiles of the values', () => {
    const { min, max } = rangeOf('percentile', data, { percentile: 99.9 });
    const sorted = [...data].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.round(q * (sorted.length - 1))];
    // Within a bin of the growing histogram (its width is under 100 / 2048 here).
    expect(Math.abs(min - at(0.001))).toBeLessThan(0.05);
    expect(Math.abs(max - at(0.999))).toBeLessThan(0.05);
  });

  it("entropy clips a normal distribution's outliers (TensorRT's threshold lies a few sigma out)", () => {
    const { min, max } = rangeOf('entropy', data);
    expect(max).toBeGreaterThan(2);
    expect(max).toBeLessThan(10);
    expect(min).toBe(-max);
    // Values never negative get the range [0, threshold].
    const relu = data.map((v) => Math.max(0, v));
    expect(rangeOf('entropy', relu).min).toBe(0);
  });

  it('entropy keeps the whole range of a uniform distribution', () => {
    const uniform = new SeededRandom(4).floatTensor([20_000], -1, 1).data as Float32Array;
    expect(rangeOf('entropy', uniform).max).toBeGreaterThan(0.9);
  });

  it('mse finds a range whose quantization error is below the extremes and the percentile ranges', () => {
    const mse = rangeOf('mse', data);
    const error = fakeQuantError(data, mse);
    expect(error).toBeLessThan(fakeQuantError(data, rangeOf('minmax', data)));
    expect(error).toBeLessThan(fakeQuantError(data, { min: -4, max: 4 }) * 1.05);
    expect(mse.max).toBeLessThan(50);
  });
});
