/**
 * Nearest-neighbour Resize of the spatial axes of an NHWC tensor as a gather of whole pixels. Which
 * input pixel each output pixel takes is computed by core's reference Resize itself, run once at
 * compile time on a tensor holding pixel indices, so every coordinate mode and rounding rule matches.
 */
import { attr, type Node, opFor, opsetOf, Tensor } from '@lastmile/core';
import { emitGatherRows } from '../kernels/copy.js';
import type { GraphInfo } from './graph-info.js';
import { pixelIndirection } from './indirection.js';
import type { LoweredOp } from './program.js';
import { rangeChunks } from './split.js';

/** For each output pixel of one image, the index of its source pixel; undefined when not a pure gather. */
function sourcePixels(node: Node, g: GraphInfo): Int32Array | undefined {
  const [, , H, W] = g.value(node.inputs[0]).dims;
  const [, , OH, OW] = g.value(node.outputs[0]).dims;
  const indices = new Tensor(
    'float32',
    Float32Array.from({ length: H * W }, (_, i) => i),
    [1, 1, H, W],
  );
  const constants = node.inputs.slice(1).map((name) => (name ? g.constant(name) : undefined));
  // The same node on one image of one channel: sizes (when given) shrink to match.
  const inputs: (Tensor | undefined)[] = [indices, ...constants];
  if (constants[2]) inputs[3] = new Tensor('int64', BigInt64Array.from([1n, 1n, BigInt(OH), BigInt(OW)]), [4]);
  const [out] = opFor(node, opsetOf(g.model, node.domain)).run(inputs, { node, opset: opsetOf(g.model, node.domain) });
  if (out.dims.join() !== [1, 1, OH, OW].join()) return undefined;
  const data = out.data as Float32Array;
  const result = new Int32Array(OH * OW);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isInteger(data[i]) || data[i] < 0 || data[i] >= H * W) return undefined;
    result[i] = data[i];
  }
  return result;
}

/** True when `node` is a nearest Resize of H and W only, with constant parameters, on an NHWC tensor. */
export function isLowerableResize(node: Node, g: GraphInfo): boolean {
  if (node.opType !== 'Resize' || node.domain !== '') return false;
  const [x, ...rest] = node.inputs;
  if (!g.has(x) || !g.has(node.outputs[0]) || g.value(x).layout !== 'nhwc' || rest.some((n) => n && !g.constant(n)))
    return false;
  if (attr.string(node, 'mode', 'nearest') !== 'nearest' || attr.has(node, 'axes')) return false;
  if (attr.string(node, 'coordinate_transformation_mode', 'half_pixel') === 'tf_crop_and_resize') return false;
  const [xd, yd] = [g.value(x).dims, g.value(node.outputs[0]).dims];
  return xd[0] === yd[0] && xd[1] === yd[1] && sourcePixels(node, g) !== undefined;
}

export function lowerResize(node: Node, g: GraphInfo): LoweredOp {
  const [xName] = node.inputs;
  const [yName] = node.outputs;
  const [N, C, H, W] = g.value(xName).dims;
  const [, , OH, OW] = g.value(yName).dims;
  const source = sourcePixels(node, g)!;
  const pixels = N * OH * OW;
  return {
    name: node.name,
    op: node.opType,
    runs: 'wasm',
    reads: [xName],
    writes: [yName],
    emit(ctx) {
      const fn = emitGatherRows(ctx.module);
      const x = ctx.addressOf(xName);
      const ind = ctx.place(
        pixelIndirection(pixels, 1, (p) => x + (Math.floor(p / (OH * OW)) * H * W + source[p % (OH * OW)]) * C * 4),
      );
      const y = ctx.addressOf(yName);
      return {
        kernel: fn,
        calls: rangeChunks(pixels, ctx.threads, pixels * C, (p0, n) => [ind + p0 * 4, n, y + p0 * C * 4, C * 4]),
      };
    },
  };
}
