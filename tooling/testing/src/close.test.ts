import { Tensor } from '@lastmile/core';
import { describe, expect, it } from 'vitest';
import { expectClose } from './close.js';

const f32 = (values: number[]) => new Tensor('float32', values);

describe('expectClose', () => {
  it('passes within atol + rtol * |want|, NaN where NaN and equal infinities', () => {
    expectClose(
      f32([1.5, Number.NaN, Number.POSITIVE_INFINITY, -0]),
      f32([1, Number.NaN, Number.POSITIVE_INFINITY, 0]),
      0.25,
      0.25,
      'x',
    );
  });

  it('names the worst element past the tolerance', () => {
    expect(() => expectClose(f32([1.1, 5, 2]), f32([1, 1, 1]), 0, 0.5, 'x')).toThrow(
      'x: element 1 is 5, expected 1 (rtol 0, atol 0.5)',
    );
  });

  it('fails on NaN against a number, either way round, and on mismatched infinities', () => {
    expect(() => expectClose(f32([Number.NaN]), f32([1]), 1, 1, 'x')).toThrow('element 0 is NaN');
    expect(() => expectClose(f32([1]), f32([Number.NaN]), 1, 1, 'x')).toThrow('expected NaN');
    expect(() => expectClose(f32([Number.NEGATIVE_INFINITY]), f32([Number.POSITIVE_INFINITY]), 1, 1, 'x')).toThrow(
      'element 0 is -Infinity',
    );
    expect(() => expectClose(f32([3e38]), f32([Number.POSITIVE_INFINITY]), 1, 1, 'x')).toThrow('expected Infinity');
  });

  it('fails on different dims', () => {
    expect(() => expectClose(f32([1, 2]), new Tensor('float32', [1, 2], [1, 2]), 0, 0, 'x')).toThrow('x dims');
  });
});
