/**
 * The pools: MaxPool (with dilations, ceil_mode and the optional Indices output in either storage
 * order), AveragePool (count_include_pad, ceil_mode, dilations) and the global pools. Sums run in float64.
 */
import { ShapeError } from '../../errors.js';
import type { ValueType } from '../../ir/graph.js';
import type { Dim } from '../../shape.js';
import type { Tensor, TensorType } from '../../tensor.js';
import type { InferInput, OpContext, OpDef } from '../op.js';
import { allocOutput, firstInput, flag, FLOAT, nodeLabel, product, shapeError } from './common.js';
import { geometry3, readWindow, windowOutputDims, type Geometry3, type Window } from './window.js';

function checkPoolRank(ctx: OpContext, dims: readonly Dim[], max = 5): void {
  if (dims.length < 3 || dims.length > max)
    throw shapeError(
      ctx,
      `X must have rank 3 to ${max} ([N, C, spatial...]), got [${dims.join(', ')}]`,
      `3..${max}`,
      dims.length,
    );
}

function poolWindow(ctx: OpContext, rank: number): Window {
  const isMax = ctx.node.opType === 'MaxPool';
  return readWindow(ctx.node, rank, {
    ceilMode: ctx.opset >= 10,
    dilations: isMax ? ctx.opset >= 10 : ctx.opset >= 19,
  });
}

/** MaxPool takes the 8-bit integers from opset 12; the other pools and earlier MaxPools float32 only. */
const poolTypes = (ctx: OpContext): readonly TensorType[] =>
  ctx.node.opType === 'MaxPool' && ctx.opset >= 12 ? ['float32', 'int8', 'uint8'] : FLOAT;

function inferPool(inputs: readonly (InferInput | undefined)[], ctx: OpContext): ValueType[] {
  const x = firstInput(inputs, ctx, 'X', poolTypes(ctx));
  let shape: Dim[] | undefined;
  if (x.shape) {
    checkPoolRank(ctx, x.shape);
    const window = poolWindow(ctx, x.shape.length - 2);
    shape = [x.shape[0], x.shape[1], ...windowOutputDims(ctx.node, window, x.shape.slice(2))];
  }
  if (ctx.node.opType === 'MaxPool') flag(ctx.node, 'storage_order', 0);
  if (ctx.node.opType === 'AveragePool') flag(ctx.node, 'count_include_pad', 0);
  return wantsIndices(ctx)
    ? [
        { type: x.type, shape },
        { type: 'int64', shape },
      ]
    : [{ type: x.type, shape }];
}

/** Whether the node names MaxPool's optional Indices output (an empty name omits it). */
function wantsIndices(ctx: OpContext): boolean {
  return ctx.node.opType === 'MaxPool' && ctx.node.outputs.length > 1 && ctx.node.outputs[1] !== '';
}

/** Everything a pool kernel needs about one problem. */
interface PoolProblem {
  x: Float32Array | Int8Array | Uint8Array;
  planes: number;
  g: Geometry3;
  rank: number;
}

function poolProblem(ctx: OpContext, x: Tensor): PoolProblem {
  checkPoolRank(ctx, x.dims);
  const window = poolWindow(ctx, x.dims.length - 2);
  const g = geometry3(ctx.node, window, x.dims.slice(2));
  return { x: x.data as PoolProblem['x'], planes: x.dims[0] * x.dims[1], g, rank: window.rank };
}

function outputDims(x: Tensor, p: PoolProblem): number[] {
  return [x.dims[0], x.dims[1], ...p.g.outSize.slice(3 - p.rank)];
}

/** The flat index MaxPool reports for spatial position (a, b, c) of plane `plane` (row- or column-major). */
function elementIndex(p: PoolProblem, plane: number, a: number, b: number, c: number, columnMajor: boolean): number {
  const [D, H, W] = p.g.inSize;
  const base = plane * D * H * W;
  if (!columnMajor) return base + (a * H + b) * W + c;
  // Column-major over the real spatial axes: the first axis varies fastest.
  if (p.rank === 3) return base + a + b * D + c * D * H;
  if (p.rank === 2) return base + b + c * H;
  return base + c;
}

function runMaxPool(inputs: readonly (Tensor | undefined)[], ctx: OpContext): Tensor[] {
  const x = firstInput(inputs, ctx, 'X', poolTypes(ctx));
  const columnMajor = flag(ctx.node, 'storage_order', 0);
  const p = poolProblem(ctx, x);
  const dims = outputDims(x, p);
  const y = allocOutput(x.type, dims, ctx);
  const indices = wantsIndices(ctx) ? allocOutput('int64', dims, ctx) : undefined;
  const { g } = p;
  const [D, H, W] = g.inSize;
  const [OD, OH, OW] = g.outSize;
  let o = 0;
  for (let plane = 0; plane < p.planes; plane++) {
    const base = plane * D * H * W;
    for (let od = 0; od < OD; od++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++, o++) {
          let best = -Infinity;
          let bd = 0;
          let bh = 0;
          let bw = 0;
          for (let kd = 0; kd < g.kernel[0]; kd++) {
            const d = od * g.strides[0] - g.padBegin[0] + kd * g.dilations[0];
            if (d < 0 || d >= D) continue;
            for (let kh = 0; kh < g.kernel[1]; kh++) {
              const h = oh * g.strides[1] - g.padBegin[1] + kh * g.dilations[1];
              if (h < 0 || h >= H) continue;
              for (let kw = 0; kw < g.kernel[2]; kw++) {
                const w = ow * g.strides[2] - g.padBegin[2] + kw * g.dilations[2];
                if (w < 0 || w >= W) continue;
                const v = p.x[base + (d * H + h) * W + w];
                // NaN wins (docs/numerics.md): the first NaN of the window is the max and its index.
                if (v > best || (Number.isNaN(v) && !Number.isNaN(best))) {
                  best = v;
                  bd = d;
                  bh = h;
                  bw = w;
                }
              }
            }
          }
          y.data[o] = best;
          if (indices) indices.data[o] = BigInt(elementIndex(p, plane, bd, bh, bw, columnMajor));
        }
      }
    }
  }
  return indices ? [y, indices] : [y];
}

/** Positions of a window along one axis that are inside [lo, hi). */
function countInside(start: number, k: number, dilation: number, lo: number, hi: number): number {
  let n = 0;
  for (let i = 0; i < k; i++) {
    const at = start + i * dilation;
    if (at >= lo && at < hi) n++;
  }
  return n;
}

function runAveragePool(inputs: readonly (Tensor | undefined)[], ctx: OpContext): Tensor[] {
  const x = firstInput(inputs, ctx, 'X', FLOAT);
  const includePad = flag(ctx.node, 'count_include_pad', 0);
  const p = poolProblem(ctx, x);
  const y = allocOutput('float32', outputDims(x, p), ctx);
  const { g } = p;
  const [D, H, W] = g.inSize;
  const [OD, OH, OW] = g.outSize;
  // The divisor counts the window's positions inside the input, or inside the padded input with
  // count_include_pad (positions past the end padding, from ceil_mode, never count).
  const lo = includePad ? g.padBegin.map((v) => -v) : [0, 0, 0];
  const hi = includePad ? [D + g.padEnd[0], H + g.padEnd[1], W + g.padEnd[2]] : [D, H, W];
  let o = 0;
  for (let plane = 0; plane < p.planes; plane++) {
    const base = plane * D * H * W;
    for (let od = 0; od < OD; od++) {
      const d0 = od * g.strides[0] - g.padBegin[0];
      for (let oh = 0; oh < OH; oh++) {
        const h0 = oh * g.strides[1] - g.padBegin[1];
        for (let ow = 0; ow < OW; ow++, o++) {
          const w0 = ow * g.strides[2] - g.padBegin[2];
          let sum = 0;
          for (let kd = 0; kd < g.kernel[0]; kd++) {
            const d = d0 + kd * g.dilations[0];
            if (d < 0 || d >= D) continue;
            for (let kh = 0; kh < g.kernel[1]; kh++) {
              const h = h0 + kh * g.dilations[1];
              if (h < 0 || h >= H) continue;
              for (let kw = 0; kw < g.kernel[2]; kw++) {
                const w = w0 + kw * g.dilations[2];
                if (w >= 0 && w < W) sum = Math.fround(sum + p.x[base + (d * H + h) * W + w]);
              }
            }
          }
          const count =
            countInside(d0, g.kernel[0], g.dilations[0], lo[0], hi[0]) *
            countInside(h0, g.kernel[1], g.dilations[1], lo[1], hi[1]) *
            countInside(w0, g.kernel[2], g.dilations[2], lo[2], hi[2]);
          y.data[o] = count > 0 ? sum / count : 0;
        }
      }
    }
  }
  return [y];
}

export const MaxPool: OpDef = { opType: 'MaxPool', domain: '', sinceVersion: 7, infer: inferPool, run: runMaxPool };
export const AveragePool: OpDef = {
  opType: 'AveragePool',
  domain: '',
  sinceVersion: 7,
  infer: inferPool,
  run: runAveragePool,
};

/** [N, C, 1, ...]: a global pool's output dims. */
function globalPoolDims<D extends Dim>(x: readonly D[]): (D | 1)[] {
  return [x[0], x[1], ...x.slice(2).map(() => 1 as const)];
}

/** A global pool: one value per (n, c) plane, over every spatial position. */
function globalPool(opType: string, reduce: (data: Float32Array, from: number, to: number) => number): OpDef {
  return {
    opType,
    domain: '',
    sinceVersion: 7,
    infer(inputs, ctx) {
      const x = firstInput(inputs, ctx, 'X', FLOAT);
      if (!x.shape) return [{ type: x.type }];
      checkPoolRank(ctx, x.shape, Infinity);
      return [{ type: x.type, shape: globalPoolDims(x.shape) }];
    },
    run(inputs, ctx) {
      const x = firstInput(inputs, ctx, 'X', FLOAT);
      checkPoolRank(ctx, x.dims, Infinity);
      const y = allocOutput('float32', globalPoolDims(x.dims), ctx);
      const plane = product(x.dims, 2);
      if (plane === 0 && y.size > 0) {
        // Pooling an empty plane has no value (onnxruntime refuses it too): only N and C may be 0.
        throw new ShapeError(`${nodeLabel(ctx.node)}: spatial dims of X [${x.dims.join(', ')}] must not be 0`, {
          node: ctx.node.name,
          op: ctx.node.opType,
          got: [...x.dims],
        });
      }
      for (let i = 0; i < y.size; i++) y.data[i] = reduce(x.data as Float32Array, i * plane, (i + 1) * plane);
      return [y];
    },
  };
}

export const GlobalAveragePool = globalPool('GlobalAveragePool', (data, from, to) => {
  let sum = 0;
  // float32 accumulation, as every backend sums: a sum past the float32 range is infinite.
  for (let i = from; i < to; i++) sum = Math.fround(sum + data[i]);
  return sum / (to - from);
});

export const GlobalMaxPool = globalPool('GlobalMaxPool', (data, from, to) => {
  let best = -Infinity;
  for (let i = from; i < to && !Number.isNaN(best); i++) if (data[i] > best || Number.isNaN(data[i])) best = data[i];
  return best;
});
