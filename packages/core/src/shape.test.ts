import { describe, expect, it } from 'vitest';
import { ShapeError } from './errors.js';
import { broadcastShapes, normalizeAxis, sizeOf } from './shape.js';

describe('shape', () => {
  it('multiplies dims with overflow checks', () => {
    expect(sizeOf([2, 3, 4])).toBe(24);
    expect(sizeOf([])).toBe(1);
    expect(() => sizeOf([2 ** 62, 4])).toThrow(ShapeError);
    expect(() => sizeOf([-1, 3])).toThrow(ShapeError);
  });
  it('broadcasts numpy-style', () => {
    expect(broadcastShapes([2, 1, 4], [3, 1])).toEqual([2, 3, 4]);
    expect(() => broadcastShapes([2, 3], [4])).toThrow(ShapeError);
  });
  it('normalizes negative axes', () => {
    expect(normalizeAxis(-1, 4)).toBe(3);
    expect(() => normalizeAxis(4, 4)).toThrow(ShapeError);
  });
});
