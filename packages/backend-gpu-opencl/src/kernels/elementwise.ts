/**
 * Elementwise kernels: the activations and unary math, the broadcasting binary ops (each with an
 * optional activation after it), and the per-channel affine map of an unfolded BatchNormalization.
 * A broadcast is described by `meta`: rank, the output dims, then each input's strides (0 on a broadcast axis).
 */

/** Binary op codes, as the kernels' `op` argument takes them. */
export const BINARY_OP = { Add: 0, Sub: 1, Mul: 2, Div: 3, Pow: 4, PRelu: 5 } as const;

export type BinaryOpName = keyof typeof BINARY_OP;

export const ELEMENTWISE_SOURCE = /* c */ `
float binary_op(float a, float b, int op) {
  switch (op) {
    case ${BINARY_OP.Add}: return a + b;
    case ${BINARY_OP.Sub}: return a - b;
    case ${BINARY_OP.Mul}: return a * b;
    case ${BINARY_OP.Div}: return a / b;
    case ${BINARY_OP.Pow}: return pow(a, b);
    default: return a < 0.0f ? a * b : a;
  }
}

__kernel void unary(__global const store_t* x, __global store_t* y, int n, int act, float p0, float p1) {
  int i = get_global_id(0);
  if (i >= n) return;
  STORE(y, i, activate(LOAD(x, i), act, p0, p1));
}

__kernel void binary_same(__global const store_t* a, __global const store_t* b, __global store_t* y, int n, int op, int act, float p0, float p1) {
  int i = get_global_id(0);
  if (i >= n) return;
  STORE(y, i, activate(binary_op(LOAD(a, i), LOAD(b, i), op), act, p0, p1));
}

__kernel void binary_broadcast(__global const store_t* a, __global const store_t* b, __global store_t* y, __global const int* meta,
                               int n, int op, int act, float p0, float p1) {
  int i = get_global_id(0);
  if (i >= n) return;
  int rank = meta[0];
  int ia = 0, ib = 0, r = i;
  for (int d = rank - 1; d >= 0; d--) {
    int c = r % meta[1 + d];
    r /= meta[1 + d];
    ia += c * meta[1 + rank + d];
    ib += c * meta[1 + 2 * rank + d];
  }
  STORE(y, i, activate(binary_op(LOAD(a, ia), LOAD(b, ib), op), act, p0, p1));
}

/* y = x * scale[c] + shift[c], c = (i / inner) % channels. */
__kernel void channel_affine(__global const store_t* x, __global const store_t* scale, __global const store_t* shift, __global store_t* y,
                             int n, int inner, int channels) {
  int i = get_global_id(0);
  if (i >= n) return;
  int c = (i / inner) % channels;
  STORE(y, i, LOAD(x, i) * LOAD(scale, c) + LOAD(shift, c));
}
`;
