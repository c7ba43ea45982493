/**
 * Non-maximum suppression over axis-aligned boxes [x1, y1, x2, y2] (continuous coordinates, area
 * (x2 - x1) * (y2 - y1), as torchvision.ops.nms): greedy, and soft-NMS (Bodla et al. 2017).
 */
import { InputError } from '@lastmile/core';

/** A box as [x1, y1, x2, y2], x2 >= x1, y2 >= y1. */
export type Box = readonly [number, number, number, number];

/** Intersection over union of two boxes (0 when both are empty). */
export function iou(a: Box, b: Box): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return union > 0 ? inter / union : 0;
}

function checkPairs(boxes: readonly Box[], scores: ArrayLike<number>): void {
  if (boxes.length !== scores.length)
    throw new InputError(`NMS got ${boxes.length} boxes and ${scores.length} scores`, {
      expected: boxes.length,
      got: scores.length,
    });
}

/** Score order, ties by index, so results are deterministic. */
function byScore(scores: ArrayLike<number>): number[] {
  return Array.from({ length: scores.length }, (_, i) => i).sort((p, q) => scores[q] - scores[p] || p - q);
}

/** Greedy NMS: indices of the kept boxes, highest score first; a box is dropped when its IoU with a kept one exceeds `iouThreshold`. */
export function nms(boxes: readonly Box[], scores: ArrayLike<number>, iouThreshold: number): number[] {
  checkPairs(boxes, scores);
  const kept: number[] = [];
  for (const i of byScore(scores)) if (kept.every((j) => iou(boxes[i], boxes[j]) <= iouThreshold)) kept.push(i);
  return kept;
}

/** Options of {@link softNms}. */
export interface SoftNmsOptions {
  /** 'linear': s *= 1 - IoU when IoU > iouThreshold; 'gaussian': s *= exp(-IoU^2 / sigma). Default 'gaussian'. */
  method?: 'linear' | 'gaussian';
  iouThreshold?: number;
  sigma?: number;
  /** Boxes whose decayed score falls below this are dropped (default 0.001). */
  scoreThreshold?: number;
}

/** Soft-NMS: overlapping boxes have their scores decayed instead of dropped. Kept boxes in selection order, with their decayed scores. */
export function softNms(
  boxes: readonly Box[],
  scores: ArrayLike<number>,
  options: SoftNmsOptions = {},
): { index: number; score: number }[] {
  checkPairs(boxes, scores);
  const { method = 'gaussian', iouThreshold = 0.3, sigma = 0.5, scoreThreshold = 0.001 } = options;
  const live = Array.from(scores);
  const pending = new Set(live.keys());
  const kept: { index: number; score: number }[] = [];
  while (pending.size > 0) {
    let best = -1;
    for (const i of pending) if (best < 0 || live[i] > live[best] || (live[i] === live[best] && i < best)) best = i;
    pending.delete(best);
    if (live[best] < scoreThreshold) continue;
    kept.push({ index: best, score: live[best] });
    for (const i of pending) {
      const o = iou(boxes[best], boxes[i]);
      live[i] *= method === 'linear' ? (o > iouThreshold ? 1 - o : 1) : Math.exp(-(o * o) / sigma);
    }
  }
  return kept;
}
