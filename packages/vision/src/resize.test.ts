import { SeededRandom } from '@lastmile/core';
import { describe, expect, it } from 'vitest';
import { createImage, type Image } from './image.js';
import { axisTaps, resize, type Interpolation } from './resize.js';
import { toByte } from './rounding.js';

const row = (...values: number[]) => createImage(values.length, 1, 'gray', Uint8Array.from(values));
const values = (image: Image) => [...image.data];

describe('resize: values worked out by hand from OpenCV formulas', () => {
  it('bilinear (INTER_LINEAR): half-pixel centers, edges clamped, ties to even', () => {
    // 4 -> 2: sx = (dx + 0.5) * 2 - 0.5 = 0.5, 2.5: (0 + 100) / 2 = 50, (200 + 255) / 2 = 227.5 -> 228.
    expect(values(resize(row(0, 100, 200, 255), 2, 1))).toEqual([50, 228]);
    // 2 -> 4: sx = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to the last pixel).
    expect(values(resize(row(0, 100), 4, 1))).toEqual([0, 25, 75, 100]);
    // 3 -> 2: sx = 0.25, 1.75: 0.75 * 10 + 0.25 * 20 = 12.5 -> 12; 0.25 * 20 + 0.75 * 40 = 35.
    expect(values(resize(row(10, 20, 40), 2, 1))).toEqual([12, 35]);
  });

  it('area (INTER_AREA): covered fractions when shrinking, the area rule when growing', () => {
    expect(values(resize(row(0, 100, 200, 255), 2, 1, 'area'))).toEqual([50, 228]);
    // 3 -> 2, cell 1.5: (0 + 0.5 * 90) / 1.5 = 30; (0.5 * 90 + 180) / 1.5 = 150.
    expect(values(resize(row(0, 90, 180), 2, 1, 'area'))).toEqual([30, 150]);
    // 2 -> 4: sx = floor(dx / 2), fx = (dx + 1) - 2 (sx + 1) <= 0 -> 0: [0, 0, 100, 100].
    expect(values(resize(row(0, 100), 4, 1, 'area'))).toEqual([0, 0, 100, 100]);
    // 2x2 blocks of a 4x2 image average to one 2x1 row: (1 + 2 + 5 + 6) / 4 = 3.5 -> 4, (3 + 4 + 7 + 8) / 4 = 5.5 -> 6.
    expect(values(resize(createImage(4, 2, 'gray', Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)), 2, 1, 'area'))).toEqual([
      4, 6,
    ]);
  });

  it('nearest (INTER_NEAREST): floor(dx * src / dst), no half-pixel shift', () => {
    expect(values(resize(row(10, 20, 30), 5, 1, 'nearest'))).toEqual([10, 10, 20, 20, 30]);
    expect(values(resize(row(10, 20, 30, 40, 50), 2, 1, 'nearest'))).toEqual([10, 30]);
  });

  it('resizes channels independently', () => {
    const image = createImage(2, 1, 'rgb', Uint8Array.of(0, 10, 200, 100, 30, 0));
    expect(values(resize(image, 4, 1))).toEqual([0, 10, 200, 25, 15, 150, 75, 25, 50, 100, 30, 0]);
  });

  it('refuses a non-positive size', () => {
    expect(() => resize(row(1, 2), 0, 1)).toThrow(expect.objectContaining({ code: 'LM_INPUT' }));
  });
});

/** A direct, non-separable bilinear sampler written from OpenCV's formula, as an independent check. */
function bilinearDirect(image: Image, width: number, height: number): number[] {
  const out: number[] = [];
  const coord = (d: number, src: number, dst: number) => {
    const x = (d + 0.5) * (src / dst) - 0.5;
    let s = Math.floor(x);
    let f = x - s;
    if (s < 0) [s, f] = [0, 0];
    if (s >= src - 1) [s, f] = [src - 1, 0];
    return { s, t: Math.min(s + 1, src - 1), f };
  };
  const at = (x: number, y: number) => image.data[y * image.width + x];
  for (let y = 0; y < height; y++) {
    const cy = coord(y, image.height, height);
    for (let x = 0; x < width; x++) {
      const cx = coord(x, image.width, width);
      const v =
        (1 - cy.f) * ((1 - cx.f) * at(cx.s, cy.s) + cx.f * at(cx.t, cy.s)) +
        cy.f * ((1 - cx.f) * at(cx.s, cy.t) + cx.f * at(cx.t, cy.t));
      out.push(v);
    }
  }
  return out;
}

/** The mean of the source area each output pixel covers, by integrating pixel coverage directly. */
function areaDirect(image: Image, width: number, height: number): number[] {
  const sx = image.width / width;
  const sy = image.height / height;
  const overlap = (a0: number, a1: number, b0: number) => Math.max(0, Math.min(a1, b0 + 1) - Math.max(a0, b0));
  const out: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      let weight = 0;
      for (let v = 0; v < image.height; v++) {
        for (let u = 0; u < image.width; u++) {
          const w = overlap(x * sx, (x + 1) * sx, u) * overlap(y * sy, (y + 1) * sy, v);
          sum += w * image.data[v * image.width + u];
          weight += w;
        }
      }
      out.push(sum / weight);
    }
  }
  return out;
}

describe('resize against direct implementations (seeded random images and sizes)', () => {
  const random = new SeededRandom(7);
  const cases = Array.from({ length: 40 }, () => {
    const w = random.int(1, 12);
    const h = random.int(1, 12);
    const image = createImage(
      w,
      h,
      'gray',
      Uint8Array.from({ length: w * h }, () => random.int(0, 255)),
    );
    return { image, width: random.int(1, 16), height: random.int(1, 16) };
  });

  it('bilinear equals the direct sampler, rounded', () => {
    for (const { image, width, height } of cases) {
      const got = values(resize(image, width, height, 'bilinear'));
      bilinearDirect(image, width, height).forEach((v, i) =>
        expect(Math.abs(got[i] - v)).toBeLessThanOrEqual(0.5 + 1e-9),
      );
    }
  });

  it('area, when shrinking, equals the coverage-weighted mean, rounded', () => {
    for (const { image, width, height } of cases) {
      const w = Math.min(width, image.width);
      const h = Math.min(height, image.height);
      const got = values(resize(image, w, h, 'area'));
      areaDirect(image, w, h).forEach((v, i) => expect(Math.abs(got[i] - v)).toBeLessThanOrEqual(0.5 + 1e-6));
    }
  });
});

/** The formula read literally, one output value at a time: the spec the separable, packed resize is held to. */
function naiveResize(image: Image, width: number, height: number, interpolation: Interpolation): Image {
  const areaShrink = interpolation === 'area' && width <= image.width && height <= image.height;
  const xs = axisTaps(image.width, width, interpolation, areaShrink);
  const ys = axisTaps(image.height, height, interpolation, areaShrink);
  const c = image.order === 'gray' ? 1 : 3;
  const out = createImage(width, height, image.order);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let k = 0; k < c; k++) {
        let sum = 0;
        ys[y].index.forEach((sy, i) => {
          let h = 0;
          xs[x].index.forEach((sx, j) => {
            h += xs[x].weight[j] * image.data[(sy * image.width + sx) * c + k];
          });
          sum += ys[y].weight[i] * h;
        });
        out.data[(y * width + x) * c + k] = toByte(sum);
      }
    }
  }
  return out;
}

describe('resize: the fast path equals the formula read literally', () => {
  it('bit for bit, for every interpolation, gray and RGB, shrinking and growing (seeded)', () => {
    const rng = new SeededRandom(2026);
    for (let trial = 0; trial < 60; trial++) {
      const order = trial % 2 === 0 ? 'gray' : 'rgb';
      const [w, h] = [rng.int(1, 40), rng.int(1, 40)];
      const image = createImage(
        w,
        h,
        order,
        Uint8Array.from({ length: w * h * (order === 'gray' ? 1 : 3) }, () => rng.int(0, 255)),
      );
      const interpolation = (['bilinear', 'area', 'nearest'] as const)[trial % 3];
      const [dw, dh] = [rng.int(1, 50), rng.int(1, 50)];
      expect(
        values(resize(image, dw, dh, interpolation)),
        `${interpolation} ${order} ${w}x${h} -> ${dw}x${dh}`,
      ).toEqual(values(naiveResize(image, dw, dh, interpolation)));
    }
  });
});
