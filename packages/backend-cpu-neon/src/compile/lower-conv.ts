/**
 * Conv (2-D, NHWC) lowered to the igemm kernel through an indirection buffer, group by group, to the
 * depthwise kernel when every channel is its own group, or through Winograd for 3x3 stride-1 convolutions. Weights are packed once here; bias, residual
 * Add and activation are fused into the epilogue.
 */
import { attr, type Node } from '@lastmile/core';
import type { Activation } from '../kernels/activation.js';
import { emitDepthwise } from '../kernels/depthwise.js';
import { emitIgemm, gemmRows } from '../kernels/gemm.js';
import { packConvWeights, packDepthwise } from '../layout/pack.js';
import { tilePointers, type WindowSource, windowPointers } from './conv-indirection.js';
import type { GraphInfo } from './graph-info.js';
import type { EmitContext, LoweredOp } from './program.js';
import { igemmChunks, rangeChunks } from './split.js';
import { isWinogradConv, lowerWinogradConv } from './lower-winograd.js';
import { window2 } from './window.js';

/** What the epilogue of a convolution absorbs. */
export interface ConvEpilogue {
  activation: Activation;
  /** A value of the output's dims added before the activation. */
  residual?: string;
  /** The value the fused group finally writes. */
  output: string;
  /** Names of the nodes fused, for profiles. */
  names: string[];
  /** Per-channel scale and shift applied after the bias, folded into weights and bias. */
  scale?: Float32Array;
  shift?: Float32Array;
}

/** Per output channel of M: the scale folded into the weights, and the bias after it (bias * scale + shift). */
export function foldedScaleAndBias(
  M: number,
  bias: Float32Array | undefined,
  epi: ConvEpilogue,
): { scale: Float32Array; biased: Float32Array } {
  const scale = epi.scale ?? new Float32Array(M).fill(1);
  const biased = Float32Array.from({ length: M }, (_, m) => (bias ? bias[m] : 0) * scale[m] + (epi.shift?.[m] ?? 0));
  return { scale, biased };
}

/** True when `node` is a 2-D Conv this lowering takes: constant weights (and bias), float32 NHWC input. */
export function isLowerableConv(node: Node, g: GraphInfo): boolean {
  const [x, w, b] = node.inputs;
  if (!g.has(x) || g.value(x).layout !== 'nhwc' || !g.constant(w) || g.constant(w)?.type !== 'float32') return false;
  if (b && !g.constant(b)) return false;
  return g.has(node.outputs[0]) && node.outputs.length === 1;
}

/** Every channel is its own group (the depthwise kernel, which takes no residual). */
export function isDepthwise(node: Node, g: GraphInfo): boolean {
  const w = g.constant(node.inputs[1]);
  const C = g.value(node.inputs[0]).dims[1];
  const M = g.value(node.outputs[0]).dims[1];
  return attr.int(node, 'group', 1) === C && w?.dims[1] === 1 && M === C;
}

export function lowerConv(node: Node, g: GraphInfo, epi: ConvEpilogue): LoweredOp {
  const [xName, wName, bName] = node.inputs;
  const x = g.value(xName);
  const y = g.value(node.outputs[0]);
  const w = g.constant(wName)!;
  const weights = w.data as Float32Array;
  const bias = bName ? (g.constant(bName)!.data as Float32Array) : undefined;
  const [N, C, H, W] = x.dims;
  const [, M, OH, OW] = y.dims;
  const [, Cg, KH, KW] = w.dims;
  const group = attr.int(node, 'group', 1);
  const win = window2(node, [KH, KW], [H, W], [OH, OW]);
  const taps = KH * KW;
  const Mg = M / group;
  const depthwise = isDepthwise(node, g);
  const { scale, biased } = foldedScaleAndBias(M, bias, epi);
  const reads = [xName, ...(epi.residual ? [epi.residual] : [])];
  const base = {
    name: epi.names.join('+'),
    op: depthwise ? 'DepthwiseConv' : 'Conv',
    runs: 'wasm' as const,
    reads,
    writes: [epi.output],
    zeroBytes: Cg * 4 * group + 64,
  };
  const pixels = N * OH * OW;
  const source = (ctx: EmitContext, channelOffset: number): WindowSource => ({
    address: ctx.addressOf(xName),
    images: N,
    channels: C,
    channelOffset,
    zeroRow: ctx.zeroRow,
  });

  if (depthwise) {
    return {
      ...base,
      emit(ctx) {
        const fn = emitDepthwise(ctx.module, ctx.target, epi.activation);
        const wAddr = ctx.place(packDepthwise(C, taps, weights, scale, biased));
        const ind = ctx.place(windowPointers(win, source(ctx, 0)));
        const out = ctx.addressOf(epi.output);
        const calls = rangeChunks(pixels, ctx.threads, pixels * C * taps, (p0, n) => [
          ind + p0 * taps * 4,
          n,
          taps,
          wAddr,
          out + p0 * C * 4,
          C,
        ]);
        return { kernel: fn, calls };
      },
    };
  }

  if (isWinogradConv(node, g)) return lowerWinogradConv(node, g, epi, biased, scale);

  return {
    ...base,
    // The residual is read at the output's row pitch.
    stridedOutput: epi.residual === undefined,
    emit(ctx) {
      const fn = emitIgemm(ctx.module, ctx.target, {
        activation: epi.activation,
        residual: epi.residual !== undefined,
      });
      const out = ctx.addressOf(epi.output);
      const res = epi.residual ? ctx.addressOf(epi.residual) : 0;
      const calls: number[][] = [];
      for (let gi = 0; gi < group; gi++) {
        const m0 = gi * Mg;
        const wAddr = ctx.place(packConvWeights(weights, m0, Mg, Cg, taps, scale, biased));
        const mr = gemmRows(ctx.target);
        const ind = ctx.place(tilePointers(windowPointers(win, source(ctx, gi * Cg)), pixels, taps, mr));
        const call = {
          ind,
          rows: pixels,
          taps,
          cbytes: Cg * 4,
          w: wAddr,
          out: out + m0 * 4,
          ostride: ctx.rowFloats(epi.output),
          nc: Mg,
          res: res ? res + m0 * 4 : 0,
          mr,
        };
        calls.push(...igemmChunks(call, Math.max(1, Math.round(ctx.threads / group))));
      }
      return { kernel: fn, calls };
    },
  };
}
