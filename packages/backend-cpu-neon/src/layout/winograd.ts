/**
 * Winograd's minimal filtering F(m x m, 3 x 3) (Lavin & Gray 2015): an (m+2) x (m+2) input tile d gives
 * an m x m output tile Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A. The elementwise product over the α² = (m+2)²
 * positions becomes α² GEMMs over channels, with 2.25x (m = 2) or 4x (m = 4) fewer multiplies than the
 * direct 3x3 convolution. The filter transform runs here, once, at compile time.
 */
import { GEMM_NR } from '../kernels/gemm.js';
import { packedGemmFloats } from './pack.js';
import { reusePacked } from './pack-cache.js';

/** The transforms of one output tile size. */
export interface WinogradTransform {
  /** Output tile side. */
  m: 2 | 4;
  /** Input tile side, m + 2. */
  alpha: number;
  /** Input transform Bᵀ, α x α. */
  BT: number[][];
  /** Filter transform G, α x 3. */
  G: number[][];
  /** Output transform Aᵀ, m x α. */
  AT: number[][];
}

export const F2X2_3X3: WinogradTransform = {
  m: 2,
  alpha: 4,
  BT: [
    [1, 0, -1, 0],
    [0, 1, 1, 0],
    [0, -1, 1, 0],
    [0, 1, 0, -1],
  ],
  G: [
    [1, 0, 0],
    [0.5, 0.5, 0.5],
    [0.5, -0.5, 0.5],
    [0, 0, 1],
  ],
  AT: [
    [1, 1, 1, 0],
    [0, 1, -1, -1],
  ],
};

/** Interpolation points 0, ±1, ±2 (and ∞), as ncnn and NNPACK use them. */
export const F4X4_3X3: WinogradTransform = {
  m: 4,
  alpha: 6,
  BT: [
    [4, 0, -5, 0, 1, 0],
    [0, -4, -4, 1, 1, 0],
    [0, 4, -4, -1, 1, 0],
    [0, -2, -1, 2, 1, 0],
    [0, 2, -1, -2, 1, 0],
    [0, 4, 0, -5, 0, 1],
  ],
  G: [
    [1 / 4, 0, 0],
    [-1 / 6, -1 / 6, -1 / 6],
    [-1 / 6, 1 / 6, -1 / 6],
    [1 / 24, 1 / 12, 1 / 6],
    [1 / 24, -1 / 12, 1 / 6],
    [0, 0, 1],
  ],
  AT: [
    [1, 1, 1, 1, 1, 0],
    [0, 1, -1, 2, -2, 0],
    [0, 1, 1, 4, 4, 0],
    [0, 1, -1, 8, -8, 1],
  ],
};

/**
 * The α² GEMM right-hand sides of conv weights [M, C, 3, 3], each packed for the igemm kernel as
 * packGemm lays it out (K = C, N = M, zero biases: the bias is added after the output transform), output
 * channel m scaled by `scale[m]`. Reused across compiles: never written.
 */
export function packWinogradWeights(
  t: WinogradTransform,
  weights: Float32Array,
  M: number,
  C: number,
  scale: Float32Array,
): Float32Array[] {
  return reusePacked({ weights, params: `winograd ${t.m} ${M} ${C}`, folded: [scale] }, () =>
    winogradPanels(t, weights, M, C, scale),
  );
}

function winogradPanels(
  t: WinogradTransform,
  weights: Float32Array,
  M: number,
  C: number,
  scale: Float32Array,
): Float32Array[] {
  const { alpha } = t;
  const G = Float64Array.from(t.G.flat());
  const size = packedGemmFloats(C, M);
  const all = new Float32Array(alpha * alpha * size);
  // Per filter G g (α x 3), then G g Gᵀ scattered into each position's panel; m runs inside c so the
  // writes of one panel row are contiguous.
  const gg = new Float64Array(alpha * 3);
  for (let c = 0; c < C; c++) {
    for (let m = 0; m < M; m++) {
      const g = (m * C + c) * 9;
      for (let i = 0; i < alpha; i++) {
        const a = G[i * 3];
        const b = G[i * 3 + 1];
        const d = G[i * 3 + 2];
        for (let j = 0; j < 3; j++)
          gg[i * 3 + j] = a * weights[g + j] + b * weights[g + 3 + j] + d * weights[g + 6 + j];
      }
      const at = (m - (m % GEMM_NR)) * (C + 1) + GEMM_NR + c * GEMM_NR + (m % GEMM_NR);
      const s = scale[m];
      for (let i = 0; i < alpha; i++) {
        const p = gg[i * 3] * s;
        const q = gg[i * 3 + 1] * s;
        const r = gg[i * 3 + 2] * s;
        for (let j = 0; j < alpha; j++)
          all[(i * alpha + j) * size + at] = p * G[j * 3] + q * G[j * 3 + 1] + r * G[j * 3 + 2];
      }
    }
  }
  return Array.from({ length: alpha * alpha }, (_, xi) => all.subarray(xi * size, (xi + 1) * size));
}
