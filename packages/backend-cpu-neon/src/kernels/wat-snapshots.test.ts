/**
 * The generated code of a few kernels as WAT, so a generator change shows up in review.
 */
import { describe, expect, it } from 'vitest';
import { ModuleBuilder } from '../wasm/module-builder.js';
import { emitDepthwise } from './depthwise.js';
import { emitBinary } from './elementwise.js';
import { emitIgemm } from './gemm.js';
import { emitPool } from './pool.js';
import { emitWinogradInput, emitWinogradOutput } from './winograd.js';
import { F2X2_3X3 } from '../layout/winograd.js';

async function wat(build: (m: ModuleBuilder) => void): Promise<string> {
  const m = new ModuleBuilder();
  build(m);
  const wabt = await (await import('wabt')).default();
  const module = wabt.readWasm(m.encode({ pages: 1 }), { readDebugNames: true, relaxed_simd: true });
  module.generateNames();
  module.applyNames();
  return module.toText({});
}

const fma = { features: { relaxedSimd: true, arch: 'x64' } };
const mulAdd = { features: { relaxedSimd: false, arch: 'x64' } };

describe('generated kernels (WAT snapshots)', () => {
  it('igemm 4x8 with relaxed FMA, residual and ReLU6', async () => {
    const text = await wat((m) => emitIgemm(m, fma, { activation: { kind: 'clip', min: 0, max: 6 }, residual: true }));
    await expect(text).toMatchFileSnapshot('__snapshots__/igemm_4x8_clip_res_fma.wat');
  });
  it('igemm 4x8 with mul+add and no epilogue', async () => {
    const text = await wat((m) => emitIgemm(m, mulAdd, { activation: { kind: 'none' }, residual: false }));
    await expect(text).toMatchFileSnapshot('__snapshots__/igemm_4x8_none.wat');
  });
  it('igemm 6x8 (arm64) with relaxed FMA and ReLU', async () => {
    const text = await wat((m) =>
      emitIgemm(
        m,
        { features: { relaxedSimd: true, arch: 'arm64' } },
        { activation: { kind: 'relu' }, residual: false },
      ),
    );
    await expect(text).toMatchFileSnapshot('__snapshots__/igemm_6x8_relu_fma.wat');
  });
  it('depthwise with HardSwish', async () => {
    const text = await wat((m) => emitDepthwise(m, fma, { kind: 'hardswish' }));
    await expect(text).toMatchFileSnapshot('__snapshots__/dwconv_8_hardswish_fma.wat');
  });
  it('binary Mul with a splatted operand and Sigmoid', async () => {
    const text = await wat((m) =>
      emitBinary(m, { op: 'mul', aSplat: false, bSplat: true, activation: { kind: 'sigmoid' } }),
    );
    await expect(text).toMatchFileSnapshot('__snapshots__/binary_mul_vs_sigmoid.wat');
  });
  it('windowed max pool', async () => {
    const text = await wat((m) => emitPool(m, 'max'));
    await expect(text).toMatchFileSnapshot('__snapshots__/pool_max.wat');
  });
  it('Winograd F(2x2, 3x3) input transform', async () => {
    const text = await wat((m) => emitWinogradInput(m, F2X2_3X3));
    await expect(text).toMatchFileSnapshot('__snapshots__/winograd_in_2x2.wat');
  });
  it('Winograd F(2x2, 3x3) output transform with residual and ReLU', async () => {
    const text = await wat((m) => emitWinogradOutput(m, F2X2_3X3, { kind: 'relu' }, true));
    await expect(text).toMatchFileSnapshot('__snapshots__/winograd_out_2x2_relu_res.wat');
  });
});
