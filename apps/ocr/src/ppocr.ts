/**
 * PP-OCR's pre- and post-processing rules, as PaddleOCR's tools/infer (predict_det, predict_cls,
 * predict_rec, predict_system) apply them: image sizes, normalizations, thresholds, box order.
 */
import type { Normalization, Quad } from '@lastmile/vision';

/** Detection input: BGR, ImageNet mean/std on pixels / 255. */
export const DET_NORMALIZATION: Normalization = {
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
  scale: 1 / 255,
  order: 'bgr',
};
/** Classifier and recognizer input: BGR, (x / 255 - 0.5) / 0.5. */
export const REC_NORMALIZATION: Normalization = {
  mean: [0.5, 0.5, 0.5],
  std: [0.5, 0.5, 0.5],
  scale: 1 / 255,
  order: 'bgr',
};

/** Height of classifier and recognizer inputs. */
export const LINE_HEIGHT = 48;
/** Classifier input width; also the recognizer's least width. */
export const CLS_WIDTH = 192;
export const REC_MIN_WIDTH = 320;
/** Crops per classifier and recognizer batch. */
export const BATCH = 6;
/** A crop is turned when the classifier says '180' with more than this probability. */
export const CLS_THRESHOLD = 0.9;
/** Lines recognized with a lower confidence are dropped. */
export const DROP_SCORE = 0.5;
/**
 * Our addition to PaddleOCR's rules: a blank gap between characters whose space probability reaches this
 * is read as a space (see vision's ctcGreedyDecode). Measured on PP-OCRv4 rec over 16 rendered lines in
 * 12 fonts: 0.026-0.49 at word gaps, under 0.001 inside words; 0.01 sits between with margin both sides.
 */
export const SPACE_THRESHOLD = 0.01;
/** det_limit_side_len: the longer side is scaled down to this when longer. */
export const DET_LIMIT_SIDE = 960;

/** Python's round(): half to even. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** DetResizeForTest (limit_type 'max'): the det input size, each side a multiple of 32 (at least 32). */
export function detInputSize(
  width: number,
  height: number,
  limitSide = DET_LIMIT_SIDE,
): { width: number; height: number } {
  const ratio = Math.max(width, height) > limitSide ? limitSide / Math.max(width, height) : 1;
  const side = (v: number) => Math.max(roundHalfEven(Math.trunc(v * ratio) / 32) * 32, 32);
  return { width: side(width), height: side(height) };
}

/** resize_norm_img: the resized width of a crop for a batch `maxWidth` wide (aspect kept, capped). */
export function lineWidth(width: number, height: number, maxWidth: number): number {
  const scaled = Math.ceil(LINE_HEIGHT * (width / height));
  return Math.min(scaled, maxWidth);
}

/** The recognizer batch width: int(48 * max_wh_ratio) with max_wh_ratio at least 320 / 48. */
export function recBatchWidth(crops: readonly { width: number; height: number }[]): number {
  const ratio = Math.max(REC_MIN_WIDTH / LINE_HEIGHT, ...crops.map((c) => c.width / c.height));
  return Math.trunc(LINE_HEIGHT * ratio);
}

/** sorted_boxes: top to bottom by the first corner, then boxes within 10 pixels of height left to right. */
export function sortBoxes<T extends { quad: Quad }>(boxes: readonly T[]): T[] {
  const sorted = [...boxes].sort((p, q) => p.quad[0][1] - q.quad[0][1] || p.quad[0][0] - q.quad[0][0]);
  for (let i = 0; i < sorted.length - 1; i++) {
    for (let j = i; j >= 0; j--) {
      const [a, b] = [sorted[j], sorted[j + 1]];
      if (Math.abs(b.quad[0][1] - a.quad[0][1]) < 10 && b.quad[0][0] < a.quad[0][0])
        [sorted[j], sorted[j + 1]] = [b, a];
      else break;
    }
  }
  return sorted;
}

/** filter_tag_det_res: boxes of 3 pixels or less in width or height are dropped. */
export function bigEnough(quad: Quad): boolean {
  const d = (p: readonly number[], q: readonly number[]) => Math.hypot(p[0] - q[0], p[1] - q[1]);
  return Math.trunc(d(quad[0], quad[1])) > 3 && Math.trunc(d(quad[0], quad[3])) > 3;
}

/** Indices of `items` in order of aspect ratio (width / height), as PaddleOCR batches crops. */
export function byAspect(items: readonly { width: number; height: number }[]): number[] {
  return items
    .map((_, i) => i)
    .sort((p, q) => items[p].width / items[p].height - items[q].width / items[q].height || p - q);
}
