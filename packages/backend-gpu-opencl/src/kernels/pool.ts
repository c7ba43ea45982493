/**
 * Pooling on NCHW planes. The window travels as one int16: H, W, OH, OW, KH, KW, SH, SW, PH, PW, DH, DW,
 * max (1) or average (0), count_include_pad, and the end paddings of H and W (where an included pad ends).
 */

export const POOL_SOURCE = /* c */ `
__kernel void pool2d(__global const store_t* x, __global store_t* y, int16 g, int n) {
  int i = get_global_id(0);
  if (i >= n) return;
  int ow = i % g.s3; int t = i / g.s3;
  int oh = t % g.s2; int plane = t / g.s2;
  int h0 = oh * g.s6 - g.s8, w0 = ow * g.s7 - g.s9;
  int xb = plane * g.s0 * g.s1;
  float best = -INFINITY, sum = 0.0f;
  int counted = 0;
  for (int kh = 0; kh < g.s4; kh++) {
    int h = h0 + kh * g.sa;
    for (int kw = 0; kw < g.s5; kw++) {
      int w = w0 + kw * g.sb;
      bool inside = h >= 0 && h < g.s0 && w >= 0 && w < g.s1;
      if (inside) {
        float v = LOAD(x, xb + h * g.s1 + w);
        best = v > best || isnan(v) ? v : best;
        sum += v;
      }
      if (g.sd ? (h >= -g.s8 && h < g.s0 + g.se && w >= -g.s9 && w < g.s1 + g.sf) : inside) counted++;
    }
  }
  STORE(y, i, g.sc ? best : sum / (float)counted);
}

/* One work-item per plane of hw values: the mean (mode 0) or the max (mode 1). */
__kernel void global_pool(__global const store_t* x, __global store_t* y, int hw, int n, int mode) {
  int i = get_global_id(0);
  if (i >= n) return;
  float best = -INFINITY, sum = 0.0f;
  for (int k = 0; k < hw; k++) {
    float v = LOAD(x, i * hw + k);
    best = v > best || isnan(v) ? v : best;
    sum += v;
  }
  STORE(y, i, mode ? best : sum / (float)hw);
}
`;
