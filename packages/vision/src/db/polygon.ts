/**
 * Plane geometry for text boxes: convex hull, minimum-area rotated rectangle (cv2.minAreaRect with
 * cv2.boxPoints), polygon area and perimeter, and a point-in-polygon test.
 */
import type { Point } from '../perspective.js';

/** Convex hull, counterclockwise in image coordinates (y down), by Andrew's monotone chain. */
export function convexHull(points: readonly Point[]): Point[] {
  const sorted = [...points].sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  if (sorted.length <= 2) return sorted;
  const cross = (o: Point, a: Point, b: Point) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const chain = (list: Point[]) => {
    const out: Point[] = [];
    for (const p of list) {
      while (out.length >= 2 && cross(out[out.length - 2], out[out.length - 1], p) <= 0) out.pop();
      out.push(p);
    }
    out.pop();
    return out;
  };
  return [...chain(sorted), ...chain([...sorted].reverse())];
}

/** A rotated rectangle: its four corners and side lengths. */
export interface RotatedRect {
  corners: [Point, Point, Point, Point];
  width: number;
  height: number;
}

/** The rectangle of least area enclosing the points (one side lies on a hull edge: rotating calipers' theorem). */
export function minAreaRect(points: readonly Point[]): RotatedRect {
  const hull = convexHull(points);
  if (hull.length === 1) {
    const p = hull[0];
    return { corners: [p, p, p, p], width: 0, height: 0 };
  }
  let best: RotatedRect | undefined;
  let bestArea = Number.POSITIVE_INFINITY;
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i];
    const b = hull[(i + 1) % hull.length];
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    if (len === 0) continue;
    const u: Point = [(b[0] - a[0]) / len, (b[1] - a[1]) / len];
    const v: Point = [-u[1], u[0]];
    let [minU, maxU, minV, maxV] = [Infinity, -Infinity, Infinity, -Infinity];
    for (const p of hull) {
      const pu = p[0] * u[0] + p[1] * u[1];
      const pv = p[0] * v[0] + p[1] * v[1];
      minU = Math.min(minU, pu);
      maxU = Math.max(maxU, pu);
      minV = Math.min(minV, pv);
      maxV = Math.max(maxV, pv);
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area < bestArea - 1e-9) {
      bestArea = area;
      const at = (s: number, t: number): Point => [s * u[0] + t * v[0], s * u[1] + t * v[1]];
      best = {
        corners: [at(minU, minV), at(maxU, minV), at(maxU, maxV), at(minU, maxV)],
        width: maxU - minU,
        height: maxV - minV,
      };
    }
  }
  return best as RotatedRect;
}

/** Absolute area of a simple polygon (shoelace). */
export function polygonArea(points: readonly Point[]): number {
  let twice = 0;
  for (let i = 0; i < points.length; i++) {
    const [x1, y1] = points[i];
    const [x2, y2] = points[(i + 1) % points.length];
    twice += x1 * y2 - x2 * y1;
  }
  return Math.abs(twice) / 2;
}

/** Perimeter of a closed polygon. */
export function polygonLength(points: readonly Point[]): number {
  let length = 0;
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    const q = points[(i + 1) % points.length];
    length += Math.hypot(q[0] - p[0], q[1] - p[1]);
  }
  return length;
}

/** True when (x, y) is inside the polygon or within `tolerance` of its outline. */
export function insidePolygon(points: readonly Point[], x: number, y: number, tolerance = 0.5): boolean {
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const xi = points[i][0];
    const yi = points[i][1];
    const xj = points[j][0];
    const yj = points[j][1];
    // Outside the edge's bounding box grown by a hair more than the tolerance, the point is farther than
    // the tolerance from the edge whatever the rounding: the distance need not be computed.
    const reach = tolerance + 1e-9;
    const near =
      x >= Math.min(xi, xj) - reach &&
      x <= Math.max(xi, xj) + reach &&
      y >= Math.min(yi, yj) - reach &&
      y <= Math.max(yi, yj) + reach;
    if (near && distanceToSegment(x, y, xi, yi, xj, yj) <= tolerance) return true;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function distanceToSegment(x: number, y: number, x1: number, y1: number, x2: number, y2: number): number {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / len2));
  return Math.hypot(x - (x1 + t * dx), y - (y1 + t * dy));
}
