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

/** The image resized to `width` x `height` (see the module comment for each interpolation's formula). */
export function resize(image: Image, width: number, height: number, interpolation: Interpolation = 'bilinear'): Image {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new ImageError(`resize needs a positive integer size, got ${width}x${height}`, { expected: 'width, height >= 1', got: [width, height] });
  }
  const areaShrink = interpolation === 'area' && width <= image.width && height <= image.height;
  const xTaps = axisTaps(image.width, width, interpolation, areaShrink);
  const yTaps = axisTaps(image.height, height, interpolation, areaShrink);
  const c = channels(image);
  const src = image.data;
  // Horizontal pass over the source rows the vertical taps use, into doubles; then the vertical pass.
  const rows = new Map<number, Float64Array>();
  const row = (y: number): Float64Array => {
    let r = rows.get(y);
    if (r === undefined) {
      r = new Float64Array(width * c);
      const base = y * image.width * c;
      for (let x = 0; x < width; x++) {
        const { index, weight } = xTaps[x];
        for (let k = 0; k < c; k++) {
          let sum = 0;
          for (let t = 0; t < index.length; t++) sum += weight[t] * src[base + index[t] * c + k];
          r[x * c + k] = sum;
        }
      }
      rows.set(y, r);
    }
    return r;
  };
  const out = createImage(width, height, image.order);
  const dst = out.data;
  for (let y = 0; y < height; y++) {
    const { index, weight } = yTaps[y];
    const sources = index.map(row);
    const base = y * width * c;
    for (let i = 0; i < width * c; i++) {
      let sum = 0;
      for (let t = 0; t < sources.length; t++) sum += weight[t] * sources[t][i];
      dst[base + i] = toByte(sum);
    }
    // Rows no later output row needs are dropped, so memory stays at a few rows.
    for (const key of rows.keys()) if (key < (yTaps[y + 1]?.index[0] ?? Number.POSITIVE_INFINITY)) rows.delete(key);
  }
  return out;
}
