/**
 * An image file as a model input: decoded by @lastmile/vision (PNG or JPEG), resized (bilinear) to the
 * input's spatial dims, laid out as the input is (NCHW, or NHWC when the last dim is the channels), RGB
 * (or gray for one channel) as float32 in 0..1, then normalized per channel when asked. Symbolic height and
 * width take the image's own size.
 */
import type { Dim, Tensor, ValueInfo } from '@lastmile/core';
import { decodeImage, imageToTensor, resize } from '@lastmile/vision';
import { UsageError } from './exit-codes.js';
import { formatDims } from './text.js';

const isChannels = (d: Dim | undefined) => d === 1 || d === 3;

/** Per-channel `(x - mean) / std` after scaling to 0..1 (default: none). */
export interface ImageNormalization {
  mean: readonly number[];
  std: readonly number[];
}

/** The image `bytes` (from `path`) as a tensor for `info`, whose shape `given` (--shape) may override. */
export function imageInput(
  bytes: Uint8Array,
  path: string,
  info: ValueInfo,
  given: readonly number[] | undefined,
  normalization: ImageNormalization = { mean: [0], std: [1] },
): Tensor {
  const dims: readonly Dim[] | undefined = given ?? info.shape;
  if (info.type !== 'float32')
    throw new UsageError(`input '${info.name}' is ${info.type}; image files feed float32 inputs only (${path})`);
  if (dims === undefined || dims.length !== 4) {
    throw new UsageError(
      `input '${info.name}' has shape ${formatDims(dims)}; an image feeds a rank-4 NCHW or NHWC input (${path})`,
    );
  }
  if (typeof dims[0] === 'number' && dims[0] !== 1)
    throw new UsageError(`input '${info.name}' takes a batch of ${dims[0]}; an image file is a batch of 1 (${path})`);
  const nhwc = !isChannels(dims[1]) && isChannels(dims[3]);
  const [c, h, w] = nhwc ? [dims[3], dims[1], dims[2]] : [dims[1], dims[2], dims[3]];
  const channels = typeof c === 'number' ? c : 3;
  if (!isChannels(channels))
    throw new UsageError(`input '${info.name}' has ${channels} channels; an image gives 1 (gray) or 3 (RGB) (${path})`);
  const decoded = decodeImage(bytes, { file: path, order: channels === 1 ? 'gray' : 'rgb' });
  const width = typeof w === 'number' ? w : decoded.width;
  const height = typeof h === 'number' ? h : decoded.height;
  const image =
    width === decoded.width && height === decoded.height ? decoded : resize(decoded, width, height, 'bilinear');
  return imageToTensor(image, { ...normalization, scale: 1 / 255 }, nhwc ? 'NHWC' : 'NCHW');
}
