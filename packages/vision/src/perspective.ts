/**
 * Perspective transforms: the homography of four point pairs (cv2.getPerspectiveTransform), the warp
 * (cv2.warpPerspective, bilinear, replicated border) and the crop of a text quadrilateral to an upright
 * rectangle as PaddleOCR's get_rotate_crop_image.
 */
import { ImageError } from './image-error.js';
import { channels, createImage, type Image } from './image.js';
import { toByte } from './rounding.js';
import { rotate } from './geometry.js';

/** A point (x, y) in pixels; pixel centers are at integers, as OpenCV's. */
export type Point = readonly [number, number];
/** Four corners: top-left, top-right, bottom-right, bottom-left. */
export type Quad = readonly [Point, Point, Point, Point];
/** A 3x3 homography, row-major. */
export type Homography = readonly number[];

/** The homography mapping each `from[i]` to `to[i]` (solves the same 8x8 system as OpenCV). */
export function perspectiveTransform(from: Quad, to: Quad): Homography {
  const a: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = from[i];
    const [u, v] = to[i];
    a.push([x, y, 1, 0, 0, 0, -x * u, -y * u, u]);
    a.push([0, 0, 0, x, y, 1, -x * v, -y * v, v]);
  }
  const h = solve(a);
  if (h === undefined)
    throw new ImageError('the four points are degenerate (three on a line): no perspective transform', { got: from });
  return [...h, 1];
}

/** Gauss-Jordan elimination with partial pivoting on an augmented n x (n + 1) system. */
function solve(a: number[][]): number[] | undefined {
  const n = a.length;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    if (Math.abs(a[pivot][col]) < 1e-12) return undefined;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r][col] / a[col][col];
      for (let k = col; k <= n; k++) a[r][k] -= f * a[col][k];
    }
  }
  return a.map((row, i) => row[n] / row[i]);
}

/** The inverse of a homography. */
export function invertHomography(m: Homography): Homography {
  const [a, b, c, d, e, f, g, h, i] = m;
  const co = [
    e * i - f * h,
    c * h - b * i,
    b * f - c * e,
    f * g - d * i,
    a * i - c * g,
    c * d - a * f,
    d * h - e * g,
    b * g - a * h,
    a * e - b * d,
  ];
  const det = a * co[0] + b * co[3] + c * co[6];
  if (Math.abs(det) < 1e-15) throw new ImageError('the homography is singular', { got: m });
  return co.map((v) => v / det);
}

/** OpenCV quantizes source coordinates to 1/32 pixel (INTER_TAB_SIZE) before weighting. */
const TAB = 32;

/**
 * cv2.warpPerspective(image, m, (width, height), INTER_LINEAR, BORDER_REPLICATE): each output pixel
 * samples the source at m^-1 (x, y), coordinates quantized to 1/32 pixel as OpenCV does, bilinear with
 * edge pixels replicated. OpenCV's 8-bit path uses 15-bit fixed-point weights, so it may differ by 1.
 */
export function warpPerspective(image: Image, m: Homography, width: number, height: number): Image {
  const inv = invertHomography(m);
  const c = channels(image);
  const out = createImage(width, height, image.order);
  const { width: sw, height: sh, data: src } = image;
  const clampX = (x: number) => (x < 0 ? 0 : x >= sw ? sw - 1 : x);
  const clampY = (y: number) => (y < 0 ? 0 : y >= sh ? sh - 1 : y);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const w = inv[6] * x + inv[7] * y + inv[8];
      const scale = w === 0 ? 0 : TAB / w;
      const qx = Math.round((inv[0] * x + inv[1] * y + inv[2]) * scale);
      const qy = Math.round((inv[3] * x + inv[4] * y + inv[5]) * scale);
      const x0 = Math.floor(qx / TAB);
      const y0 = Math.floor(qy / TAB);
      const fx = (qx - x0 * TAB) / TAB;
      const fy = (qy - y0 * TAB) / TAB;
      const xa = clampX(x0);
      const xb = clampX(x0 + 1);
      const ya = clampY(y0);
      const yb = clampY(y0 + 1);
      const to = (y * width + x) * c;
      for (let k = 0; k < c; k++) {
        const top = src[(ya * sw + xa) * c + k] * (1 - fx) + src[(ya * sw + xb) * c + k] * fx;
        const bottom = src[(yb * sw + xa) * c + k] * (1 - fx) + src[(yb * sw + xb) * c + k] * fx;
        out.data[to + k] = toByte(top * (1 - fy) + bottom * fy);
      }
    }
  }
  return out;
}

const distance = (p: Point, q: Point) => Math.hypot(p[0] - q[0], p[1] - q[1]);

/**
 * The quadrilateral cut out and made upright, as PaddleOCR's get_rotate_crop_image: width is the longer
 * of the top and bottom edges and height the longer of the side edges (truncated to integers), the
 * corners map to the output's corners, and a result at least 1.5 times taller than wide is turned a
 * quarter counterclockwise (np.rot90) to read left to right. PaddleOCR warps with INTER_CUBIC; this
 * warp is bilinear.
 */
export function cropQuad(image: Image, quad: Quad): Image {
  const width = Math.max(1, Math.trunc(Math.max(distance(quad[0], quad[1]), distance(quad[2], quad[3]))));
  const height = Math.max(1, Math.trunc(Math.max(distance(quad[0], quad[3]), distance(quad[1], quad[2]))));
  const m = perspectiveTransform(quad, [
    [0, 0],
    [width, 0],
    [width, height],
    [0, height],
  ]);
  const upright = warpPerspective(image, m, width, height);
  return height / width >= 1.5 ? rotate(upright, 270) : upright;
}
