/**
 * Data movement. `strided_copy` reads the input at `base + sum(index[d] * stride[d])` for each output
 * index, which is Transpose (permuted strides), Slice (scaled strides and a base) and Expand (zero strides);
 * `meta` holds rank, the output dims and the input strides. `copy_axis` moves a band of an axis, which is
 * one input of Concat or one output of Split.
 */

export const MOVEMENT_SOURCE = /* c */ `
__kernel void strided_copy(__global const raw_t* x, __global raw_t* y, __global const int* meta, int n, int base) {
  int i = get_global_id(0);
  if (i >= n) return;
  int rank = meta[0];
  int at = base, r = i;
  for (int d = rank - 1; d >= 0; d--) {
    at += (r % meta[1 + d]) * meta[1 + rank + d];
    r /= meta[1 + d];
  }
  y[i] = x[at];
}

/* n = outer * count * inner; the band [srcOffset, srcOffset + count) of an axis of length srcAxis. */
__kernel void copy_axis(__global const raw_t* x, __global raw_t* y, int n, int inner, int count,
                        int srcAxis, int srcOffset, int dstAxis, int dstOffset) {
  int i = get_global_id(0);
  if (i >= n) return;
  int r = i % inner; int t = i / inner;
  int a = t % count; int o = t / count;
  y[(o * dstAxis + dstOffset + a) * inner + r] = x[(o * srcAxis + srcOffset + a) * inner + r];
}
`;
