import { Tensor } from '@lastmile/core';
import { describe, expect, it } from 'vitest';
import { createImage } from './image.js';
import { affineOf, chwToHwc, hwcToChw, imageToTensor, imagesToTensor } from './layout.js';

describe('normalize and layout', () => {
  // 2x1 RGB: (255, 0, 51), (102, 204, 0).
  const image = createImage(2, 1, 'rgb', Uint8Array.of(255, 0, 51, 102, 204, 0));

  it('normalizes (x * scale - mean) / std per channel into NCHW', () => {
    const t = imageToTensor(image, { mean: [0.5, 0, 0.2], std: [0.5, 1, 0.2] });
    expect(t.dims).toEqual([1, 3, 1, 2]);
    const expected = [(1 - 0.5) / 0.5, (0.4 - 0.5) / 0.5, 0, 0.8, (0.2 - 0.2) / 0.2, (0 - 0.2) / 0.2];
    [...t.data].forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
  });

  it('converts to the model color order first, and lays out NHWC on request', () => {
    const t = imageToTensor(image, { mean: [0], std: [1], scale: 1, order: 'bgr' }, 'NHWC');
    expect(t.dims).toEqual([1, 1, 2, 3]);
    expect([...t.data]).toEqual([51, 0, 255, 0, 204, 102]);
  });

  it('pads a batch on the right and around with the fill value', () => {
    const a = createImage(1, 1, 'gray', Uint8Array.of(10));
    const b = createImage(2, 1, 'gray', Uint8Array.of(20, 30));
    const t = imagesToTensor([a, b], { alpha: [1], beta: [0], fill: [-1] }, { border: [1, 0, 0, 1] });
    expect(t.dims).toEqual([2, 1, 2, 3]);
    expect([...t.data]).toEqual([-1, -1, -1, 10, -1, -1, -1, -1, -1, 20, 30, -1]);
    expect(() => imagesToTensor([a, createImage(1, 2, 'gray')], affineOf({ mean: [0], std: [1] }, 1))).toThrow(
      expect.objectContaining({ code: 'LM_INPUT' }),
    );
  });

  it('refuses a zero std and a mean of the wrong length', () => {
    expect(() => affineOf({ mean: [0], std: [0] }, 3)).toThrow(expect.objectContaining({ code: 'LM_INPUT' }));
    expect(() => affineOf({ mean: [0, 0], std: [1] }, 3)).toThrow(expect.objectContaining({ code: 'LM_INPUT' }));
  });

  it('transposes HWC <-> CHW', () => {
    const hwc = new Tensor(
      'float32',
      Float32Array.from({ length: 24 }, (_, i) => i),
      [2, 3, 4],
    );
    const chw = hwcToChw(hwc);
    expect(chw.dims).toEqual([4, 2, 3]);
    // (c, h, w) = (1, 1, 2) is hwc (1, 2, 1) = (1 * 3 + 2) * 4 + 1 = 21.
    expect(chw.data[(1 * 2 + 1) * 3 + 2]).toBe(21);
    expect(chwToHwc(chw)).toEqual(hwc);
  });
});
