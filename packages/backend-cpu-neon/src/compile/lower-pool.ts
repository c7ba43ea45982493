/**
 * MaxPool, AveragePool and the global pools on NHWC tensors. Windowed pools use a per-pixel indirection
 * buffer: a padded max-pool tap repeats a valid one, a padded average-pool tap reads the zero row and a
 * per-pixel scale holds 1 / (the count ONNX divides by).
 */
import { attr, type Node, opsetOf } from '@lastmile/core';
import { emitGlobalPool, emitPool } from '../kernels/pool.js';
import type { GraphInfo } from './graph-info.js';
import { pixelIndirection } from './indirection.js';
import type { LoweredOp } from './program.js';
import { rangeChunks } from './split.js';
import { inside, tapPosition, window2 } from './window.js';

const usesOnlyFirstOutput = (node: Node) => node.outputs.slice(1).every((o) => o === '');

/** True when `node` is a pool this lowering takes. */
export function isLowerablePool(node: Node, g: GraphInfo): boolean {
  if (!usesOnlyFirstOutput(node) || !g.has(node.inputs[0]) || !g.has(node.outputs[0])) return false;
  const x = g.value(node.inputs[0]);
  if (x.layout !== 'nhwc') return false;
  if (node.opType === 'GlobalAveragePool' || node.opType === 'GlobalMaxPool') return true;
  if (node.opType !== 'MaxPool' && node.opType !== 'AveragePool') return false;
  // Which padding counts under auto_pad with count_include_pad is left to the reference.
  if (attr.int(node, 'count_include_pad', 0) !== 0 && attr.string(node, 'auto_pad', 'NOTSET') !== 'NOTSET')
    return false;
  return windowOf(node, g).everyWindowHasInput;
}

function windowOf(node: Node, g: GraphInfo) {
  const x = g.value(node.inputs[0]);
  const y = g.value(node.outputs[0]);
  const kernel = attr.ints(node, 'kernel_shape') as [number, number];
  const opset = opsetOf(g.model);
  const dilated = node.opType === 'MaxPool' ? opset >= 10 : opset >= 19;
  const win = window2(node, kernel, [x.dims[2], x.dims[3]], [y.dims[2], y.dims[3]], dilated);
  const taps = kernel[0] * kernel[1];
  let everyWindowHasInput = true;
  for (let oy = 0; oy < win.output[0] && everyWindowHasInput; oy++) {
    for (let ox = 0; ox < win.output[1]; ox++) {
      let any = false;
      for (let t = 0; t < taps && !any; t++)
        any = inside(win, tapPosition(win, oy, ox, Math.floor(t / kernel[1]), t % kernel[1]));
      if (!any) everyWindowHasInput = false;
    }
  }
  return { x, y, win, taps, everyWindowHasInput };
}

export function lowerPool(node: Node, g: GraphInfo): LoweredOp {
  const [xName] = node.inputs;
  const [yName] = node.outputs;
  const base = { name: node.name, op: node.opType, runs: 'wasm' as const, reads: [xName], writes: [yName] };
  if (node.opType === 'GlobalAveragePool' || node.opType === 'GlobalMaxPool') {
    const kind = node.opType === 'GlobalAveragePool' ? 'avg' : 'max';
    const [N, C, H, W] = g.value(xName).dims;
    return {
      ...base,
      emit(ctx) {
        const fn = emitGlobalPool(ctx.module, kind);
        const [x, y] = [ctx.addressOf(xName), ctx.addressOf(yName)];
        return { kernel: fn, calls: [[x, N, H * W, C, y]] };
      },
    };
  }
  const { x, win, taps } = windowOf(node, g);
  const [N, C, H, W] = x.dims;
  const [OH, OW] = win.output;
  const KW = win.kernel[1];
  const isMax = node.opType === 'MaxPool';
  const includePad = !isMax && attr.int(node, 'count_include_pad', 0) !== 0;
  const pixels = N * OH * OW;
  const padEnd = attr.ints(node, 'pads', [0, 0, 0, 0]).slice(2);
  return {
    ...base,
    zeroBytes: C * 4 + 32,
    emit(ctx) {
      const fn = emitPool(ctx.module, isMax ? 'max' : 'avg');
      const xAddr = ctx.addressOf(xName);
      const scales = new Float32Array(pixels);
      const ind = pixelIndirection(pixels, taps, (p, tap) => {
        const n = Math.floor(p / (OH * OW));
        const [oy, ox] = [Math.floor(p / OW) % OH, p % OW];
        const pos = tapPosition(win, oy, ox, Math.floor(tap / KW), tap % KW);
        if (inside(win, pos)) return xAddr + ((n * H + pos[0]) * W + pos[1]) * C * 4;
        if (!isMax) return ctx.zeroRow;
        // Max pooling: repeat the first tap that is inside.
        for (let t = 0; ; t++) {
          const q = tapPosition(win, oy, ox, Math.floor(t / KW), t % KW);
          if (inside(win, q)) return xAddr + ((n * H + q[0]) * W + q[1]) * C * 4;
        }
      });
      if (!isMax) {
        for (let p = 0; p < pixels; p++) {
          const [oy, ox] = [Math.floor(p / OW) % OH, p % OW];
          let count = 0;
          for (let tap = 0; tap < taps; tap++) {
            const [py, px] = tapPosition(win, oy, ox, Math.floor(tap / KW), tap % KW);
            const inPadded =
              py >= -win.padBegin[0] && py < H + padEnd[0] && px >= -win.padBegin[1] && px < W + padEnd[1];
            if (includePad ? inPadded : inside(win, [py, px])) count++;
          }
          scales[p] = 1 / count;
        }
      }
      const indAddr = ctx.place(ind);
      const scaleAddr = isMax ? 0 : ctx.place(scales);
      const y = ctx.addressOf(yName);
      const calls = rangeChunks(pixels, ctx.threads, pixels * taps * C, (p0, n) => [
        indAddr + p0 * taps * 4,
        n,
        taps,
        y + p0 * C * 4,
        C,
        isMax ? 0 : scaleAddr + p0 * 4,
      ]);
      return { kernel: fn, calls };
    },
  };
}
