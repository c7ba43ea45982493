/**
 * Drawing for annotated outputs: polygon outlines of a given thickness.
 */
import { channels, type Image } from './image.js';
import type { Point } from './perspective.js';

/** Draws the closed polygon on `image` in place (color as the image's channels), `thickness` pixels wide. */
export function drawPolygon(image: Image, points: readonly Point[], color: readonly number[], thickness = 2): void {
  const c = channels(image);
  const r = Math.max(0, (thickness - 1) / 2);
  const dot = (x: number, y: number) => {
    for (let yy = Math.round(y - r); yy <= Math.round(y + r); yy++) {
      for (let xx = Math.round(x - r); xx <= Math.round(x + r); xx++) {
        if (xx < 0 || yy < 0 || xx >= image.width || yy >= image.height) continue;
        for (let k = 0; k < c; k++) image.data[(yy * image.width + xx) * c + k] = color[k] ?? color[0];
      }
    }
  };
  for (let i = 0; i < points.length; i++) {
    const [x1, y1] = points[i];
    const [x2, y2] = points[(i + 1) % points.length];
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x2 - x1), Math.abs(y2 - y1))));
    for (let s = 0; s <= steps; s++) dot(x1 + ((x2 - x1) * s) / steps, y1 + ((y2 - y1) * s) / steps);
  }
}
