import { describe, expect, it } from 'vitest';
import { crop, letterbox, orient, rotate, type Orientation } from './geometry.js';
import { convertColor, createImage } from './image.js';
import { cropQuad, invertHomography, perspectiveTransform, warpPerspective, type Quad } from './perspective.js';

// 3 wide, 2 high:  1 2 3 / 4 5 6
const small = createImage(3, 2, 'gray', Uint8Array.of(1, 2, 3, 4, 5, 6));

describe('crop, rotate, letterbox, color order', () => {
  it('crops a rectangle and refuses one outside the image', () => {
    expect([...crop(small, { x: 1, y: 0, width: 2, height: 2 }).data]).toEqual([2, 3, 5, 6]);
    expect(() => crop(small, { x: 2, y: 0, width: 2, height: 1 })).toThrow(
      expect.objectContaining({ code: 'LM_INPUT' }),
    );
  });

  it('rotates clockwise by quarter turns', () => {
    const r90 = rotate(small, 90);
    expect([r90.width, r90.height, ...r90.data]).toEqual([2, 3, 4, 1, 5, 2, 6, 3]);
    expect([...rotate(small, 180).data]).toEqual([6, 5, 4, 3, 2, 1]);
    expect([...rotate(small, 270).data]).toEqual([3, 6, 2, 5, 1, 4]);
    expect(rotate(rotate(rotate(rotate(small, 90), 90), 90), 90)).toEqual(small);
  });

  it('turns by each EXIF orientation (Pillow exif_transpose order), and refuses others', () => {
    const expected: Record<Orientation, [number, number, number[]]> = {
      1: [3, 2, [1, 2, 3, 4, 5, 6]],
      2: [3, 2, [3, 2, 1, 6, 5, 4]],
      3: [3, 2, [6, 5, 4, 3, 2, 1]],
      4: [3, 2, [4, 5, 6, 1, 2, 3]],
      5: [2, 3, [1, 4, 2, 5, 3, 6]],
      6: [2, 3, [4, 1, 5, 2, 6, 3]],
      7: [2, 3, [6, 3, 5, 2, 4, 1]],
      8: [2, 3, [3, 6, 2, 5, 1, 4]],
    };
    for (const [o, [w, h, data]] of Object.entries(expected)) {
      const turned = orient(small, Number(o) as Orientation);
      expect([turned.width, turned.height, ...turned.data], `orientation ${o}`).toEqual([w, h, ...data]);
    }
    const rgb = createImage(2, 1, 'rgb', Uint8Array.of(1, 2, 3, 4, 5, 6));
    expect([...orient(rgb, 6).data]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...orient(rgb, 2).data]).toEqual([4, 5, 6, 1, 2, 3]);
    expect(() => orient(small, 9 as Orientation)).toThrow(expect.objectContaining({ code: 'LM_INPUT' }));
  });

  it('letterboxes keeping the aspect ratio, centered on the fill color', () => {
    const image = createImage(4, 2, 'gray', new Uint8Array(8).fill(9));
    const boxed = letterbox(image, 4, 4, { fill: 0 });
    expect({ scale: boxed.scale, padX: boxed.padX, padY: boxed.padY }).toEqual({ scale: 1, padX: 0, padY: 1 });
    expect([...boxed.image.data]).toEqual([0, 0, 0, 0, 9, 9, 9, 9, 9, 9, 9, 9, 0, 0, 0, 0]);
  });

  it('converts color order (BT.601 luma for gray)', () => {
    const rgb = createImage(1, 1, 'rgb', Uint8Array.of(255, 128, 0));
    expect([...convertColor(rgb, 'bgr').data]).toEqual([0, 128, 255]);
    // 0.299 * 255 + 0.587 * 128 = 151.38 -> 151.
    expect([...convertColor(rgb, 'gray').data]).toEqual([151]);
    expect([...convertColor(convertColor(rgb, 'bgr'), 'gray').data]).toEqual([151]);
  });
});

describe('perspective', () => {
  it('maps each source corner to its destination', () => {
    const from: Quad = [
      [10, 5],
      [50, 12],
      [47, 40],
      [8, 33],
    ];
    const to: Quad = [
      [0, 0],
      [40, 0],
      [40, 30],
      [0, 30],
    ];
    const m = perspectiveTransform(from, to);
    for (let i = 0; i < 4; i++) {
      const [x, y] = from[i];
      const w = m[6] * x + m[7] * y + m[8];
      expect((m[0] * x + m[1] * y + m[2]) / w).toBeCloseTo(to[i][0], 9);
      expect((m[3] * x + m[4] * y + m[5]) / w).toBeCloseTo(to[i][1], 9);
    }
    const inv = invertHomography(m);
    const product = [0, 1, 2].flatMap((r) =>
      [0, 1, 2].map((c) => [0, 1, 2].reduce((s, k) => s + m[r * 3 + k] * inv[k * 3 + c], 0)),
    );
    product.forEach((v, i) => expect(v).toBeCloseTo(i % 4 === 0 ? 1 : 0, 9));
  });

  it('refuses degenerate points', () => {
    expect(() =>
      perspectiveTransform(
        [
          [0, 0],
          [1, 1],
          [2, 2],
          [3, 3],
        ],
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 1],
        ],
      ),
    ).toThrow(expect.objectContaining({ code: 'LM_INPUT' }));
  });

  const gradient = createImage(
    8,
    6,
    'gray',
    Uint8Array.from({ length: 48 }, (_, i) => (i % 8) * 20 + Math.floor(i / 8) * 3),
  );

  it('an axis-aligned integer quad crops exactly like crop()', () => {
    const quad: Quad = [
      [2, 1],
      [6, 1],
      [6, 4],
      [2, 4],
    ];
    expect(cropQuad(gradient, quad)).toEqual(crop(gradient, { x: 2, y: 1, width: 4, height: 3 }));
  });

  it('samples bilinearly at half pixels and replicates the border', () => {
    // Shift by half a pixel right: each output is the mean of two neighbors; the last column replicates.
    const m = [1, 0, -0.5, 0, 1, 0, 0, 0, 1];
    const out = warpPerspective(gradient, m, 8, 1);
    // Row 0: 0, 20, ..., 140; x - ... source x = x + 0.5: (0 + 20) / 2 = 10, ..., last: (140 + 140) / 2.
    expect([...out.data]).toEqual([10, 30, 50, 70, 90, 110, 130, 140]);
  });

  it('turns tall crops a quarter counterclockwise (np.rot90), as PaddleOCR', () => {
    const quad: Quad = [
      [1, 0],
      [3, 0],
      [3, 6],
      [1, 6],
    ];
    const out = cropQuad(gradient, quad);
    expect([out.width, out.height]).toEqual([6, 2]);
    expect(out).toEqual(rotate(crop(gradient, { x: 1, y: 0, width: 2, height: 6 }), 270));
  });

  it('keeps color order', () => {
    const color = convertColor(gradient, 'bgr');
    expect(
      cropQuad(color, [
        [0, 0],
        [4, 0],
        [4, 2],
        [0, 2],
      ]).order,
    ).toBe('bgr');
  });
});
