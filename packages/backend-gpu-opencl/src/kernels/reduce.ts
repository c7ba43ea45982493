/**
 * ReduceSum / ReduceMean / ReduceMax over any set of axes. `meta` holds rank, the kept dims (1 on a
 * reduced axis), the input strides, and the reduced dims (1 on a kept axis); each work-item walks the
 * reduced index space of its output.
 */

/** Reduction codes, as the kernel's `op` argument takes them. */
export const REDUCE_OP = { ReduceSum: 0, ReduceMean: 1, ReduceMax: 2 } as const;

export type ReduceOpName = keyof typeof REDUCE_OP;

export const REDUCE_SOURCE = /* c */ `
__kernel void reduce(__global const store_t* x, __global store_t* y, __global const int* meta, int n, int count, int op) {
  int i = get_global_id(0);
  if (i >= n) return;
  int rank = meta[0];
  __global const int* kept = meta + 1;
  __global const int* strides = meta + 1 + rank;
  __global const int* reduced = meta + 1 + 2 * rank;
  int base = 0, r = i;
  for (int d = rank - 1; d >= 0; d--) {
    base += (r % kept[d]) * strides[d];
    r /= kept[d];
  }
  float acc = op == ${REDUCE_OP.ReduceMax} ? -INFINITY : 0.0f;
  for (int k = 0; k < count; k++) {
    int at = base, q = k;
    for (int d = rank - 1; d >= 0; d--) {
      at += (q % reduced[d]) * strides[d];
      q /= reduced[d];
    }
    float v = LOAD(x, at);
    acc = op == ${REDUCE_OP.ReduceMax} ? (v > acc || isnan(v) ? v : acc) : acc + v;
  }
  STORE(y, i, op == ${REDUCE_OP.ReduceMean} ? acc / (float)count : acc);
}
`;
