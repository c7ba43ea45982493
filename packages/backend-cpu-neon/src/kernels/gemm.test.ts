import { SeededRandom } from '@lastmile/core';
import { describe, expect, it } from 'vitest';
import { packGemm } from '../layout/pack.js';
import { ModuleBuilder } from '../wasm/module-builder.js';
import { detectFeatures } from '../wasm/features.js';
import { gemmIndirection } from '../compile/indirection.js';
import { emitIgemm, gemmRows } from './gemm.js';

describe('igemm', () => {
  it('runs a plain GEMM with the x64 (4x8) and the arm64 (5x8, 6x8 with FMA) tiles', () => {
    for (const [arch, relaxedSimd] of [
      ['x64', false],
      ['x64', true],
      ['arm64', false],
      ['arm64', true],
    ] as const) {
      const target = { features: { arch, relaxedSimd: relaxedSimd && detectFeatures().relaxedSimd } };
      const mr = gemmRows(target);
      expect(mr).toBe(arch === 'x64' ? 4 : target.features.relaxedSimd ? 6 : 5);
      const m = new ModuleBuilder();
      const name = emitIgemm(m, target, { activation: { kind: 'relu' }, residual: true });
      const memory = new WebAssembly.Memory({ initial: 16 });
      const inst = new WebAssembly.Instance(new WebAssembly.Module(m.encode({ pages: 16 })), { env: { memory } });
      const fn = inst.exports[name] as (...a: number[]) => void;
      const rnd = new SeededRandom(1);
      for (const [M, K, N] of [
        [5, 3, 9],
        [4, 8, 8],
        [13, 17, 3],
        [1, 1, 1],
        [7, 16, 24],
        [6, 5, 16],
        [12, 9, 7],
      ]) {
        const A = rnd.floatTensor([M, K], -1, 1).data as Float32Array;
        const B = rnd.floatTensor([K, N], -1, 1).data as Float32Array;
        const R = rnd.floatTensor([M, N], -1, 1).data as Float32Array;
        const bias = rnd.floatTensor([N], -1, 1).data as Float32Array;
        const f32 = new Float32Array(memory.buffer);
        const i32 = new Int32Array(memory.buffer);
        const aOff = 256,
          rOff = 8192,
          wOff = 16384,
          oOff = 32768,
          indOff = 49152;
        f32.set(A, aOff / 4);
        f32.set(R, rOff / 4);
        f32.set(
          packGemm(
            K,
            N,
            (k, n) => B[k * N + n],
            (n) => bias[n],
          ),
          wOff / 4,
        );
        i32.set(
          gemmIndirection(M, 1, mr, (row) => aOff + row * K * 4),
          indOff / 4,
        );
        f32.fill(-7, oOff / 4, oOff / 4 + M * N + 8);
        fn(indOff, M, 1, K * 4, wOff, oOff, N * 4, N, rOff);
        for (let i = 0; i < M; i++)
          for (let j = 0; j < N; j++) {
            let s = bias[j];
            for (let k = 0; k < K; k++) s += A[i * K + k] * B[k * N + j];
            expect(f32[oOff / 4 + i * N + j], `${arch} ${relaxedSimd} ${M}x${K}x${N} (${i}, ${j})`).toBeCloseTo(
              Math.max(0, s + R[i * N + j]),
              5,
            );
          }
        expect(f32[oOff / 4 + M * N]).toBe(-7);
      }
    }
  });
});
