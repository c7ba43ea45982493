/**
 * Softmax and LogSoftmax over one axis of length `axis` with `inner` elements after it: one work-item per
 * (outer, inner) line, which takes the max, the sum of exponentials, then writes the line.
 */

export const SOFTMAX_SOURCE = /* c */ `
__kernel void softmax(__global const store_t* x, __global store_t* y, int n, int axis, int inner, int logarithm) {
  int i = get_global_id(0);
  if (i >= n) return;
  int base = (i / inner) * axis * inner + i % inner;
  float top = -INFINITY;
  for (int k = 0; k < axis; k++) top = fmax(top, LOAD(x, base + k * inner));
  float sum = 0.0f;
  for (int k = 0; k < axis; k++) sum += exp(LOAD(x, base + k * inner) - top);
  float logSum = log(sum);
  for (int k = 0; k < axis; k++) {
    float v = LOAD(x, base + k * inner) - top;
    STORE(y, base + k * inner, logarithm ? v - logSum : exp(v) / sum);
  }
}
`;
