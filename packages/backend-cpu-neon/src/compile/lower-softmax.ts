/**
 * Softmax over the stored innermost axis: the last axis of a row-major tensor (or, before opset 13,
 * everything from `axis` on), or the channel axis of an NHWC tensor.
 */
import { attr, type Node, normalizeAxis, opsetOf } from '@lastmile/core';
import { emitSoftmax } from '../kernels/softmax.js';
import type { GraphInfo } from './graph-info.js';
import type { LoweredOp } from './program.js';
import { rangeChunks } from './split.js';

/** Row length of the softmax in stored order, or undefined when its rows are not contiguous. */
function rowLength(node: Node, g: GraphInfo): number | undefined {
  if (node.opType !== 'Softmax' || node.domain !== '' || !g.has(node.inputs[0]) || !g.has(node.outputs[0]))
    return undefined;
  const x = g.value(node.inputs[0]);
  if (x.type !== 'float32' || x.size === 0 || x.dims.length === 0) return undefined;
  const modern = opsetOf(g.model, node.domain) >= 13;
  const axis = normalizeAxis(attr.int(node, 'axis', modern ? -1 : 1), x.dims.length);
  if (x.layout === 'nhwc') return modern && axis === 1 ? x.dims[1] : undefined;
  if (modern) return axis === x.dims.length - 1 ? x.dims[axis] : undefined;
  return x.dims.slice(axis).reduce((p, d) => p * d, 1);
}

export function isLowerableSoftmax(node: Node, g: GraphInfo): boolean {
  return rowLength(node, g) !== undefined;
}

export function lowerSoftmax(node: Node, g: GraphInfo): LoweredOp {
  const [xName] = node.inputs;
  const [yName] = node.outputs;
  const n = rowLength(node, g)!;
  const rows = g.value(xName).size / n;
  return {
    name: node.name,
    op: 'Softmax',
    runs: 'wasm',
    reads: [xName],
    writes: [yName],
    emit(ctx) {
      const fn = emitSoftmax(ctx.module);
      const [x, y] = [ctx.addressOf(xName), ctx.addressOf(yName)];
      // A row's last vector may spill into the next row, which must then be written after it: split only whole-vector rows.
      const threads = n % 4 === 0 ? ctx.threads : 1;
      return {
        kernel: fn,
        calls: rangeChunks(rows, threads, rows * n * 8, (r0, count) => [x + r0 * n * 4, y + r0 * n * 4, count, n]),
      };
    },
  };
}
