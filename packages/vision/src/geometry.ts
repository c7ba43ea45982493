/**
 * Pixel-exact geometry: crop, rotation by quarter turns and the EXIF orientations, and letterbox (resize
 * keeping the aspect ratio, then pad to the target size).
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
  const inside =
    [x, y, width, height].every(Number.isInteger) &&
    x >= 0 &&
    y >= 0 &&
    width > 0 &&
    height > 0 &&
    x + width <= image.width &&
    y + height <= image.height;
  if (!inside) {
    throw new ImageError(
      `crop rectangle ${JSON.stringify(rect)} is not inside the ${image.width}x${image.height} image`,
      {
        expected: { width: image.width, height: image.height },
        got: rect,
      },
    );
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

/**
 * An EXIF orientation: how stored pixels are turned for display. 1 as stored, 2 mirrored, 3 turned 180°,
 * 4 flipped upside down, 5 transposed, 6 turned 90° clockwise, 7 transversed, 8 turned 270° clockwise.
 */
export type Orientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/**
 * Where source pixel (x, y) of a w x h image lands, as (ox, oy) = (ax x + bx y + cx, ay x + by y + cy),
 * and whether the output swaps width and height.
 */
function placement(
  o: Orientation,
  w: number,
  h: number,
): { ax: number; bx: number; cx: number; ay: number; by: number; cy: number; swap: boolean } {
  switch (o) {
    case 1:
      return { ax: 1, bx: 0, cx: 0, ay: 0, by: 1, cy: 0, swap: false };
    case 2:
      return { ax: -1, bx: 0, cx: w - 1, ay: 0, by: 1, cy: 0, swap: false };
    case 3:
      return { ax: -1, bx: 0, cx: w - 1, ay: 0, by: -1, cy: h - 1, swap: false };
    case 4:
      return { ax: 1, bx: 0, cx: 0, ay: 0, by: -1, cy: h - 1, swap: false };
    case 5:
      return { ax: 0, bx: 1, cx: 0, ay: 1, by: 0, cy: 0, swap: true };
    case 6:
      return { ax: 0, bx: -1, cx: h - 1, ay: 1, by: 0, cy: 0, swap: true };
    case 7:
      return { ax: 0, bx: -1, cx: h - 1, ay: -1, by: 0, cy: w - 1, swap: true };
    case 8:
      return { ax: 0, bx: 1, cx: 0, ay: -1, by: 0, cy: w - 1, swap: true };
  }
}

/** The image turned and mirrored as EXIF `orientation` says, for display (cv2.imread and browsers do this). */
export function orient(image: Image, orientation: Orientation): Image {
  if (!Number.isInteger(orientation) || orientation < 1 || orientation > 8) {
    throw new ImageError(`orientation must be an EXIF orientation from 1 to 8, got ${orientation}`, {
      expected: '1..8',
      got: orientation,
    });
  }
  if (orientation === 1) return image;
  const { width: w, height: h } = image;
  const c = channels(image);
  const p = placement(orientation, w, h);
  const out = createImage(p.swap ? h : w, p.swap ? w : h, image.order);
  // Output pixel index of source (x, y), stepped along x and y.
  const ow = out.width;
  const stepX = p.ay * ow + p.ax;
  const stepY = p.by * ow + p.bx;
  for (let y = 0; y < h; y++) {
    let to = p.cy * ow + p.cx + y * stepY;
    for (let x = 0, from = y * w * c; x < w; x++, from += c, to += stepX) {
      for (let k = 0; k < c; k++) out.data[to * c + k] = image.data[from + k];
    }
  }
  return out;
}

const QUARTER_TURNS: Record<Rotation, Orientation> = { 0: 1, 90: 6, 180: 3, 270: 8 };

/** The image rotated clockwise by `degrees`. */
export function rotate(image: Image, degrees: Rotation): Image {
  if (![0, 90, 180, 270].includes(degrees)) {
    throw new ImageError(`rotate takes 0, 90, 180 or 270 degrees, got ${degrees}`, {
      expected: [0, 90, 180, 270],
      got: degrees,
    });
  }
  return orient(image, QUARTER_TURNS[degrees]);
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
export function letterbox(
  image: Image,
  width: number,
  height: number,
  options: { fill?: number; interpolation?: Interpolation } = {},
): Letterboxed {
  const scale = Math.min(width / image.width, height / image.height);
  const w = Math.max(1, Math.min(width, Math.round(image.width * scale)));
  const h = Math.max(1, Math.min(height, Math.round(image.height * scale)));
  const scaled = resize(image, w, h, options.interpolation ?? 'bilinear');
  const padX = Math.floor((width - w) / 2);
  const padY = Math.floor((height - h) / 2);
  const c = channels(image);
  const out = createImage(width, height, image.order);
  out.data.fill(options.fill ?? 114);
  for (let y = 0; y < h; y++)
    out.data.set(scaled.data.subarray(y * w * c, (y + 1) * w * c), ((y + padY) * width + padX) * c);
  return { image: out, scale, padX, padY };
}
