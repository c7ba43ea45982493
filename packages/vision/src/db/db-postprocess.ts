/**
 * Text boxes from a DB (Differentiable Binarization) probability map, as PaddleOCR's DBPostProcess with
 * score_mode 'fast' and no dilation: binarize at `threshold`, take each region's minimum-area box,
 * drop boxes whose short side is under `minSize` or whose mean probability inside the box is under
 * `boxThreshold`, grow the box by unclip (offset by area * ratio / perimeter with round joins, as
 * pyclipper), take the min-area box again, and scale it to the source image.
 */
import { InputError, ShapeError, type Tensor } from '@lastmile/core';
import type { Point, Quad } from '../perspective.js';
import { insidePolygon, minAreaRect, polygonArea, polygonLength } from './polygon.js';
import { regionOutlines } from './regions.js';

/** Options of {@link dbBoxes}; defaults are PaddleOCR's for PP-OCRv4 det. */
export interface DbOptions {
  threshold?: number;
  boxThreshold?: number;
  unclipRatio?: number;
  maxCandidates?: number;
  /** Shortest box side kept, in map pixels (the grown box must reach minSize + 2). */
  minSize?: number;
}

/** A detected text box: corners in source-image pixels (clockwise from top-left) and its score. */
export interface TextBox {
  quad: Quad;
  score: number;
}

/** Boxes of the first map of `probs` [1, 1, H, W] (or [H, W]), scaled to a `sourceWidth` x `sourceHeight` image. */
export function dbBoxes(probs: Tensor, sourceWidth: number, sourceHeight: number, options: DbOptions = {}): TextBox[] {
  const { threshold = 0.3, boxThreshold = 0.6, unclipRatio = 1.5, maxCandidates = 1000, minSize = 3 } = options;
  const dims = probs.dims;
  if (probs.type !== 'float32' || dims.length < 2 || dims.slice(0, -2).some((d) => d !== 1)) {
    throw new ShapeError(
      `DB post-processing needs one float32 probability map [1, 1, H, W], got ${probs.type} [${dims.join(', ')}]`,
      { expected: '[1, 1, H, W]', got: dims },
    );
  }
  if (!(sourceWidth > 0 && sourceHeight > 0))
    throw new InputError(`source size must be positive, got ${sourceWidth}x${sourceHeight}`, {
      got: [sourceWidth, sourceHeight],
    });
  const height = dims[dims.length - 2];
  const width = dims[dims.length - 1];
  const map = probs.data as Float32Array;
  const mask = new Uint8Array(width * height);
  for (let i = 0; i < mask.length; i++) mask[i] = map[i] > threshold ? 1 : 0;
  const boxes: TextBox[] = [];
  for (const outline of regionOutlines(mask, width, height).slice(0, maxCandidates)) {
    const first = miniBox(outline);
    if (first.side < minSize) continue;
    const score = boxScoreFast(map, width, height, first.quad);
    if (score < boxThreshold) continue;
    const grown = miniBox(unclip(first.quad, unclipRatio));
    if (grown.side < minSize + 2) continue;
    const scaleBack = (p: Point): Point => [
      clamp(Math.round((p[0] / width) * sourceWidth), 0, sourceWidth),
      clamp(Math.round((p[1] / height) * sourceHeight), 0, sourceHeight),
    ];
    boxes.push({ quad: grown.quad.map(scaleBack) as unknown as Quad, score });
  }
  return boxes;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** PaddleOCR's get_mini_boxes: the min-area rectangle, corners ordered top-left, top-right, bottom-right, bottom-left, and its short side. */
export function miniBox(points: readonly Point[]): { quad: Quad; side: number } {
  const rect = minAreaRect(points);
  const p = [...rect.corners].sort((a, b) => a[0] - b[0]);
  const [i1, i4] = p[1][1] > p[0][1] ? [0, 1] : [1, 0];
  const [i2, i3] = p[3][1] > p[2][1] ? [2, 3] : [3, 2];
  return { quad: [p[i1], p[i2], p[i3], p[i4]], side: Math.min(rect.width, rect.height) };
}

/** Mean probability over the pixels of the quad (truncated to integers, as PaddleOCR's fillPoly of int32 corners). */
export function boxScoreFast(map: Float32Array, width: number, height: number, quad: Quad): number {
  const xs = quad.map((p) => p[0]);
  const ys = quad.map((p) => p[1]);
  const xmin = clamp(Math.floor(Math.min(...xs)), 0, width - 1);
  const xmax = clamp(Math.ceil(Math.max(...xs)), 0, width - 1);
  const ymin = clamp(Math.floor(Math.min(...ys)), 0, height - 1);
  const ymax = clamp(Math.ceil(Math.max(...ys)), 0, height - 1);
  const polygon = quad.map((p): Point => [Math.trunc(p[0]), Math.trunc(p[1])]);
  let sum = 0;
  let count = 0;
  for (let y = ymin; y <= ymax; y++) {
    for (let x = xmin; x <= xmax; x++) {
      if (!insidePolygon(polygon, x, y)) continue;
      sum += map[y * width + x];
      count++;
    }
  }
  return count === 0 ? 0 : sum / count;
}

/** Clipper's default arc tolerance, in the polygon's units. */
const ARC_TOLERANCE = 0.25;

/**
 * The convex polygon grown by `area * ratio / perimeter` with round joins, as pyclipper's
 * PyclipperOffset (JT_ROUND, ET_CLOSEDPOLYGON): corners truncated to integers first, the result's
 * points rounded to integers, arcs split into steps of at most `ARC_TOLERANCE` deviation.
 */
export function unclip(quad: readonly Point[], ratio: number): Point[] {
  const distance = (polygonArea(quad) * ratio) / polygonLength(quad);
  const pts = quad.map((p): Point => [Math.trunc(p[0]), Math.trunc(p[1])]);
  // Orientation sign: outward normals point away from the interior whichever way the corners run.
  let twice = 0;
  for (let i = 0; i < pts.length; i++)
    twice += pts[i][0] * pts[(i + 1) % pts.length][1] - pts[(i + 1) % pts.length][0] * pts[i][1];
  const sign = twice >= 0 ? 1 : -1;
  const normals = pts.map((p, i) => {
    const q = pts[(i + 1) % pts.length];
    const len = Math.hypot(q[0] - p[0], q[1] - p[1]) || 1;
    return [(sign * (q[1] - p[1])) / len, (-sign * (q[0] - p[0])) / len] as const;
  });
  const steps = Math.PI / Math.acos(1 - Math.min(ARC_TOLERANCE, distance) / Math.max(distance, 1e-9));
  const out: Point[] = [];
  for (let i = 0; i < pts.length; i++) {
    const before = normals[(i + pts.length - 1) % pts.length];
    const after = normals[i];
    const a0 = Math.atan2(before[1], before[0]);
    let sweep = Math.atan2(after[1], after[0]) - a0;
    // Turn the short way round, in the polygon's direction.
    while (sweep > Math.PI) sweep -= 2 * Math.PI;
    while (sweep < -Math.PI) sweep += 2 * Math.PI;
    const n = Math.max(1, Math.ceil((Math.abs(sweep) / (2 * Math.PI)) * steps));
    for (let k = 0; k <= n; k++) {
      const angle = a0 + (sweep * k) / n;
      out.push([
        Math.round(pts[i][0] + distance * Math.cos(angle)),
        Math.round(pts[i][1] + distance * Math.sin(angle)),
      ]);
    }
  }
  return out;
}
