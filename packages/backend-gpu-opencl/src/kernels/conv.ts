/**
 * Convolutions on NCHW: the general grouped/strided/dilated/padded one and 1x1 (both four output channels
 * per work-item, so each input value is read once for four), depthwise, and the transposed one. The
 * geometry travels as one int16 argument: C, H, W, M, OH, OW, KH, KW, SH, SW, PH, PW, DH, DW, C/group, M/group.
 */

export const CONV_SOURCE = /* c */ `
#define G_C g.s0
#define G_H g.s1
#define G_W g.s2
#define G_M g.s3
#define G_OH g.s4
#define G_OW g.s5
#define G_KH g.s6
#define G_KW g.s7
#define G_SH g.s8
#define G_SW g.s9
#define G_PH g.sa
#define G_PW g.sb
#define G_DH g.sc
#define G_DW g.sd
#define G_CG g.se
#define G_MG g.sf

/* The weights at offset k of four output channels' filters, which start at rows.s0 to rows.s3. */
float4 conv_weights4(__global const store_t* w, int4 rows, int k) {
  return (float4)(LOAD(w, rows.s0 + k), LOAD(w, rows.s1 + k), LOAD(w, rows.s2 + k), LOAD(w, rows.s3 + k));
}

/* Stores output channels 0 to live - 1 (live is 1 to 4) of acc, activated: channel j at y[yb + j * plane]. */
void conv_store4(__global store_t* y, int yb, int plane, int live, float4 acc, int act, float p0, float p1) {
  STORE(y, yb, activate(acc.s0, act, p0, p1));
  if (live > 1) STORE(y, yb + plane, activate(acc.s1, act, p0, p1));
  if (live > 2) STORE(y, yb + 2 * plane, activate(acc.s2, act, p0, p1));
  if (live > 3) STORE(y, yb + 3 * plane, activate(acc.s3, act, p0, p1));
}

/* Four output channels of one group per work-item, so each input value is loaded once for four.
   n = N * group * ceil((M / group) / 4) * OH * OW. */
__kernel void conv2d(__global const store_t* x, __global const store_t* w, __global const store_t* bias, __global store_t* y,
                     int16 g, int n, int act, float p0, float p1) {
  int i = get_global_id(0);
  if (i >= n) return;
  int ohw = G_OH * G_OW;
  int p = i % ohw; int t = i / ohw;
  int blocks = (G_MG + 3) / 4, groups = G_M / G_MG;
  int blk = t % (blocks * groups); int b = t / (blocks * groups);
  int grp = blk / blocks;
  int m0 = grp * G_MG + (blk % blocks) * 4;
  int live = min(4, (grp + 1) * G_MG - m0);
  int oh = p / G_OW, ow = p % G_OW;
  int ih0 = oh * G_SH - G_PH, iw0 = ow * G_SW - G_PW;
  int ksize = G_CG * G_KH * G_KW;
  int4 rows = (int4)(m0 * ksize, (m0 + min(1, live - 1)) * ksize, (m0 + min(2, live - 1)) * ksize, (m0 + min(3, live - 1)) * ksize);
  float4 acc = (float4)(LOAD(bias, m0), LOAD(bias, m0 + min(1, live - 1)), LOAD(bias, m0 + min(2, live - 1)), LOAD(bias, m0 + min(3, live - 1)));
  for (int c = 0; c < G_CG; c++) {
    int xb = (b * G_C + grp * G_CG + c) * G_H * G_W;
    for (int kh = 0; kh < G_KH; kh++) {
      int ih = ih0 + kh * G_DH;
      if (ih < 0 || ih >= G_H) continue;
      for (int kw = 0; kw < G_KW; kw++) {
        int iw = iw0 + kw * G_DW;
        if (iw < 0 || iw >= G_W) continue;
        float v = LOAD(x, xb + ih * G_W + iw);
        int k = (c * G_KH + kh) * G_KW + kw;
        acc += v * conv_weights4(w, rows, k);
      }
    }
  }
  conv_store4(y, (b * G_M + m0) * ohw + p, ohw, live, acc, act, p0, p1);
}

/* One input channel per output channel (group == C == M). */
__kernel void conv2d_depthwise(__global const store_t* x, __global const store_t* w, __global const store_t* bias, __global store_t* y,
                               int16 g, int n, int act, float p0, float p1) {
  int i = get_global_id(0);
  if (i >= n) return;
  int ow = i % G_OW; int t = i / G_OW;
  int oh = t % G_OH; int plane = t / G_OH;
  int oc = plane % G_M;
  int ih0 = oh * G_SH - G_PH, iw0 = ow * G_SW - G_PW;
  int xb = plane * G_H * G_W, wb = oc * G_KH * G_KW;
  float acc = LOAD(bias, oc);
  for (int kh = 0; kh < G_KH; kh++) {
    int ih = ih0 + kh * G_DH;
    if (ih < 0 || ih >= G_H) continue;
    for (int kw = 0; kw < G_KW; kw++) {
      int iw = iw0 + kw * G_DW;
      if (iw < 0 || iw >= G_W) continue;
      acc += LOAD(w, wb + kh * G_KW + kw) * LOAD(x, xb + ih * G_W + iw);
    }
  }
  STORE(y, i, activate(acc, act, p0, p1));
}

/* 1x1, stride 1, no padding, one group: a matrix product per image. n = N * ceil(M / 4) * H * W. */
__kernel void conv2d_1x1(__global const store_t* x, __global const store_t* w, __global const store_t* bias, __global store_t* y,
                         int16 g, int n, int act, float p0, float p1) {
  int i = get_global_id(0);
  if (i >= n) return;
  int hw = G_H * G_W;
  int p = i % hw; int t = i / hw;
  int blocks = (G_M + 3) / 4;
  int oc = (t % blocks) * 4; int b = t / blocks;
  int live = min(4, G_M - oc);
  float4 acc = (float4)(LOAD(bias, oc), live > 1 ? LOAD(bias, oc + 1) : 0.0f, live > 2 ? LOAD(bias, oc + 2) : 0.0f, live > 3 ? LOAD(bias, oc + 3) : 0.0f);
  int xb = b * G_C * hw + p;
  int4 rows = (int4)(oc * G_C, min(oc + 1, G_M - 1) * G_C, min(oc + 2, G_M - 1) * G_C, min(oc + 3, G_M - 1) * G_C);
  for (int c = 0; c < G_C; c++) {
    float v = LOAD(x, xb + c * hw);
    acc += v * conv_weights4(w, rows, c);
  }
  conv_store4(y, (b * G_M + oc) * hw + p, hw, live, acc, act, p0, p1);
}

/* Transposed: W is [C, M/group, KH, KW]; each output gathers the inputs whose window covers it. */
__kernel void conv_transpose2d(__global const store_t* x, __global const store_t* w, __global const store_t* bias, __global store_t* y,
                               int16 g, int n, int act, float p0, float p1) {
  int i = get_global_id(0);
  if (i >= n) return;
  int ow = i % G_OW; int t = i / G_OW;
  int oh = t % G_OH; t /= G_OH;
  int oc = t % G_M; int b = t / G_M;
  int grp = oc / G_MG, m = oc % G_MG;
  float acc = LOAD(bias, oc);
  for (int kh = 0; kh < G_KH; kh++) {
    int sh = oh + G_PH - kh * G_DH;
    if (sh < 0 || sh % G_SH != 0) continue;
    int ih = sh / G_SH;
    if (ih >= G_H) continue;
    for (int kw = 0; kw < G_KW; kw++) {
      int sw = ow + G_PW - kw * G_DW;
      if (sw < 0 || sw % G_SW != 0) continue;
      int iw = sw / G_SW;
      if (iw >= G_W) continue;
      for (int c = 0; c < G_CG; c++) {
        int ic = grp * G_CG + c;
        acc += LOAD(x, ((b * G_C + ic) * G_H + ih) * G_W + iw) * LOAD(w, ((ic * G_MG + m) * G_KH + kh) * G_KW + kw);
      }
    }
  }
  STORE(y, i, activate(acc, act, p0, p1));
}
`;
