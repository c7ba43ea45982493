/**
 * Indirection buffers of a 2-D window over an NHWC input, computed with plain loops (this runs at
 * session creation for every pixel and tap: no closures per element).
 */
import type { Window2 } from './window.js';

/** Where the window reads: the input's address, dims and channel offset, and the zero row. */
export interface WindowSource {
  address: number;
  images: number;
  channels: number;
  channelOffset: number;
  zeroRow: number;
}

/** Address of every (output pixel, tap), pixel-major: `taps` per pixel; padded taps read the zero row. */
export function windowPointers(w: Window2, s: WindowSource): Int32Array {
  const [OH, OW] = w.output;
  const [H, W] = w.input;
  const [KH, KW] = w.kernel;
  const taps = KH * KW;
  const out = new Int32Array(s.images * OH * OW * taps);
  const pixelBytes = s.channels * 4;
  let o = 0;
  for (let n = 0; n < s.images; n++) {
    const image = s.address + (n * H * W * s.channels + s.channelOffset) * 4;
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        for (let ky = 0; ky < KH; ky++) {
          const y = oy * w.strides[0] - w.padBegin[0] + ky * w.dilations[0];
          for (let kx = 0; kx < KW; kx++) {
            const x = ox * w.strides[1] - w.padBegin[1] + kx * w.dilations[1];
            out[o++] = y >= 0 && y < H && x >= 0 && x < W ? image + (y * W + x) * pixelBytes : s.zeroRow;
          }
        }
      }
    }
  }
  return out;
}

/** The same pointers regrouped for the igemm kernel: per tile of `mr` pixels, per tap, `mr` pointers. */
export function tilePointers(perPixel: Int32Array, pixels: number, taps: number, mr: number): Int32Array {
  const tiles = Math.ceil(pixels / mr);
  const out = new Int32Array(tiles * taps * mr);
  for (let t = 0; t < tiles; t++) {
    for (let r = 0; r < mr; r++) {
      const p = Math.min(t * mr + r, pixels - 1);
      for (let tap = 0; tap < taps; tap++) out[(t * taps + tap) * mr + r] = perPixel[p * taps + tap];
    }
  }
  return out;
}
