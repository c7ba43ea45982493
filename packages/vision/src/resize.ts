/**
 * Resizing with the semantics of OpenCV's cv2.resize, computed in double precision and rounded half to
 * even (cvRound) to 8 bits:
 * - 'bilinear' (INTER_LINEAR): half-pixel centers, `sx = (dx + 0.5) * (src / dst) - 0.5`, taps
 *   floor(sx) and floor(sx) + 1 weighted by the fraction, indices clamped to the edge (replicate).
 *   OpenCV's 8-bit path uses 11-bit fixed-point weights, so its output may differ from ours by 1.
 * - 'area' (INTER_AREA): when shrinking on both axes, each output pixel is the mean of the source area
 *   it covers, partial pixels weighted by their covered fraction (OpenCV's computeResizeAreaTab);
 *   otherwise OpenCV's area-upscale rule: `sx = floor(dx * scale)`, `fx = (dx + 1) - (sx + 1) / scale`
 *   taken as 0 when <= 0 and modulo 1 otherwise, then bilinear taps as above.
 * - 'nearest' (INTER_NEAREST): `sx = min(floor(dx * src / dst), src - 1)`: no half-pixel shift.
 * PIL differs: its bilinear filter widens with the scale when shrinking (an antialiasing filter).
 */
import { ImageError } from './image-error.js';
import { channels, createImage, type Image } from './image.js';
import { toByte } from './rounding.js';

/** Interpolation of {@link resize}. */
export type Interpolation = 'bilinear' | 'area' | 'nearest';

/** Source taps of one output coordinate: indices and weights. */
interface Taps {
  index: number[];
  weight: number[];
}

/** The source taps of each of `dst` output coordinates along an axis of `src` pixels. */
export function axisTaps(src: number, dst: number, interpolation: Interpolation, areaShrink: boolean): Taps[] {
  // OpenCV computes the scale as 1 / (dst / src); the same rounding keeps floor() decisions identical.
  const scale = 1 / (dst / src);
  const taps: Taps[] = [];
  for (let d = 0; d < dst; d++) {
    if (interpolation === 'nearest') {
      taps.push({ index: [Math.min(Math.floor(d * scale), src - 1)], weight: [1] });
    } else if (interpolation === 'area' && areaShrink) {
      taps.push(areaTaps(d, scale, src));
    } else {
      let s: number;
      let f: number;
      if (interpolation === 'bilinear') {
        const x = (d + 0.5) * scale - 0.5;
        s = Math.floor(x);
        f = x - s;
      } else {
        s = Math.floor(d * scale);
        f = d + 1 - (s + 1) / scale;
        f = f <= 0 ? 0 : f - Math.floor(f);
      }
      if (s < 0) [s, f] = [0, 0];
      if (s >= src - 1) [s, f] = [src - 1, 0];
      taps.push(f === 0 ? { index: [s], weight: [1] } : { index: [s, s + 1], weight: [1 - f, f] });
    }
  }
  return taps;
}

function areaTaps(d: number, scale: number, src: number): Taps {
  const start = d * scale;
  const end = start + scale;
  const cell = Math.min(scale, src - start);
  let first = Math.ceil(start);
  const last = Math.min(Math.floor(end), src - 1);
  first = Math.min(first, last);
  const taps: Taps = { index: [], weight: [] };
  if (first - start > 1e-3) {
    taps.index.push(first - 1);
    taps.weight.push((first - start) / cell);
  }
  for (let s = first; s < last; s++) {
    taps.index.push(s);
    taps.weight.push(1 / cell);
  }
  if (end - last > 1e-3) {
    taps.index.push(last);
    taps.weight.push(Math.min(Math.min(end - last, 1), cell) / cell);
  }
  return taps;
}

/**
 * Taps of every output coordinate in typed arrays, `count` per coordinate: those of `d` are
 * `index/weight[d * count .. (d + 1) * count)`. Coordinates with fewer taps are padded with weight-0
 * taps on their first source index: adding `0 * x` (+0) leaves a sum of non-negative terms bit-identical,
 * and fixed counts let the common cases (1 or 2 taps) run unrolled.
 */
interface PackedTaps {
  count: number;
  index: Int32Array;
  weight: Float64Array;
}

/** Packs taps, multiplying each index by `stride` (channels for x, so it addresses interleaved pixels). */
function pack(taps: readonly Taps[], stride: number): PackedTaps {
  const count = Math.max(...taps.map((t) => t.index.length));
  const index = new Int32Array(taps.length * count);
  const weight = new Float64Array(taps.length * count);
  taps.forEach((t, d) => {
    for (let k = 0; k < count; k++) {
      index[d * count + k] = (k < t.index.length ? t.index[k] : t.index[0]) * stride;
      weight[d * count + k] = k < t.index.length ? t.weight[k] : 0;
    }
  });
  return { count, index, weight };
}

/** One source row filtered horizontally into `out` (doubles, interleaved channels). */
function filterRow(src: Uint8Array, base: number, taps: PackedTaps, c: number, out: Float64Array): void {
  const { count, index, weight } = taps;
  const width = out.length / c;
  if (count === 1) {
    for (let x = 0, o = 0; x < width; x++, o += c) {
      const p = base + index[x];
      const w = weight[x];
      for (let k = 0; k < c; k++) out[o + k] = w * src[p + k];
    }
  } else if (count === 2 && c === 3) {
    for (let x = 0, o = 0; x < width; x++, o += 3) {
      const p = base + index[2 * x];
      const q = base + index[2 * x + 1];
      const w0 = weight[2 * x];
      const w1 = weight[2 * x + 1];
      out[o] = w0 * src[p] + w1 * src[q];
      out[o + 1] = w0 * src[p + 1] + w1 * src[q + 1];
      out[o + 2] = w0 * src[p + 2] + w1 * src[q + 2];
    }
  } else if (count === 2) {
    for (let x = 0, o = 0; x < width; x++, o += c) {
      const p = base + index[2 * x];
      const q = base + index[2 * x + 1];
      const w0 = weight[2 * x];
      const w1 = weight[2 * x + 1];
      for (let k = 0; k < c; k++) out[o + k] = w0 * src[p + k] + w1 * src[q + k];
    }
  } else {
    for (let x = 0, o = 0; x < width; x++, o += c) {
      for (let k = 0; k < c; k++) {
        // Taps summed in order, as the formula reads: results stay bit-identical.
        let sum = 0;
        for (let t = x * count; t < (x + 1) * count; t++) sum += weight[t] * src[base + index[t] + k];
        out[o + k] = sum;
      }
    }
  }
}

/**
 * The image resized to `width` x `height` (see the module comment for each interpolation's formula).
 * Separable: each source row the vertical taps use is filtered horizontally once, into doubles, then
 * each output row is the weighted sum of its source rows. Taps are precomputed into typed arrays and
 * row buffers are recycled, so nothing is allocated per pixel.
 */
export function resize(image: Image, width: number, height: number, interpolation: Interpolation = 'bilinear'): Image {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new ImageError(`resize needs a positive integer size, got ${width}x${height}`, {
      expected: 'width, height >= 1',
      got: [width, height],
    });
  }
  const areaShrink = interpolation === 'area' && width <= image.width && height <= image.height;
  const c = channels(image);
  const xTaps = pack(axisTaps(image.width, width, interpolation, areaShrink), c);
  const yTaps = pack(axisTaps(image.height, height, interpolation, areaShrink), 1);
  const rowLength = width * c;
  const rows = new Map<number, Float64Array>();
  const spare: Float64Array[] = [];
  const row = (y: number): Float64Array => {
    let r = rows.get(y);
    if (r === undefined) {
      r = spare.pop() ?? new Float64Array(rowLength);
      filterRow(image.data, y * image.width * c, xTaps, c, r);
      rows.set(y, r);
    }
    return r;
  };
  const out = createImage(width, height, image.order);
  const dst = out.data;
  const k = yTaps.count;
  const sources: Float64Array[] = [];
  for (let y = 0; y < height; y++) {
    sources.length = 0;
    for (let t = y * k; t < (y + 1) * k; t++) sources.push(row(yTaps.index[t]));
    const base = y * rowLength;
    if (k === 1) {
      const [r0, w0] = [sources[0], yTaps.weight[y]];
      for (let i = 0; i < rowLength; i++) dst[base + i] = toByte(w0 * r0[i]);
    } else if (k === 2) {
      const [r0, r1, w0, w1] = [sources[0], sources[1], yTaps.weight[2 * y], yTaps.weight[2 * y + 1]];
      for (let i = 0; i < rowLength; i++) dst[base + i] = toByte(w0 * r0[i] + w1 * r1[i]);
    } else {
      for (let i = 0; i < rowLength; i++) {
        let sum = 0;
        for (let t = 0; t < k; t++) sum += yTaps.weight[y * k + t] * sources[t][i];
        dst[base + i] = toByte(sum);
      }
    }
    // Rows no later output row needs go back to the pool, so memory stays at a few rows.
    const next = y + 1 < height ? yTaps.index[(y + 1) * k] : Number.POSITIVE_INFINITY;
    for (const [key, buffer] of rows) {
      if (key < next) {
        rows.delete(key);
        spare.push(buffer);
      }
    }
  }
  return out;
}
