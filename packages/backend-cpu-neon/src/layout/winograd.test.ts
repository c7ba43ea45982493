import { SeededRandom } from '@lastmile/core';
import { describe, expect, it } from 'vitest';
import { packGemm } from './pack.js';
import { F2X2_3X3, F4X4_3X3, packWinogradWeights, type WinogradTransform } from './winograd.js';

const mul = (a: number[][], b: number[][]) =>
  a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
const transpose = (a: number[][]) => a[0].map((_, j) => a.map((row) => row[j]));
const square = (data: ArrayLike<number>, n: number) =>
  Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => data[i * n + j]));

describe.each([F2X2_3X3, F4X4_3X3])('Winograd F($m x $m, 3 x 3)', (t: WinogradTransform) => {
  it('Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A equals the direct 3x3 correlation of the tile', () => {
    const r = new SeededRandom(t.m);
    const d = square(r.floatTensor([t.alpha * t.alpha]).data as Float32Array, t.alpha);
    const g = square(r.floatTensor([9]).data as Float32Array, 3);
    const U = mul(mul(t.G, g), transpose(t.G));
    const V = mul(mul(t.BT, d), transpose(t.BT));
    const Y = mul(
      mul(
        t.AT,
        U.map((row, i) => row.map((u, j) => u * V[i][j])),
      ),
      transpose(t.AT),
    );
    for (let y = 0; y < t.m; y++) {
      for (let x = 0; x < t.m; x++) {
        let direct = 0;
        for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) direct += d[y + ky][x + kx] * g[ky][kx];
        expect(Y[y][x]).toBeCloseTo(direct, 10);
      }
    }
  });

  it('packs position ξ of every scaled filter as packGemm lays out K = C by N = M', () => {
    const [M, C] = [11, 5];
    const r = new SeededRandom(20 + t.m);
    const weights = r.floatTensor([M, C, 3, 3]).data as Float32Array;
    const scale = r.floatTensor([M]).data as Float32Array;
    const packed = packWinogradWeights(t, weights, M, C, scale);
    expect(packed).toHaveLength(t.alpha * t.alpha);
    const U = (m: number, c: number) => mul(mul(t.G, square(weights.subarray((m * C + c) * 9), 3)), transpose(t.G));
    packed.forEach((p, xi) => {
      const expected = packGemm(C, M, (c, m) => U(m, c)[Math.floor(xi / t.alpha)][xi % t.alpha] * scale[m]);
      expect(p.length).toBe(expected.length);
      p.forEach((v, k) => expect(v).toBeCloseTo(expected[k], 5));
    });
  });
});
