import { Tensor } from '@lastmile/core';
import { describe, expect, it } from 'vitest';
import type { Point } from '../perspective.js';
import { boxScoreFast, dbBoxes, miniBox, unclip } from './db-postprocess.js';
import { convexHull, minAreaRect, polygonArea, polygonLength } from './polygon.js';
import { regionOutlines } from './regions.js';

describe('polygon geometry', () => {
  it('convex hull drops inner points', () => {
    const hull = convexHull([
      [0, 0],
      [4, 0],
      [2, 1],
      [4, 3],
      [0, 3],
      [1, 1],
    ]);
    expect(hull).toHaveLength(4);
    expect(polygonArea(hull)).toBe(12);
    expect(polygonLength(hull)).toBe(14);
  });

  it('min-area rectangle of a rotated rectangle is that rectangle', () => {
    // A 10 x 2 rectangle turned by 30 degrees.
    const c = Math.cos(Math.PI / 6);
    const s = Math.sin(Math.PI / 6);
    const corners: Point[] = [
      [0, 0],
      [10, 0],
      [10, 2],
      [0, 2],
    ].map(([x, y]) => [x * c - y * s, x * s + y * c]);
    const rect = minAreaRect([...corners, [5 * c - s, 5 * s + c]]);
    expect(Math.max(rect.width, rect.height)).toBeCloseTo(10, 9);
    expect(Math.min(rect.width, rect.height)).toBeCloseTo(2, 9);
  });

  it('get_mini_boxes orders corners top-left, top-right, bottom-right, bottom-left', () => {
    const { quad, side } = miniBox([
      [5, 9],
      [1, 2],
      [5, 2],
      [1, 9],
    ]);
    expect(quad.map((p) => p.map((v) => Math.round(v)))).toEqual([
      [1, 2],
      [5, 2],
      [5, 9],
      [1, 9],
    ]);
    expect(side).toBeCloseTo(4, 9);
  });
});

describe('DB post-processing', () => {
  it('regions are 8-connected components, given by their row extremes', () => {
    // Two diagonal pixels are one region; a separate pixel is another.
    const mask = Uint8Array.of(1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0);
    expect(regionOutlines(mask, 4, 3)).toEqual([
      [
        [0, 0],
        [1, 1],
      ],
      [[3, 1]],
    ]);
  });

  it('unclip grows a rectangle by area * ratio / perimeter on each side (round joins)', () => {
    const rect: Point[] = [
      [10, 10],
      [50, 10],
      [50, 20],
      [10, 20],
    ];
    // distance = 400 * 1.5 / 100 = 6
    const grown = miniBox(unclip(rect, 1.5));
    const xs = grown.quad.map((p) => p[0]);
    const ys = grown.quad.map((p) => p[1]);
    expect([Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)]).toEqual([4, 56, 4, 26]);
  });

  it('box score is the mean probability inside the box', () => {
    const map = new Float32Array(25).fill(0.2);
    for (let y = 1; y <= 3; y++) for (let x = 1; x <= 3; x++) map[y * 5 + x] = 0.8;
    expect(
      boxScoreFast(map, 5, 5, [
        [1, 1],
        [3, 1],
        [3, 3],
        [1, 3],
      ]),
    ).toBeCloseTo(0.8, 6);
    expect(
      boxScoreFast(map, 5, 5, [
        [0, 0],
        [4, 0],
        [4, 4],
        [0, 4],
      ]),
    ).toBeCloseTo((9 * 0.8 + 16 * 0.2) / 25, 6);
  });

  it('finds two text boxes on a synthetic map, grown and scaled to the source image', () => {
    const [w, h] = [64, 32];
    const map = new Float32Array(w * h);
    const fill = (x0: number, y0: number, x1: number, y1: number, v: number) => {
      for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) map[y * w + x] = v;
    };
    fill(4, 4, 43, 11, 0.9); // 40 x 8 pixels
    fill(10, 20, 29, 25, 0.7); // 20 x 6 pixels
    fill(50, 20, 51, 21, 0.9); // too small: short side 1 < 3
    fill(40, 20, 48, 28, 0.4); // above the threshold but its mean is under box_thresh
    const boxes = dbBoxes(new Tensor('float32', map, [1, 1, h, w]), 128, 64);
    expect(boxes).toHaveLength(2);
    // First box: corners (4, 4)-(43, 11), distance = 39 * 7 * 1.5 / 92; grown by 4.45 -> (0, 0)-(47, 15) after rounding, then x2 scale.
    const d = (39 * 7 * 1.5) / 92;
    const [tl, , br] = boxes[0].quad;
    expect(tl[0]).toBeCloseTo(Math.max(0, Math.round((4 - d) * 2)), -0.5);
    expect(br[0]).toBeCloseTo(Math.round((43 + d) * 2), -0.5);
    expect(br[1]).toBeCloseTo(Math.round((11 + d) * 2), -0.5);
    expect(boxes[0].score).toBeCloseTo(0.9, 6);
    expect(boxes[1].score).toBeCloseTo(0.7, 6);
  });

  it('refuses a map of the wrong shape', () => {
    expect(() => dbBoxes(new Tensor('float32', new Float32Array(8), [2, 1, 2, 2]), 10, 10)).toThrow(
      expect.objectContaining({ code: 'LM_SHAPE' }),
    );
  });
});
