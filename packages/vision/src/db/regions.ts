/**
 * The text regions of a binary map: 8-connected components of foreground pixels (what
 * cv2.findContours' outer borders enclose). Each region is given by the first and last pixel of each of
 * its rows, which has the same convex hull as the region, all the DB boxes need. Hole borders, which
 * findContours' RETR_LIST also lists, are not returned: their boxes cover background and fall to the
 * box score threshold in PaddleOCR anyway.
 */
import type { Point } from '../perspective.js';

/** Row extremes of each 8-connected component of `mask` (width x height, nonzero = foreground), in raster order of first pixel. */
export function regionOutlines(mask: Uint8Array, width: number, height: number): Point[][] {
  const label = new Int32Array(width * height).fill(-1);
  const regions: Point[][] = [];
  const stack: number[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (mask[start] === 0 || label[start] >= 0) continue;
    const id = regions.length;
    const rowMin = new Map<number, number>();
    const rowMax = new Map<number, number>();
    label[start] = id;
    stack.push(start);
    while (stack.length > 0) {
      const at = stack.pop() as number;
      const x = at % width;
      const y = (at - x) / width;
      const left = rowMin.get(y);
      if (left === undefined || x < left) rowMin.set(y, x);
      const right = rowMax.get(y);
      if (right === undefined || x > right) rowMax.set(y, x);
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const next = ny * width + nx;
          if (mask[next] !== 0 && label[next] < 0) {
            label[next] = id;
            stack.push(next);
          }
        }
      }
    }
    const outline: Point[] = [];
    for (const [y, x] of rowMin) {
      outline.push([x, y]);
      const right = rowMax.get(y) as number;
      if (right !== x) outline.push([right, y]);
    }
    regions.push(outline);
  }
  return regions;
}
