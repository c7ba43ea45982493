/**
 * Numpy broadcasting as index maps: for each output element, the flat index of the input element that
 * broadcasts onto it. Kernels then loop over plain typed arrays.
 */
import { sizeOf } from '../../shape.js';

/**
 * For every element of `outDims` (row-major), the flat index into a tensor of `inDims` that broadcasts to
 * it; `undefined` when the shapes are equal and the index is the identity.
 */
export function broadcastIndex(inDims: readonly number[], outDims: readonly number[]): Int32Array | undefined {
  if (inDims.length === outDims.length && inDims.every((d, i) => d === outDims[i])) return undefined;
  const rank = outDims.length;
  // Strides of the input aligned to the output's trailing axes; 0 where the input is stretched.
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = inDims.length - 1; i >= 0; i--) {
    const o = rank - inDims.length + i;
    strides[o] = inDims[i] === 1 ? 0 : s;
    s *= inDims[i];
  }
  const n = sizeOf(outDims);
  const index = new Int32Array(n);
  if (n === 0) return index;
  const counter = new Array<number>(rank).fill(0);
  let offset = 0;
  for (let i = 0; i < n; i++) {
    index[i] = offset;
    // Odometer step: bump the last axis, carry into earlier ones.
    for (let a = rank - 1; a >= 0; a--) {
      counter[a]++;
      offset += strides[a];
      if (counter[a] < outDims[a]) break;
      offset -= strides[a] * outDims[a];
      counter[a] = 0;
    }
  }
  return index;
}
