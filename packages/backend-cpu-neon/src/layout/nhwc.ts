/**
 * The activation layout inside a partition: every rank-4 float32 tensor is stored NHWC (channels
 * innermost, what the SIMD kernels vectorize over); everything else is stored row-major as ONNX sees it.
 * Conversions happen at partition boundaries and around host-run ops only.
 */
import { stridesOf, type TensorType } from '@lastmile/core';

export type Layout = 'nhwc' | 'plain';

/** The layout a value of this type and rank is stored in. */
export function layoutFor(type: TensorType, rank: number): Layout {
  return type === 'float32' && rank === 4 ? 'nhwc' : 'plain';
}

/** The stored (physical) dims of logical dims in `layout`. */
export function physicalDims(dims: readonly number[], layout: Layout): number[] {
  return layout === 'nhwc' ? [dims[0], dims[2], dims[3], dims[1]] : [...dims];
}

/** For each logical axis, the stride (in elements) of its storage. */
export function storageStrides(dims: readonly number[], layout: Layout): number[] {
  if (layout === 'nhwc') {
    const [, C, H, W] = dims;
    return [H * W * C, 1, W * C, C];
  }
  return stridesOf(dims);
}

/** The physical position of each logical axis (identity for plain). */
export function physicalAxisOf(axis: number, layout: Layout): number {
  return layout === 'nhwc' ? [0, 3, 1, 2][axis] : axis;
}

/** True when NCHW and NHWC order the elements identically (one channel, or one pixel per image). */
export function nhwcIsPlain(dims: readonly number[]): boolean {
  return dims.length === 4 && (dims[1] === 1 || dims[2] * dims[3] === 1);
}

/** NCHW `src` into NHWC `dst` (at element offset `at`). */
export function nchwToNhwc(src: Float32Array, dst: Float32Array, at: number, dims: readonly number[]): void {
  const [N, C, H, W] = dims;
  const plane = H * W;
  for (let n = 0; n < N; n++) {
    const s0 = n * C * plane;
    const d0 = at + n * C * plane;
    for (let c = 0; c < C; c++) {
      const s = s0 + c * plane;
      for (let p = 0, d = d0 + c; p < plane; p++, d += C) dst[d] = src[s + p];
    }
  }
}

/** NHWC `src` (from element offset `at`) into NCHW `dst`. */
export function nhwcToNchw(src: Float32Array, at: number, dst: Float32Array, dims: readonly number[]): void {
  const [N, C, H, W] = dims;
  const plane = H * W;
  for (let n = 0; n < N; n++) {
    const d0 = n * C * plane;
    const s0 = at + n * C * plane;
    for (let c = 0; c < C; c++) {
      const d = d0 + c * plane;
      for (let p = 0, s = s0 + c; p < plane; p++, s += C) dst[d + p] = src[s];
    }
  }
}
