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
  const seen = new Uint8Array(width * height);
  const regions: Point[][] = [];
  // Each pixel is pushed at most once (marked when pushed), so the stack never outgrows the image.
  const stack = new Int32Array(width * height);
  // Row extremes of the region being filled, and its rows in the order they were first reached.
  const rowMin = new Int32Array(height).fill(-1);
  const rowMax = new Int32Array(height);
  const rows: number[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (mask[start] === 0 || seen[start] !== 0) continue;
    seen[start] = 1;
    let top = 0;
    stack[top++] = start;
    while (top > 0) {
      const at = stack[--top];
      const x = at % width;
      const y = (at - x) / width;
      if (rowMin[y] < 0) {
        rowMin[y] = x;
        rowMax[y] = x;
        rows.push(y);
      } else if (x < rowMin[y]) rowMin[y] = x;
      else if (x > rowMax[y]) rowMax[y] = x;
      const [y0, y1] = [Math.max(0, y - 1), Math.min(height - 1, y + 1)];
      const [x0, x1] = [Math.max(0, x - 1), Math.min(width - 1, x + 1)];
      for (let ny = y0; ny <= y1; ny++) {
        for (let next = ny * width + x0, end = ny * width + x1; next <= end; next++) {
          if (mask[next] !== 0 && seen[next] === 0) {
            seen[next] = 1;
            stack[top++] = next;
          }
        }
      }
    }
    const outline: Point[] = [];
    for (const y of rows) {
      outline.push([rowMin[y], y]);
      if (rowMax[y] !== rowMin[y]) outline.push([rowMax[y], y]);
      rowMin[y] = -1;
    }
    rows.length = 0;
    regions.push(outline);
  }
  return regions;
}
