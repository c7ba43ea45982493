import { floatToHalf, Tensor } from '@lastmile/core';
import { describe, expect, it } from 'vitest';
import { compareTensors, toleranceFor } from './compare.js';

const f32 = (v: number[], dims = [v.length]) => new Tensor('float32', v, dims);

describe('compareTensors', () => {
  it('passes within atol + rtol * |expected| and reports the largest errors', () => {
    const c = compareTensors(f32([1.0005, 2]), f32([1, 2]), toleranceFor('float32'), 'y');
    expect(c.ok).toBe(true);
    expect(c.maxAbsError).toBeCloseTo(0.0005, 6);
    expect(c.maxRelError).toBeCloseTo(0.0005, 6);
  });
  it('fails naming the worst element by coordinates', () => {
    const c = compareTensors(f32([0, 0, 0, 5], [2, 2]), f32([0, 0, 0, 4], [2, 2]), toleranceFor('float32'), 'y');
    expect(c).toMatchObject({ ok: false, maxAbsError: 1, maxRelError: 0.25 });
    expect(c.message).toMatch(/^y\[1, 1\]: got 5, expected 4/);
  });
  it('requires NaN and infinities in the same positions', () => {
    expect(
      compareTensors(
        f32([Number.NaN, Number.POSITIVE_INFINITY]),
        f32([Number.NaN, Number.POSITIVE_INFINITY]),
        toleranceFor('float32'),
        'y',
      ).ok,
    ).toBe(true);
    expect(compareTensors(f32([0, Number.NaN]), f32([0, 1]), toleranceFor('float32'), 'y').message).toMatch(
      /\[1\]: got NaN, expected 1/,
    );
    expect(
      compareTensors(f32([Number.NEGATIVE_INFINITY]), f32([Number.POSITIVE_INFINITY]), toleranceFor('float32'), 'y').ok,
    ).toBe(false);
  });
  it('compares dtype and dims exactly, integers exactly, fp16 at 1e-2 and declared tolerances', () => {
    expect(compareTensors(f32([1, 2], [2, 1]), f32([1, 2], [1, 2]), toleranceFor('float32'), 'y').message).toMatch(
      /dims 2x1, expected 1x2/,
    );
    expect(compareTensors(new Tensor('int32', [1]), f32([1]), toleranceFor('float32'), 'y').message).toMatch(
      /dtype int32, expected float32/,
    );
    expect(
      compareTensors(
        new Tensor('int64', [2n ** 62n + 1n]),
        new Tensor('int64', [2n ** 62n]),
        toleranceFor('int64'),
        'y',
      ).ok,
    ).toBe(false);
    const half = (v: number) => new Tensor('float16', [floatToHalf(v)]);
    expect(compareTensors(half(1.005), half(1), toleranceFor('float16'), 'y').ok).toBe(true);
    expect(compareTensors(f32([1.01]), f32([1]), toleranceFor('float32', { rtol: 0.02 }), 'y').ok).toBe(true);
  });
  it('applies the fp16 tolerance to every float output of a run at precision fp16, declared ones only where looser', () => {
    expect(toleranceFor('float32', { atol: 1e-4 }, 'fp16')).toEqual({ rtol: 1e-2, atol: 1e-2 });
    expect(toleranceFor('float32', { rtol: 0.05 }, 'fp16')).toEqual({ rtol: 0.05, atol: 1e-2 });
    expect(toleranceFor('float16', undefined, 'fp16')).toEqual({ rtol: 1e-2, atol: 1e-2 });
    expect(toleranceFor('int32', undefined, 'fp16')).toEqual({ rtol: 0, atol: 0 });
    expect(toleranceFor('float32', undefined, 'fp32')).toEqual({ rtol: 1e-3, atol: 1e-5 });
    expect(compareTensors(f32([1.008]), f32([1]), toleranceFor('float32', undefined, 'fp16'), 'y').ok).toBe(true);
  });
});
