/**
 * Naive forward passes written from Caffe's CPU layers (conv_layer / im2col, deconv, pooling_layer.cpp,
 * inner_product_layer, lrn_layer, batch_norm_layer): the independent expectation the imported graphs are
 * checked against. NCHW, float64 accumulation.
 */

export interface Geometry2d {
  kernel: [number, number];
  pad: [number, number];
  stride: [number, number];
  dilation?: [number, number];
  group?: number;
}

export function convolution(
  x: ArrayLike<number>,
  [n, c, h, w]: number[],
  weights: ArrayLike<number>,
  bias: ArrayLike<number> | undefined,
  m: number,
  g: Geometry2d,
) {
  const [kh, kw] = g.kernel;
  const [dh, dw] = g.dilation ?? [1, 1];
  const group = g.group ?? 1;
  const oh = Math.floor((h + 2 * g.pad[0] - (dh * (kh - 1) + 1)) / g.stride[0]) + 1;
  const ow = Math.floor((w + 2 * g.pad[1] - (dw * (kw - 1) + 1)) / g.stride[1]) + 1;
  const cg = c / group;
  const mg = m / group;
  const out = new Float64Array(n * m * oh * ow);
  for (let b = 0; b < n; b++)
    for (let o = 0; o < m; o++) {
      const gi = Math.floor(o / mg);
      for (let y = 0; y < oh; y++)
        for (let xx = 0; xx < ow; xx++) {
          let acc = bias ? bias[o] : 0;
          for (let ci = 0; ci < cg; ci++)
            for (let i = 0; i < kh; i++)
              for (let j = 0; j < kw; j++) {
                const iy = y * g.stride[0] - g.pad[0] + i * dh;
                const ix = xx * g.stride[1] - g.pad[1] + j * dw;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                acc += x[((b * c + gi * cg + ci) * h + iy) * w + ix] * weights[((o * cg + ci) * kh + i) * kw + j];
              }
          out[((b * m + o) * oh + y) * ow + xx] = acc;
        }
    }
  return { dims: [n, m, oh, ow], data: out };
}

/** Deconvolution: every input pixel scatters its weighted kernel into the output (col2im). */
export function deconvolution(
  x: ArrayLike<number>,
  [n, c, h, w]: number[],
  weights: ArrayLike<number>,
  bias: ArrayLike<number> | undefined,
  m: number,
  g: Geometry2d,
) {
  const [kh, kw] = g.kernel;
  const [dh, dw] = g.dilation ?? [1, 1];
  const group = g.group ?? 1;
  const oh = g.stride[0] * (h - 1) + dh * (kh - 1) + 1 - 2 * g.pad[0];
  const ow = g.stride[1] * (w - 1) + dw * (kw - 1) + 1 - 2 * g.pad[1];
  const cg = c / group;
  const mg = m / group;
  const out = new Float64Array(n * m * oh * ow);
  for (let b = 0; b < n; b++)
    for (let ci = 0; ci < c; ci++) {
      const gi = Math.floor(ci / cg);
      for (let y = 0; y < h; y++)
        for (let xx = 0; xx < w; xx++)
          for (let om = 0; om < mg; om++)
            for (let i = 0; i < kh; i++)
              for (let j = 0; j < kw; j++) {
                const oy = y * g.stride[0] - g.pad[0] + i * dh;
                const ox = xx * g.stride[1] - g.pad[1] + j * dw;
                if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) continue;
                const o = gi * mg + om;
                out[((b * m + o) * oh + oy) * ow + ox] +=
                  x[((b * c + ci) * h + y) * w + xx] * weights[((ci * mg + om) * kh + i) * kw + j];
              }
    }
  if (bias)
    for (let b = 0; b < n; b++)
      for (let o = 0; o < m; o++) for (let k = 0; k < oh * ow; k++) out[(b * m + o) * oh * ow + k] += bias[o];
  return { dims: [n, m, oh, ow], data: out };
}

/** pooling_layer.cpp Reshape + Forward_cpu (MAX and AVE), ceil or floor rounding. */
export function pooling(
  x: ArrayLike<number>,
  [n, c, h, w]: number[],
  method: 'MAX' | 'AVE',
  g: Omit<Geometry2d, 'dilation' | 'group'>,
  ceil = true,
) {
  const [kh, kw] = g.kernel;
  const [ph, pw] = g.pad;
  const [sh, sw] = g.stride;
  const round = ceil ? Math.ceil : Math.floor;
  let oh = round((h + 2 * ph - kh) / sh) + 1;
  let ow = round((w + 2 * pw - kw) / sw) + 1;
  if (ph || pw) {
    if ((oh - 1) * sh >= h + ph) --oh;
    if ((ow - 1) * sw >= w + pw) --ow;
  }
  const out = new Float64Array(n * c * oh * ow);
  for (let b = 0; b < n * c; b++)
    for (let py = 0; py < oh; py++)
      for (let px = 0; px < ow; px++) {
        let hstart = py * sh - ph;
        let wstart = px * sw - pw;
        if (method === 'MAX') {
          const hend = Math.min(hstart + kh, h);
          const wend = Math.min(wstart + kw, w);
          hstart = Math.max(hstart, 0);
          wstart = Math.max(wstart, 0);
          let best = -3.4028234663852886e38;
          for (let y = hstart; y < hend; y++)
            for (let xx = wstart; xx < wend; xx++) if (x[(b * h + y) * w + xx] > best) best = x[(b * h + y) * w + xx];
          out[(b * oh + py) * ow + px] = best;
        } else {
          let hend = Math.min(hstart + kh, h + ph);
          let wend = Math.min(wstart + kw, w + pw);
          const poolSize = (hend - hstart) * (wend - wstart);
          hstart = Math.max(hstart, 0);
          wstart = Math.max(wstart, 0);
          hend = Math.min(hend, h);
          wend = Math.min(wend, w);
          let sum = 0;
          for (let y = hstart; y < hend; y++) for (let xx = wstart; xx < wend; xx++) sum += x[(b * h + y) * w + xx];
          out[(b * oh + py) * ow + px] = sum / poolSize;
        }
      }
  return { dims: [n, c, oh, ow], data: out };
}

/** y = x W^T + b over the axes from `axis` on (W is N x K, or K x N when transposed). */
export function innerProduct(
  x: ArrayLike<number>,
  dims: number[],
  axis: number,
  weights: ArrayLike<number>,
  bias: ArrayLike<number> | undefined,
  num: number,
  transpose = false,
) {
  const outer = dims.slice(0, axis).reduce((p, d) => p * d, 1);
  const k = dims.slice(axis).reduce((p, d) => p * d, 1);
  const out = new Float64Array(outer * num);
  for (let i = 0; i < outer; i++)
    for (let o = 0; o < num; o++) {
      let acc = bias ? bias[o] : 0;
      for (let j = 0; j < k; j++) acc += x[i * k + j] * (transpose ? weights[j * num + o] : weights[o * k + j]);
      out[i * num + o] = acc;
    }
  return { dims: [...dims.slice(0, axis), num], data: out };
}

/** lrn_layer.cpp CrossChannelForward: scale = k + alpha / size * sum of squares over the window. */
export function lrnAcrossChannels(
  x: ArrayLike<number>,
  [n, c, h, w]: number[],
  size: number,
  alpha: number,
  beta: number,
  k: number,
) {
  const out = new Float64Array(x.length);
  const half = (size - 1) / 2;
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let p = 0; p < h * w; p++) {
        let sum = 0;
        for (let j = Math.max(0, ch - half); j <= Math.min(c - 1, ch + half); j++)
          sum += x[(b * c + j) * h * w + p] ** 2;
        const i = (b * c + ch) * h * w + p;
        out[i] = x[i] * (k + (alpha / size) * sum) ** -beta;
      }
  return out;
}

/** batch_norm_layer.cpp with use_global_stats: statistics scaled by 1/factor (0 when factor is 0). */
export function batchNorm(
  x: ArrayLike<number>,
  [n, c, ...rest]: number[],
  mean: ArrayLike<number>,
  variance: ArrayLike<number>,
  factor: number,
  eps: number,
) {
  const scale = factor === 0 ? 0 : 1 / factor;
  const spatial = rest.reduce((p, d) => p * d, 1);
  const out = new Float64Array(x.length);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let p = 0; p < spatial; p++) {
        const i = (b * c + ch) * spatial + p;
        out[i] = (x[i] - mean[ch] * scale) / Math.sqrt(variance[ch] * scale + eps);
      }
  return out;
}
