/**
 * Pixel-exact geometry: crop, rotation by quarter turns, and letterbox (resize keeping the aspect ratio,
 * then pad to the target size).
 */
import { ImageError } from './image-error.js';
import { channels, createImage, type Image } from './image.js';
import { resize, type Interpolation } from './resize.js';

/** An axis-aligned rectangle in pixels. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The pixels of `rect`, which must lie inside the image. */
export function crop(image: Image, rect: Rect): Image {
  const { x, y, width, height } = rect;
  const inside = [x, y, width, height].every(Number.isInteger) && x >= 0 && y >= 0 && width > 0 && height > 0 && x + width <= image.width && y + height <= image.height;
  if (!inside) {
    throw new ImageError(`crop rectangle ${JSON.stringify(rect)} is not inside the ${image.width}x${image.height} image`, {
      expected: { width: image.width, height: image.height },
      got: rect,
    });
  }
  const c = channels(image);
  const out = createImage(width, height, image.order);
  for (let row = 0; row < height; row++) {
    const from = ((y + row) * image.width + x) * c;
    out.data.set(image.data.subarray(from, from + width * c), row * width * c);
  }
  return out;
}

/** Clockwise rotation in degrees. np.rot90 (counterclockwise) is 270 here. */
export type Rotation = 0 | 90 | 180 | 270;

/** The image rotated clockwise by `degrees`. */
export function rotate(image: Image, degrees: Rotation): Image {
  if (![0, 90, 180, 270].includes(degrees)) {
    throw new ImageError(`rotate takes 0, 90, 180 or 270 degrees, got ${degrees}`, { expected: [0, 90, 180, 270], got: degrees });
  }
  if (degrees === 0) return image;
  const { width: w, height: h } = image;
  const c = channels(image);
  const turned = degrees !== 180;
  const out = createImage(turned ? h : w, turned ? w : h, image.order);
  const ow = out.width;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // Where source (x, y) lands in the output.
      const [ox, oy] = degrees === 90 ? [h - 1 - y, x] : degrees === 180 ? [w - 1 - x, h - 1 - y] : [y, w - 1 - x];
      const from = (y * w + x) * c;
      const to = (oy * ow + ox) * c;
      for (let k = 0; k < c; k++) out.data[to + k] = image.data[from + k];
    }
  }
  return out;
}

/** Result of {@link letterbox}: the padded image and how to map its coordinates back. */
export interface Letterboxed {
  image: Image;
  /** Resize factor applied to the source. */
  scale: number;
  /** Left and top padding in pixels. */
  padX: number;
  padY: number;
}

/**
 * Resizes keeping the aspect ratio so the image fits `width` x `height` (the scaled size is rounded to
 * the nearest pixel), then centers it on a canvas of `fill` (114 as YOLO's), the odd pixel of padding
 * going right and bottom. A source point p maps to `p * scale + pad`.
 */
export function letterbox(image: Image, width: number, height: number, options: { fill?: number; interpolation?: Interpolation } = {}): Letterboxed {
  const scale = Math.min(width / image.width, height / image.height);
  const w = Math.max(1, Math.min(width, Math.round(image.width * scale)));
  const h = Math.max(1, Math.min(height, Math.round(image.height * scale)));
  const scaled = resize(image, w, h, options.interpolation ?? 'bilinear');
  const padX = Math.floor((width - w) / 2);
  const padY = Math.floor((height - h) / 2);
  const c = channels(image);
  const out = createImage(width, height, image.order);
  out.data.fill(options.fill ?? 114);
  for (let y = 0; y < h; y++) out.data.set(scaled.data.subarray(y * w * c, (y + 1) * w * c), ((y + padY) * width + padX) * c);
  return { image: out, scale, padX, padY };
}
