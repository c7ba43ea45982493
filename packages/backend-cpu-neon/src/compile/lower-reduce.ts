/**
 * ReduceMean, ReduceSum and ReduceMax over axes that are contiguous in the stored order, as
 * one [outer, n, inner] reduction; the output must be stored in the order of the kept axes.
 */
import { attr, type Node, normalizeAxis, opsetOf, toNumbers } from '@lastmile/core';
import { emitReduce, type ReduceKind } from '../kernels/reduce.js';
import { physicalAxisOf } from '../layout/nhwc.js';
import type { GraphInfo } from './graph-info.js';
import type { LoweredOp } from './program.js';
import { rangeChunks } from './split.js';

const KINDS: Record<string, ReduceKind> = { ReduceSum: 'sum', ReduceMean: 'mean', ReduceMax: 'max' };
/** Opset from which each op takes its axes as an input instead of an attribute. */
const AXES_INPUT_SINCE: Record<string, number> = { ReduceSum: 13, ReduceMean: 18, ReduceMax: 18 };

interface Reduction {
  kind: ReduceKind;
  outer: number;
  n: number;
  inner: number;
}

function reduction(node: Node, g: GraphInfo): Reduction | undefined {
  const kind = KINDS[node.opType];
  const [xName, axesName] = node.inputs;
  const yName = node.outputs[0];
  if (!kind || node.domain !== '' || !g.has(xName) || !g.has(yName)) return undefined;
  const [x, y] = [g.value(xName), g.value(yName)];
  if (x.type !== 'float32' || x.size === 0 || y.size === 0 || x.dims.length === 0) return undefined;
  let axes: number[] | undefined;
  if (opsetOf(g.model, node.domain) >= AXES_INPUT_SINCE[node.opType]) {
    if (axesName) {
      const t = g.constant(axesName);
      if (!t) return undefined;
      axes = toNumbers(t);
    }
  } else if (attr.has(node, 'axes')) {
    axes = attr.ints(node, 'axes');
  }
  const rank = x.dims.length;
  if (axes === undefined || axes.length === 0) {
    // No axes (absent or empty) with noop_with_empty_axes is the identity: left to the host.
    if (attr.int(node, 'noop_with_empty_axes', 0) !== 0) return undefined;
    axes = x.dims.map((_, a) => a);
  }
  const reduced = new Set(axes.map((a) => normalizeAxis(a, rank)));
  // Stored positions of the axes that matter (size > 1): the reduced ones must be one contiguous run.
  const stored = x.dims.map((_, a) => physicalAxisOf(a, x.layout));
  const storedDims = new Array<number>(rank);
  x.dims.forEach((d, a) => {
    storedDims[stored[a]] = d;
  });
  const reducedAt = [...reduced].filter((a) => x.dims[a] > 1).map((a) => stored[a]);
  if (reducedAt.length === 0) return undefined;
  const [lo, hi] = [Math.min(...reducedAt), Math.max(...reducedAt)];
  if (storedDims.slice(lo, hi + 1).some((d, i) => d > 1 && !reducedAt.includes(lo + i))) return undefined;
  // The output is written in the stored order of the kept axes.
  const kept = x.dims.map((_, a) => a).filter((a) => !reduced.has(a) && x.dims[a] > 1);
  const keptInOrder = kept.every((a, i) => i === 0 || stored[kept[i - 1]] < stored[a]);
  const sameLayout = y.layout === x.layout && y.dims.length === rank;
  if (!(sameLayout || (y.layout === 'plain' && keptInOrder))) return undefined;
  const product = (ds: number[]) => ds.reduce((p, d) => p * d, 1);
  return {
    kind,
    outer: product(storedDims.slice(0, lo)),
    n: product(storedDims.slice(lo, hi + 1)),
    inner: product(storedDims.slice(hi + 1)),
  };
}

export function isLowerableReduce(node: Node, g: GraphInfo): boolean {
  return reduction(node, g) !== undefined;
}

export function lowerReduce(node: Node, g: GraphInfo): LoweredOp {
  const { kind, outer, n, inner } = reduction(node, g)!;
  const [xName] = node.inputs;
  const [yName] = node.outputs;
  return {
    name: node.name,
    op: node.opType,
    runs: 'wasm',
    reads: [xName],
    writes: [yName],
    emit(ctx) {
      const fn = emitReduce(ctx.module, kind);
      const [x, y] = [ctx.addressOf(xName), ctx.addressOf(yName)];
      return {
        kernel: fn,
        calls: rangeChunks(outer, ctx.threads, outer * n * inner, (o, count) => [
          x + o * n * inner * 4,
          y + o * inner * 4,
          count,
          n,
          inner,
        ]),
      };
    },
  };
}
