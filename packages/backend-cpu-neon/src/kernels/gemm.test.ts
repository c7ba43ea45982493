import { SeededRandom } from '@lastmile/core';
import { describe, expect, it } from 'vitest';
import { packGemm } from '../layout/pack.js';
import { ModuleBuilder } from '../wasm/module-builder.js';
import { detectFeatures } from '../wasm/features.js';
import { emitIgemm } from './gemm.js';

describe('igemm', () => {
  it('runs a plain GEMM', () => {
    for (const relaxedSimd of [false, true]) {
      const target = { features: { ...detectFeatures(), relaxedSimd: relaxedSimd && detectFeatures().relaxedSimd } };
      const m = new ModuleBuilder();
      const name = emitIgemm(m, target, { activation: { kind: 'relu' }, residual: true });
      const memory = new WebAssembly.Memory({ initial: 16 });
      const inst = new WebAssembly.Instance(new WebAssembly.Module(m.encode({ pages: 16 })), { env: { memory } });
      const fn = inst.exports[name] as (...a: number[]) => void;
      const rnd = new SeededRandom(1);
      for (const [M, K, N] of [[5, 3, 9], [4, 8, 8], [13, 17, 3], [1, 1, 1], [7, 16, 24]]) {
        const A = rnd.floatTensor([M, K], -1, 1).data as Float32Array;
        const B = rnd.floatTensor([K, N], -1, 1).data as Float32Array;
        const R = rnd.floatTensor([M, N], -1, 1).data as Float32Array;
        const bias = rnd.floatTensor([N], -1, 1).data as Float32Array;
        const f32 = new Float32Array(memory.buffer);
        const i32 = new Int32Array(memory.buffer);
        const aOff = 256, rOff = 8192, wOff = 16384, oOff = 32768, indOff = 49152;
        f32.set(A, aOff / 4);
        f32.set(R, rOff / 4);
        f32.set(packGemm(K, N, (k, n) => B[k * N + n], (n) => bias[n]), wOff / 4);
        const tiles = Math.ceil(M / 4);
        for (let t = 0; t < tiles; t++) for (let r = 0; r < 4; r++) i32[indOff / 4 + t * 4 + r] = aOff + Math.min(t * 4 + r, M - 1) * K * 4;
        f32.fill(-7, oOff / 4, oOff / 4 + M * N + 8);
        fn(indOff, M, 1, K * 4, wOff, oOff, N * 4, N, rOff);
        for (let i = 0; i < M; i++)
          for (let j = 0; j < N; j++) {
            let s = bias[j];
            for (let k = 0; k < K; k++) s += A[i * K + k] * B[k * N + j];
            expect(f32[oOff / 4 + i * N + j]).toBeCloseTo(Math.max(0, s + R[i * N + j]), 5);
          }
        expect(f32[oOff / 4 + M * N]).toBe(-7);
      }
    }
  });
});
