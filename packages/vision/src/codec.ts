/**
 * Image decode and encode, PNG and JPEG, with nothing native to install: pngjs, MozJPEG's libjpeg as
 * WebAssembly for decoding JPEG (jpeg-js for what libjpeg refuses or warns about, such as CMYK and
 * truncated files), jpeg-js for encoding. Every failure is typed and names the file: ImageError for
 * unreadable, unknown, truncated or zero-size images, ResourceLimitError for dimensions past the
 * limits, which are checked from the header before decoding.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { ResourceLimitError } from '@lastmile/core';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { jpegOrientation } from './exif.js';
import { orient } from './geometry.js';
import { headerSize, imageFormat, type ImageFormat } from './header.js';
import { ImageError } from './image-error.js';
import { decodeJpegWasm } from './jpeg-wasm.js';
import { convertColor, createImage, type ColorOrder, type Image } from './image.js';

/** Largest width or height accepted (OpenCV's imread refuses past 2^20 pixels a side; we are stricter). */
export const MAX_IMAGE_SIDE = 16384;
/** Largest pixel count accepted: 2^28, a 16k x 16k image. */
export const MAX_IMAGE_PIXELS = 2 ** 28;

/** Options of {@link decodeImage} and {@link readImage}. */
export interface DecodeOptions {
  /** Channel order of the result (default 'rgb'). Alpha is dropped, as cv2.imread's IMREAD_COLOR does. */
  order?: ColorOrder;
  /** Name of the source, for messages (readImage sets the path). */
  file?: string;
  /**
   * 'exif' (default) turns a JPEG as its EXIF orientation says, as cv2.imread (and so PaddleOCR) and
   * browsers do: a phone photo comes upright. 'stored' keeps the pixels in stored order.
   */
  orientation?: 'exif' | 'stored';
  maxSide?: number;
  maxPixels?: number;
}

/** Decodes PNG or JPEG bytes (format by magic bytes) into an 8-bit image. */
export function decodeImage(bytes: Uint8Array, options: DecodeOptions = {}): Image {
  const file = options.file ?? '<buffer>';
  if (!(bytes instanceof Uint8Array))
    throw new ImageError(`${file}: image data must be a Uint8Array`, { file, got: typeof bytes });
  if (bytes.length === 0) throw new ImageError(`${file}: the image file is empty`, { file, got: 0 });
  const format = imageFormat(bytes);
  if (format === undefined) {
    throw new ImageError(`${file}: not a PNG or JPEG image (unknown magic bytes)`, {
      file,
      expected: ['png', 'jpeg'],
      got: hex(bytes.subarray(0, 8)),
    });
  }
  const size = headerSize(bytes, format);
  if (size === undefined) throw new ImageError(`${file}: truncated or malformed ${format} header`, { file, format });
  checkSize(size, format, file, options);
  const rgb = format === 'png' ? decodePng(bytes, file) : decodeJpeg(bytes, file, size);
  const upright = format === 'jpeg' && options.orientation !== 'stored' ? orient(rgb, jpegOrientation(bytes)) : rgb;
  return convertColor(upright, options.order ?? 'rgb');
}

/** Reads and decodes an image file; errors name the path. */
export async function readImage(path: string, options: Omit<DecodeOptions, 'file'> = {}): Promise<Image> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new ImageError(
      `${path}: cannot read the image file (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      { file: path },
      { cause: error },
    );
  }
  return decodeImage(bytes, { ...options, file: path });
}

/** Encodes an image as PNG (8-bit gray or RGB). */
export function encodePng(image: Image): Uint8Array {
  const gray = image.order === 'gray';
  const png = new PNG({
    width: image.width,
    height: image.height,
    colorType: gray ? 0 : 2,
    inputColorType: gray ? 0 : 2,
    inputHasAlpha: false,
  });
  const src = gray ? image : convertColor(image, 'rgb');
  png.data = Buffer.from(src.data.buffer, src.data.byteOffset, src.data.byteLength);
  return PNG.sync.write(png, { colorType: gray ? 0 : 2, inputColorType: gray ? 0 : 2, inputHasAlpha: false });
}

/** Encodes an image as baseline JPEG (quality 1-100, default 90). */
export function encodeJpeg(image: Image, quality = 90): Uint8Array {
  const rgb = convertColor(image, 'rgb');
  const rgba = new Uint8Array(rgb.width * rgb.height * 4);
  for (let i = 0, n = rgb.width * rgb.height; i < n; i++) {
    rgba[4 * i] = rgb.data[3 * i];
    rgba[4 * i + 1] = rgb.data[3 * i + 1];
    rgba[4 * i + 2] = rgb.data[3 * i + 2];
    rgba[4 * i + 3] = 255;
  }
  return jpeg.encode({ width: rgb.width, height: rgb.height, data: rgba }, quality).data;
}

/** Writes an image; the format follows the extension (.png, .jpg, .jpeg). */
export async function writeImage(path: string, image: Image): Promise<void> {
  const ext = extname(path).toLowerCase();
  const format: ImageFormat | undefined =
    ext === '.png' ? 'png' : ext === '.jpg' || ext === '.jpeg' ? 'jpeg' : undefined;
  if (format === undefined)
    throw new ImageError(`${path}: cannot tell the image format from the extension '${ext}'`, {
      file: path,
      expected: ['.png', '.jpg', '.jpeg'],
      got: ext,
    });
  await writeFile(path, format === 'png' ? encodePng(image) : encodeJpeg(image));
}

function checkSize(
  size: { width: number; height: number },
  format: ImageFormat,
  file: string,
  options: DecodeOptions,
): void {
  const { width, height } = size;
  if (width === 0 || height === 0)
    throw new ImageError(`${file}: zero-size ${format} image (${width}x${height})`, { file, got: [width, height] });
  const maxSide = options.maxSide ?? MAX_IMAGE_SIDE;
  const maxPixels = options.maxPixels ?? MAX_IMAGE_PIXELS;
  if (width > maxSide || height > maxSide || width * height > maxPixels) {
    throw new ResourceLimitError(
      `${file}: ${format} image of ${width}x${height} exceeds the limit (${maxSide} a side, ${maxPixels} pixels)`,
      {
        file,
        expected: { maxSide, maxPixels },
        got: [width, height],
      },
    );
  }
}

function decodePng(bytes: Uint8Array, file: string): Image {
  let png: { width: number; height: number; data: Buffer };
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new ImageError(
      `${file}: cannot decode the PNG image (${(error as Error).message})`,
      { file, format: 'png' },
      { cause: error },
    );
  }
  return fromRgba(png.width, png.height, png.data);
}

function decodeJpeg(bytes: Uint8Array, file: string, size: { width: number; height: number }): Image {
  const pixels = decodeJpegWasm(bytes);
  // CMYK, truncated or corrupt data: jpeg-js, the decoder before libjpeg, decodes what it did or refuses as it did.
  if ('refused' in pixels) return decodeJpegJs(bytes, file, size, pixels.refused);
  return fromRgba(pixels.width, pixels.height, pixels.data);
}

/** The most memory jpeg-js accounts for per pixel (see decodeJpegJs). */
const JPEG_BYTES_PER_PIXEL = 24;

function decodeJpegJs(
  bytes: Uint8Array,
  file: string,
  size: { width: number; height: number },
  libjpegMessage: string,
): Image {
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = jpeg.decode(bytes, {
      useTArray: true,
      // RGB straight into the image's layout: no RGBA copy to allocate and strip.
      formatAsRGBA: false,
      // The header check already bounds the size; these keep jpeg-js's own limits out of the way. jpeg-js
      // counts up to 23 bytes a pixel: 4 of coefficients and 1 of samples per component (4 for CMYK), and 3
      // of RGB output.
      maxResolutionInMP: Math.ceil((size.width * size.height) / 1e6) + 1,
      maxMemoryUsageInMB: Math.ceil((size.width * size.height * JPEG_BYTES_PER_PIXEL) / 2 ** 20) + 64,
    });
  } catch (error) {
    throw new ImageError(
      `${file}: cannot decode the JPEG image (${error instanceof Error ? error.message : String(error)})`,
      { file, format: 'jpeg', libjpeg: libjpegMessage },
      { cause: error },
    );
  }
  return createImage(decoded.width, decoded.height, 'rgb', decoded.data);
}

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Drops alpha. Four pixels at a time as 32-bit words where the host allows it: twice as fast as bytes on 12 MP. */
function fromRgba(width: number, height: number, rgba: Uint8Array | Uint8ClampedArray): Image {
  const image = createImage(width, height, 'rgb');
  const out = image.data;
  const pixels = width * height;
  const quads = HOST_IS_LITTLE_ENDIAN && rgba.byteOffset % 4 === 0 ? pixels >> 2 : 0;
  const words = new Uint32Array(rgba.buffer, rgba.byteOffset, quads * 4);
  const outWords = new Uint32Array(out.buffer, out.byteOffset, quads * 3);
  for (let i = 0, o = 0; o < quads * 3; i += 4, o += 3) {
    const p1 = words[i + 1];
    const p2 = words[i + 2];
    outWords[o] = (words[i] & 0xffffff) | (p1 << 24);
    outWords[o + 1] = ((p1 >>> 8) & 0xffff) | (p2 << 16);
    outWords[o + 2] = ((p2 >>> 16) & 0xff) | (words[i + 3] << 8);
  }
  for (let i = quads * 4; i < pixels; i++) {
    out[3 * i] = rgba[4 * i];
    out[3 * i + 1] = rgba[4 * i + 1];
    out[3 * i + 2] = rgba[4 * i + 2];
  }
  return image;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
