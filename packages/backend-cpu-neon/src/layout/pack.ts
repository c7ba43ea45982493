/**
 * Weight packing into the layouts the kernels stream through. The packers taking arrays reuse what an
 * earlier compile packed from the same weights; `packGemm` reads through closures, so its callers wrap
 * it in {@link reusePacked} themselves.
 */
import { GEMM_NR } from '../kernels/gemm.js';
import { reusePacked } from './pack-cache.js';

/** Floats of packed GEMM weights for K x N. */
export function packedGemmFloats(K: number, N: number): number {
  return Math.ceil(N / GEMM_NR) * GEMM_NR * (K + 1);
}

/**
 * Per 8-column panel: 8 biases, then K rows of 8 weights; columns past N are zero.
 * `weight(k, n)` reads B; `bias(n)` the bias (0 when absent).
 */
export function packGemm(
  K: number,
  N: number,
  weight: (k: number, n: number) => number,
  bias?: (n: number) => number,
): Float32Array {
  const out = new Float32Array(packedGemmFloats(K, N));
  let o = 0;
  for (let n0 = 0; n0 < N; n0 += GEMM_NR) {
    const width = Math.min(GEMM_NR, N - n0);
    if (bias) for (let j = 0; j < width; j++) out[o + j] = bias(n0 + j);
    o += GEMM_NR;
    for (let k = 0; k < K; k++, o += GEMM_NR) for (let j = 0; j < width; j++) out[o + j] = weight(k, n0 + j);
  }
  return out;
}

/** Channels per depthwise tile. */
export const DW_TILE = 8;

/**
 * Depthwise weights [C, 1, taps] as tiles of 8 channels: 8 biases, then 8 weights per tap, each channel
 * scaled. Reused across compiles: never written.
 */
export function packDepthwise(
  C: number,
  taps: number,
  weights: Float32Array,
  scale: Float32Array,
  bias: Float32Array,
): Float32Array {
  return reusePacked({ weights, params: `depthwise ${C} ${taps}`, folded: [scale, bias] }, () =>
    depthwiseTiles(C, taps, weights, scale, bias),
  );
}

function depthwiseTiles(
  C: number,
  taps: number,
  weights: Float32Array,
  scale: Float32Array,
  bias: Float32Array,
): Float32Array {
  const out = new Float32Array(Math.ceil(C / DW_TILE) * DW_TILE * (taps + 1));
  let o = 0;
  for (let c0 = 0; c0 < C; c0 += DW_TILE) {
    const width = Math.min(DW_TILE, C - c0);
    for (let j = 0; j < width; j++) out[o + j] = bias[c0 + j];
    o += DW_TILE;
    for (let t = 0; t < taps; t++, o += DW_TILE)
      for (let j = 0; j < width; j++) out[o + j] = weights[(c0 + j) * taps + t] * scale[c0 + j];
  }
  return out;
}

/**
 * Conv weights [M, Cg, taps] of output channels m0..m0+Mg as packed GEMM panels with k = tap * Cg + c
 * (the order the indirection walks), each output channel scaled and biased as given. Reused across
 * compiles: never written.
 */
export function packConvWeights(
  weights: Float32Array,
  m0: number,
  Mg: number,
  Cg: number,
  taps: number,
  scale: Float32Array,
  bias: Float32Array,
): Float32Array {
  const params = `conv ${m0} ${Mg} ${Cg} ${taps}`;
  return reusePacked({ weights, params, folded: [scale, bias] }, () =>
    convPanels(weights, m0, Mg, Cg, taps, scale, bias),
  );
}

function convPanels(
  weights: Float32Array,
  m0: number,
  Mg: number,
  Cg: number,
  taps: number,
  scale: Float32Array,
  bias: Float32Array,
): Float32Array {
  const K = taps * Cg;
  const out = new Float32Array(packedGemmFloats(K, Mg));
  let o = 0;
  for (let n0 = 0; n0 < Mg; n0 += GEMM_NR) {
    const width = Math.min(GEMM_NR, Mg - n0);
    for (let j = 0; j < width; j++) out[o + j] = bias[m0 + n0 + j];
    o += GEMM_NR;
    for (let tap = 0; tap < taps; tap++) {
      for (let c = 0; c < Cg; c++, o += GEMM_NR) {
        for (let j = 0; j < width; j++) {
          const m = m0 + n0 + j;
          out[o + j] = weights[(m * Cg + c) * taps + tap] * scale[m];
        }
      }
    }
  }
  return out;
}
