/**
 * Indirection buffers, built once at compile time with absolute addresses into the arena: the igemm
 * kernel reads MR row pointers per tile and tap, the depthwise and pooling kernels `taps` per pixel.
 */

/** Pointers for the igemm kernel: per tile of `mr` rows, per tap, `mr` row addresses (missing rows repeat the last). */
export function gemmIndirection(
  rows: number,
  taps: number,
  mr: number,
  pointer: (row: number, tap: number) => number,
): Int32Array {
  const tiles = Math.ceil(rows / mr);
  const out = new Int32Array(tiles * taps * mr);
  for (let t = 0; t < tiles; t++) {
    for (let tap = 0; tap < taps; tap++) {
      for (let r = 0; r < mr; r++) out[(t * taps + tap) * mr + r] = pointer(Math.min(t * mr + r, rows - 1), tap);
    }
  }
  return out;
}

/** Pointers per pixel: `taps` addresses for each of `pixels`. */
export function pixelIndirection(
  pixels: number,
  taps: number,
  pointer: (pixel: number, tap: number) => number,
): Int32Array {
  const out = new Int32Array(pixels * taps);
  for (let p = 0; p < pixels; p++) for (let tap = 0; tap < taps; tap++) out[p * taps + tap] = pointer(p, tap);
  return out;
}
