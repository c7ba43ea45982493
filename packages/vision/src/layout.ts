/**
 * From images to float tensors: per-channel affine normalization `(x * scale - mean) / std` with the
 * layout the model takes (NCHW or NHWC), batches padded to a common width, and HWC <-> CHW transposes.
 */
import { InputError, Tensor } from '@lastmile/core';
import { ImageError } from './image-error.js';
import { channels, convertColor, type ColorOrder, type Image } from './image.js';

/** Normalization `(x * scale - mean[c]) / std[c]`, with the color order the model was trained on. */
export interface Normalization {
  mean: readonly number[];
  std: readonly number[];
  /** Applied before the mean (default 1/255). */
  scale?: number;
  /** Channel order the model expects (default: the image's own). */
  order?: ColorOrder;
}

/** Per-channel affine map `x * alpha[c] + beta[c]`, with the value written where there is no pixel. */
export interface ChannelAffine {
  alpha: readonly number[];
  beta: readonly number[];
  /** Value of padding and borders, per channel (PaddleOCR pads with 0 after normalizing). */
  fill: readonly number[];
}

/** The affine form of a normalization over `c` channels (its fill is 0: padding after normalizing). */
export function affineOf(n: Normalization, c: number): ChannelAffine {
  const scale = n.scale ?? 1 / 255;
  const mean = perChannel(n.mean, c, 'mean');
  const std = perChannel(n.std, c, 'std');
  std.forEach((s) => {
    if (!(s !== 0 && Number.isFinite(s)))
      throw new InputError(`normalization std must be finite and non-zero, got ${s}`, {
        expected: 'std != 0',
        got: n.std,
      });
  });
  return { alpha: std.map((s) => scale / s), beta: mean.map((m, i) => -m / std[i]), fill: new Array(c).fill(0) };
}

function perChannel(values: readonly number[], c: number, what: string): number[] {
  if (values.length === 1) return new Array(c).fill(values[0]);
  if (values.length !== c)
    throw new InputError(`normalization ${what} has ${values.length} values for ${c} channels`, {
      expected: c,
      got: values.length,
    });
  return [...values];
}

/** Options of {@link imagesToTensor}. */
export interface BatchLayout {
  layout?: 'NCHW' | 'NHWC';
  /** Width of the batch (default the widest image); narrower images are padded on the right with `fill`. */
  width?: number;
  /** Border of `fill` around every image: top, left, bottom, right (a Conv's folded-away zero padding). */
  border?: readonly [number, number, number, number];
  order?: ColorOrder;
}

/**
 * A float32 batch [N, C, H, W] (or NHWC) of images of one height: each pixel mapped by `affine`,
 * padding and border filled with `affine.fill`.
 */
export function imagesToTensor(
  images: readonly Image[],
  affine: ChannelAffine,
  options: BatchLayout = {},
): Tensor<'float32'> {
  if (images.length === 0) throw new ImageError('a batch needs at least one image', { got: 0 });
  // RGB <-> BGR is read through a channel map below instead of a converted copy; gray <-> color converts.
  const swaps = (im: Image) =>
    options.order !== undefined && im.order !== options.order && im.order !== 'gray' && options.order !== 'gray';
  const ordered =
    options.order === undefined
      ? images
      : images.map((im) => (swaps(im) ? im : convertColor(im, options.order as ColorOrder)));
  const c = channels(ordered[0]);
  const h = ordered[0].height;
  for (const im of ordered) {
    if (im.height !== h || channels(im) !== c) {
      throw new ImageError(
        `images of one batch need the same height and channels: ${h}x${c} and ${im.height}x${channels(im)}`,
        { expected: [h, c], got: [im.height, channels(im)] },
      );
    }
  }
  const inner = options.width ?? Math.max(...ordered.map((im) => im.width));
  if (ordered.some((im) => im.width > inner))
    throw new ImageError(`an image is wider than the batch width ${inner}`, {
      expected: inner,
      got: ordered.map((im) => im.width),
    });
  const [top, left, bottom, right] = options.border ?? [0, 0, 0, 0];
  const H = h + top + bottom;
  const W = inner + left + right;
  const nchw = (options.layout ?? 'NCHW') === 'NCHW';
  const data = new Float32Array(ordered.length * c * H * W);
  // Strides of (n, c, y, x) in the output.
  const [sc, sy, sx] = nchw ? [H * W, W, 1] : [1, W * c, c];
  for (let n = 0; n < ordered.length; n++) {
    const base = n * c * H * W;
    for (let k = 0; k < c; k++) {
      const fill = affine.fill[k];
      if (fill !== 0)
        for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data[base + k * sc + y * sy + x * sx] = fill;
    }
    const im = ordered[n];
    const src = im.data;
    // One output channel at a time: NCHW planes are written in order, and the per-channel constants stay in registers.
    for (let k = 0; k < c; k++) {
      const from = swaps(im) ? c - 1 - k : k;
      const [alpha, beta] = [affine.alpha[k], affine.beta[k]];
      for (let y = 0; y < im.height; y++) {
        let to = base + k * sc + (y + top) * sy + left * sx;
        for (let i = y * im.width * c + from, end = i + im.width * c; i < end; i += c, to += sx)
          data[to] = src[i] * alpha + beta;
      }
    }
  }
  return new Tensor('float32', data, nchw ? [ordered.length, c, H, W] : [ordered.length, H, W, c]);
}

/** One image normalized to a [1, C, H, W] tensor. */
export function imageToTensor(
  image: Image,
  normalization: Normalization,
  layout: 'NCHW' | 'NHWC' = 'NCHW',
): Tensor<'float32'> {
  const order = normalization.order ?? image.order;
  return imagesToTensor([image], affineOf(normalization, channels(image)), { layout, order });
}

/** [..., H, W, C] -> [..., C, H, W] for float32 tensors. */
export function hwcToChw(t: Tensor<'float32'>): Tensor<'float32'> {
  return transposeLast3(t, 'hwc');
}

/** [..., C, H, W] -> [..., H, W, C] for float32 tensors. */
export function chwToHwc(t: Tensor<'float32'>): Tensor<'float32'> {
  return transposeLast3(t, 'chw');
}

function transposeLast3(t: Tensor<'float32'>, from: 'hwc' | 'chw'): Tensor<'float32'> {
  if (t.dims.length < 3)
    throw new InputError(`a layout transpose needs rank >= 3, got [${t.dims.join(', ')}]`, {
      expected: '>= 3',
      got: t.dims.length,
    });
  const [a, b, c] = t.dims.slice(-3);
  const outer = t.size / (a * b * c);
  const out = new Float32Array(t.size);
  const block = a * b * c;
  for (let n = 0; n < outer; n++) {
    for (let i = 0; i < a; i++) {
      for (let j = 0; j < b; j++) {
        for (let k = 0; k < c; k++) {
          const v = t.data[n * block + (i * b + j) * c + k];
          // hwc: (h=i, w=j, c=k) -> (k, i, j); chw: (c=i, h=j, w=k) -> (j, k, i).
          const to = from === 'hwc' ? (k * a + i) * b + j : (j * c + k) * a + i;
          out[n * block + to] = v;
        }
      }
    }
  }
  const dims = t.dims.slice(0, -3);
  return new Tensor('float32', out, from === 'hwc' ? [...dims, c, a, b] : [...dims, b, c, a]);
}
