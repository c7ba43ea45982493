/**
 * Resize of the last two axes by tap tables computed on the host: for each output row two input rows and
 * their weights, the same for columns (nearest has one live tap of weight 1). Zero-weight taps are skipped,
 * so a nearest pick copies its value exactly.
 */

export const RESIZE_SOURCE = /* c */ `
__kernel void resize2d(__global const store_t* x, __global store_t* y, __global const int* rows, __global const float* rowWeights,
                       __global const int* cols, __global const float* colWeights, int n, int H, int W, int OH, int OW) {
  int i = get_global_id(0);
  if (i >= n) return;
  int ox = i % OW; int t = i / OW;
  int oy = t % OH; int plane = t / OH;
  int xb = plane * H * W;
  float acc = 0.0f;
  for (int a = 0; a < 2; a++) {
    float wy = rowWeights[2 * oy + a];
    if (wy == 0.0f) continue;
    for (int b = 0; b < 2; b++) {
      float wx = colWeights[2 * ox + b];
      if (wx == 0.0f) continue;
      acc += wy * wx * LOAD(x, xb + rows[2 * oy + a] * W + cols[2 * ox + b]);
    }
  }
  STORE(y, i, acc);
}
`;
