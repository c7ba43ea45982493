/**
 * 3x3 stride-1 convolutions through Winograd F(m x m, 3 x 3): input transform, α² GEMMs on the igemm
 * kernel, output transform with the fused epilogue, then the repair of tiles that read a NaN or an
 * infinity (winograd-repair.ts). Four phases of one step; the transformed input and the GEMM results
 * live in the op's scratch.
 */
import { attr, type Node } from '@lastmile/core';
import { emitIgemm, gemmRows } from '../kernels/gemm.js';
import { NO_ACTIVATION } from '../kernels/activation.js';
import { emitAnyNonFinite } from '../kernels/scan.js';
import { packConvWeights, packedGemmFloats } from '../layout/pack.js';
import { emitWinogradInput, emitWinogradOutput } from '../kernels/winograd.js';
import { F2X2_3X3, F4X4_3X3, packWinogradWeights, type WinogradTransform } from '../layout/winograd.js';
import type { GraphInfo } from './graph-info.js';
import { gemmIndirection } from './indirection.js';
import type { ConvEpilogue } from './lower-conv.js';
import type { LoweredOp } from './program.js';
import { igemmChunks, rangeChunks } from './split.js';
import { window2 } from './window.js';
import { winogradRepair } from './winograd-repair.js';

/** Below these, the transforms cost about what the multiplies save. */
const MIN_CHANNELS = 8;
const MIN_OUTPUT_CHANNELS = 8;

/** A group-1 3x3 convolution with stride 1 and dilation 1 whose channels make Winograd pay. */
export function isWinogradConv(node: Node, g: GraphInfo): boolean {
  const w = g.constant(node.inputs[1]);
  if (w?.dims.length !== 4 || w.dims[2] !== 3 || w.dims[3] !== 3) return false;
  if (attr.int(node, 'group', 1) !== 1) return false;
  if (
    attr.ints(node, 'strides', [1, 1]).some((s) => s !== 1) ||
    attr.ints(node, 'dilations', [1, 1]).some((d) => d !== 1)
  )
    return false;
  return w.dims[1] >= MIN_CHANNELS && w.dims[0] >= MIN_OUTPUT_CHANNELS;
}

/**
 * F(4x4) unless the map is smaller than 6: on 1 thread (x64), F(4x4) ran 2-3x faster than the direct
 * kernel from 7x7 to 56x56 maps and at least as fast as F(2x2); at 4x4 F(2x2) was faster.
 */
export function winogradTransformFor(outH: number, outW: number): WinogradTransform {
  return Math.min(outH, outW) >= 6 ? F4X4_3X3 : F2X2_3X3;
}

const roundUp4 = (n: number) => Math.ceil(n / 4) * 4;

export function lowerWinogradConv(
  node: Node,
  g: GraphInfo,
  epi: ConvEpilogue,
  biased: Float32Array,
  scale: Float32Array,
): LoweredOp {
  const [xName, wName] = node.inputs;
  const [N, C, H, W] = g.value(xName).dims;
  const [, M, OH, OW] = g.value(node.outputs[0]).dims;
  const weights = g.constant(wName)!.data as Float32Array;
  const win = window2(node, [3, 3], [H, W], [OH, OW]);
  const t = winogradTransformFor(OH, OW);
  const { m, alpha } = t;
  const positions = alpha * alpha;
  const [tilesY, tilesX] = [Math.ceil(OH / m), Math.ceil(OW / m)];
  const tiles = N * tilesY * tilesX;
  const [cRow, mRow] = [roundUp4(C) * 4, roundUp4(M) * 4];
  const [inMatrix, outMatrix] = [tiles * cRow, tiles * mRow];
  // Scratch: the transformed input, the GEMM results, then a dump row for pixels past the output's edge.
  const scratchBytes = positions * (inMatrix + outMatrix) + mRow;
  return {
    name: epi.names.join('+'),
    op: 'WinogradConv',
    runs: 'wasm',
    reads: [xName, ...(epi.residual ? [epi.residual] : [])],
    writes: [epi.output],
    zeroBytes: Math.max(cRow, mRow) + 64,
    scratchBytes,
    stridedOutput: true,
    emit(ctx) {
      const x = ctx.addressOf(xName);
      const out = ctx.addressOf(epi.output);
      const res = epi.residual ? ctx.addressOf(epi.residual) : 0;
      const [V, Mats] = [ctx.scratch, ctx.scratch + positions * inMatrix];
      const dump = Mats + positions * outMatrix;
      const pitch = ctx.rowFloats(epi.output) * 4;

      // Per tile: α² input pixel pointers, and m² output (and residual) pixel pointers.
      const inPtrs = new Int32Array(tiles * positions);
      const outPtrs = new Int32Array(tiles * m * m);
      const resPtrs = new Int32Array(res ? tiles * m * m : 0);
      let tile = 0;
      for (let n = 0; n < N; n++) {
        for (let ty = 0; ty < tilesY; ty++) {
          for (let tx = 0; tx < tilesX; tx++, tile++) {
            for (let i = 0; i < alpha; i++) {
              for (let j = 0; j < alpha; j++) {
                const [y, xx] = [ty * m - win.padBegin[0] + i, tx * m - win.padBegin[1] + j];
                inPtrs[tile * positions + i * alpha + j] =
                  y >= 0 && y < H && xx >= 0 && xx < W ? x + ((n * H + y) * W + xx) * C * 4 : ctx.zeroRow;
              }
            }
            for (let i = 0; i < m; i++) {
              for (let j = 0; j < m; j++) {
                const [oy, ox] = [ty * m + i, tx * m + j];
                const pixel = oy < OH && ox < OW ? (n * OH + oy) * OW + ox : -1;
                outPtrs[tile * m * m + i * m + j] = pixel < 0 ? dump : out + pixel * pitch;
                if (res) resPtrs[tile * m * m + i * m + j] = pixel < 0 ? ctx.zeroRow : res + pixel * M * 4;
              }
            }
          }
        }
      }
      const inInd = ctx.place(inPtrs);
      const outInd = ctx.place(outPtrs);
      const resInd = res ? ctx.place(resPtrs) : 0;
      const bias = ctx.place(Float32Array.from({ length: roundUp4(M) }, (_, k) => (k < M ? biased[k] : 0)));

      const transformIn = emitWinogradInput(ctx.module, t);
      const gemm = emitIgemm(ctx.module, ctx.target, { activation: NO_ACTIVATION, residual: false });
      const transformOut = emitWinogradOutput(ctx.module, t, epi.activation, res !== 0);
      // A transformed element costs about 2α additions (two passes of α-term sums).
      const inCalls = rangeChunks(tiles, ctx.threads, tiles * positions * C * 2 * alpha, (t0, count) => [
        inInd + t0 * positions * 4,
        count,
        C,
        V + t0 * cRow,
        inMatrix,
      ]);
      // α² independent GEMMs: split each only when they are fewer than the threads.
      const perGemm = Math.max(1, Math.ceil(ctx.threads / positions));
      const mr = gemmRows(ctx.target);
      const gemmCalls = packWinogradWeights(t, weights, M, C, scale).flatMap((packed, xi) => {
        const rows = gemmIndirection(tiles, 1, mr, (row) => V + xi * inMatrix + row * cRow);
        return igemmChunks(
          {
            ind: ctx.place(rows),
            rows: tiles,
            taps: 1,
            cbytes: C * 4,
            w: ctx.place(packed),
            out: Mats + xi * outMatrix,
            ostride: mRow / 4,
            nc: M,
            res: 0,
            mr,
          },
          perGemm,
        );
      });
      const outCalls = rangeChunks(tiles, ctx.threads, tiles * positions * M * 2 * alpha, (t0, count) => [
        Mats + t0 * mRow,
        count,
        M,
        outInd + t0 * m * m * 4,
        res ? resInd + t0 * m * m * 4 : 0,
        bias,
        outMatrix,
      ]);
      const repair = winogradRepair({
        scan: emitAnyNonFinite(ctx.module),
        igemm: emitIgemm(ctx.module, ctx.target, { activation: epi.activation, residual: res !== 0 }),
        mr,
        x,
        dims: [N, H, W, C],
        output: [OH, OW],
        padBegin: [win.padBegin[0], win.padBegin[1]],
        m,
        weights: ctx.place(new Float32Array(packedGemmFloats(9 * C, M))),
        packWeights: () => packConvWeights(weights, 0, M, C, 9, scale, biased),
        channelsOut: M,
        out,
        pitch,
        res,
        zeroRow: ctx.zeroRow,
        pointers: V,
      });
      return [
        { kernel: transformIn, calls: inCalls },
        { kernel: gemm, calls: gemmCalls },
        { kernel: transformOut, calls: outCalls },
        repair,
      ];
    },
  };
}
