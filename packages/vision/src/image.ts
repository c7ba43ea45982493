/**
 * The host image: 8-bit pixels, rows top to bottom, channels interleaved (HWC), with the channel order
 * written down so RGB and BGR (OpenCV's and PaddleOCR's order) never get mixed up silently.
 */
import { ImageError } from './image-error.js';

/** Channel order of an image: one gray channel, or three color channels. */
export type ColorOrder = 'gray' | 'rgb' | 'bgr';

/** An 8-bit image, HWC: pixel (x, y), channel c is `data[(y * width + x) * channels + c]`. */
export interface Image {
  readonly width: number;
  readonly height: number;
  readonly order: ColorOrder;
  readonly data: Uint8Array;
}

/** Channels of a color order. */
export function channelsOf(order: ColorOrder): 1 | 3 {
  return order === 'gray' ? 1 : 3;
}

/** Channels of an image. */
export function channels(image: Image): 1 | 3 {
  return channelsOf(image.order);
}

/** An image over `data` (zero-filled when omitted), checked for size. */
export function createImage(width: number, height: number, order: ColorOrder = 'rgb', data?: Uint8Array): Image {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new ImageError(`image dimensions must be positive integers, got ${width}x${height}`, {
      expected: 'width, height >= 1',
      got: [width, height],
    });
  }
  const length = width * height * channelsOf(order);
  const pixels = data ?? new Uint8Array(length);
  if (pixels.length !== length) {
    throw new ImageError(`a ${width}x${height} ${order} image needs ${length} bytes, got ${pixels.length}`, {
      expected: length,
      got: pixels.length,
    });
  }
  return { width, height, order, data: pixels };
}

/**
 * The image in another channel order: RGB <-> BGR swaps channels 0 and 2; color -> gray uses ITU-R
 * BT.601 luma (0.299 R + 0.587 G + 0.114 B, rounded, as cv2.cvtColor); gray -> color replicates.
 */
export function convertColor(image: Image, order: ColorOrder): Image {
  if (image.order === order) return image;
  const n = image.width * image.height;
  const src = image.data;
  const out = createImage(image.width, image.height, order);
  const dst = out.data as Uint8Array;
  if (image.order === 'gray') {
    for (let i = 0; i < n; i++) dst[3 * i] = dst[3 * i + 1] = dst[3 * i + 2] = src[i];
  } else if (order === 'gray') {
    const [r, b] = image.order === 'rgb' ? [0, 2] : [2, 0];
    for (let i = 0; i < n; i++)
      dst[i] = Math.round(0.299 * src[3 * i + r] + 0.587 * src[3 * i + 1] + 0.114 * src[3 * i + b]);
  } else {
    for (let i = 0; i < n; i++) {
      dst[3 * i] = src[3 * i + 2];
      dst[3 * i + 1] = src[3 * i + 1];
      dst[3 * i + 2] = src[3 * i];
    }
  }
  return out;
}
