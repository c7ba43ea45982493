/**
 * ConvTranspose whose stride equals its kernel (no overlap, no padding: the upsampling layers of FPN
 * heads) as GEMMs: for each kernel row and input row, the igemm kernel writes the KW x M outputs of each
 * of W input pixels. Epilogue folding (per-channel affine, BatchNorm, activation) is shared with Conv.
 */
import { attr, type Node } from '@lastmile/core';
import { emitIgemm, gemmRows } from '../kernels/gemm.js';
import { packGemm } from '../layout/pack.js';
import { reusePacked } from '../layout/pack-cache.js';
import type { GraphInfo } from './graph-info.js';
import { gemmIndirection } from './indirection.js';
import { type ConvEpilogue, foldedScaleAndBias } from './lower-conv.js';
import type { LoweredOp } from './program.js';

/** True for a 2-D, group-1 ConvTranspose with constant weights, stride == kernel, no padding. */
export function isLowerableConvTranspose(node: Node, g: GraphInfo): boolean {
  if (node.opType !== 'ConvTranspose' || node.domain !== '' || node.outputs.length !== 1) return false;
  const [x, w, b] = node.inputs;
  const weights = g.constant(w);
  if (
    !g.has(x) ||
    !g.has(node.outputs[0]) ||
    g.value(x).layout !== 'nhwc' ||
    weights?.type !== 'float32' ||
    weights.dims.length !== 4 ||
    (b && !g.constant(b))
  )
    return false;
  const kernel = weights.dims.slice(2);
  const [, , H, W] = g.value(x).dims;
  const [, , OH, OW] = g.value(node.outputs[0]).dims;
  const same = (xs: number[], ys: number[]) => xs.length === ys.length && xs.every((v, i) => v === ys[i]);
  return (
    attr.int(node, 'group', 1) === 1 &&
    same(attr.ints(node, 'strides', [1, 1]), kernel) &&
    same(attr.ints(node, 'dilations', [1, 1]), [1, 1]) &&
    attr.ints(node, 'pads', [0, 0, 0, 0]).every((p) => p === 0) &&
    attr.string(node, 'auto_pad', 'NOTSET') === 'NOTSET' &&
    OH === H * kernel[0] &&
    OW === W * kernel[1]
  );
}

export function lowerConvTranspose(node: Node, g: GraphInfo, epi: ConvEpilogue): LoweredOp {
  const [xName, wName, bName] = node.inputs;
  const [N, C, H, W] = g.value(xName).dims;
  const weights = g.constant(wName)!;
  const [, M, KH, KW] = weights.dims;
  const wData = weights.data as Float32Array;
  const bias = bName ? (g.constant(bName)!.data as Float32Array) : undefined;
  const { scale, biased } = foldedScaleAndBias(M, bias, epi);
  const OW = W * KW;
  return {
    name: epi.names.join('+'),
    op: 'ConvTranspose',
    runs: 'wasm',
    reads: [xName],
    writes: [epi.output],
    emit(ctx) {
      const fn = emitIgemm(ctx.module, ctx.target, { activation: epi.activation, residual: false });
      const x = ctx.addressOf(xName);
      const out = ctx.addressOf(epi.output);
      // Per input row its own tiles of pixel pointers, so a tile never straddles two rows.
      const mr = gemmRows(ctx.target);
      const rowTiles = Math.ceil(W / mr);
      const rows = N * H;
      const pointers = new Int32Array(rows * rowTiles * mr);
      for (let r = 0; r < rows; r++)
        pointers.set(
          gemmIndirection(W, 1, mr, (col) => x + (r * W + col) * C * 4),
          r * rowTiles * mr,
        );
      const ind = ctx.place(pointers);
      // One GEMM per kernel row: an input pixel's KW taps x M channels are adjacent in the output row, so
      // they are the GEMM's columns (KW x M of them: a 1-channel head fills 2 of 8 lanes, not 1).
      const columns = KW * M;
      const calls: number[][] = [];
      for (let ky = 0; ky < KH; ky++) {
        // W is [C, M, KH, KW]: B(c, kx M + m) for this kernel row.
        const source = {
          weights: wData,
          params: `conv-transpose ${C} ${M} ${KH} ${KW} row ${ky}`,
          folded: [scale, biased],
        };
        const weightAt = (c: number, col: number) =>
          wData[((c * M + (col % M)) * KH + ky) * KW + Math.floor(col / M)] * scale[col % M];
        const packed = ctx.place(reusePacked(source, () => packGemm(C, columns, weightAt, (col) => biased[col % M])));
        for (let r = 0; r < rows; r++) {
          calls.push([
            ind + r * rowTiles * mr * 4,
            W,
            1,
            C * 4,
            packed,
            out + (r * KH + ky) * OW * M * 4,
            columns * 4,
            columns,
            0,
          ]);
        }
      }
      return { kernel: fn, calls };
    },
  };
}
