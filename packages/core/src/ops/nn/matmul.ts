/**
 * MatMul (numpy semantics: batch dims broadcast, a 1-D operand gains and then loses a unit dim) and Gemm
 * (Y = alpha * A' B' + beta * C, with C broadcast onto [M, N]). Dot products sum in float64.
 */
import { attr } from '../../ir/attributes.js';
import { broadcastDims, type Dim } from '../../shape.js';
import type { OpContext, OpDef } from '../op.js';
import { broadcastIndex } from './broadcast.js';
import { allocOutput, flag, FLOAT, sameTypeInputs, shapeError } from './common.js';

/** Throws when two inner dims are both known and differ. */
function checkInner(ctx: OpContext, k1: Dim, k2: Dim, what: string): void {
  if (typeof k1 === 'number' && typeof k2 === 'number' && k1 !== k2)
    throw shapeError(ctx, `${what}: inner dims differ (${k1} vs ${k2})`, k1, k2);
}

/** MatMul's output shape, from shapes whose dims may be symbolic. */
export function matmulShape(ctx: OpContext, a: readonly Dim[], b: readonly Dim[]): Dim[] {
  if (a.length === 0 || b.length === 0)
    throw shapeError(ctx, `operands must have rank >= 1, got ranks ${a.length} and ${b.length}`, '>= 1', [
      a.length,
      b.length,
    ]);
  const a2 = a.length === 1 ? [1, a[0]] : a;
  const b2 = b.length === 1 ? [b[0], 1] : b;
  checkInner(ctx, a2[a2.length - 1], b2[b2.length - 2], `A [${a.join(', ')}] x B [${b.join(', ')}]`);
  let batch: Dim[];
  try {
    batch = broadcastDims(a2.slice(0, -2), b2.slice(0, -2));
  } catch {
    throw shapeError(ctx, `batch dims of A [${a.join(', ')}] and B [${b.join(', ')}] do not broadcast`, [...a], [...b]);
  }
  const out = [...batch];
  if (a.length > 1) out.push(a2[a2.length - 2]);
  if (b.length > 1) out.push(b2[b2.length - 1]);
  return out;
}

export const MatMul: OpDef = {
  opType: 'MatMul',
  domain: '',
  sinceVersion: 7,
  infer(inputs, ctx) {
    const [a, b] = sameTypeInputs(inputs, ctx, ['A', 'B'], FLOAT);
    return [{ type: a.type, shape: a.shape && b.shape ? matmulShape(ctx, a.shape, b.shape) : undefined }];
  },
  run(inputs, ctx) {
    const [a, b] = sameTypeInputs(inputs, ctx, ['A', 'B'], FLOAT);
    const out = allocOutput('float32', matmulShape(ctx, a.dims, b.dims) as number[], ctx);
    matmulKernel(a.data as Float32Array, a.dims, b.data as Float32Array, b.dims, out.data);
    return [out];
  },
};

/**
 * The product of A and B (numpy's matmul) into `out`, each dot product summed in float64: exact for the
 * integer operands of MatMulInteger and QLinearMatMul, whose sums stay far below 2^53.
 */
export function matmulKernel(
  x: ArrayLike<number>,
  xDims: readonly number[],
  y: ArrayLike<number>,
  yDims: readonly number[],
  out: Float32Array | Int32Array | Float64Array,
): void {
  const aDims = xDims.length === 1 ? [1, xDims[0]] : xDims;
  const bDims = yDims.length === 1 ? [yDims[0], 1] : yDims;
  const [M, K] = aDims.slice(-2);
  const N = bDims[bDims.length - 1];
  const aBatch = aDims.slice(0, -2);
  const bBatch = bDims.slice(0, -2);
  const batch = broadcastDims(aBatch, bBatch) as number[];
  const ia = broadcastIndex(aBatch, batch);
  const ib = broadcastIndex(bBatch, batch);
  const batches = batch.reduce((p, d) => p * d, 1);
  const acc = new Float64Array(N);
  for (let t = 0; t < batches; t++) {
    const aBase = (ia ? ia[t] : t) * M * K;
    const bBase = (ib ? ib[t] : t) * K * N;
    const oBase = t * M * N;
    for (let i = 0; i < M; i++) {
      acc.fill(0);
      for (let k = 0; k < K; k++) {
        const av = x[aBase + i * K + k];
        const row = bBase + k * N;
        for (let j = 0; j < N; j++) acc[j] += av * y[row + j];
      }
      out.set(acc, oBase + i * N);
    }
  }
}

/** Gemm's [M, K] and [K, N] after the transposes, from 2-D shapes. */
function gemmDims(
  ctx: OpContext,
  a: readonly Dim[],
  b: readonly Dim[],
  transA: boolean,
  transB: boolean,
): { M: Dim; K: Dim; N: Dim } {
  if (a.length !== 2 || b.length !== 2)
    throw shapeError(ctx, `A and B must be 2-D, got ranks ${a.length} and ${b.length}`, 2, [a.length, b.length]);
  const [M, K] = transA ? [a[1], a[0]] : [a[0], a[1]];
  const [K2, N] = transB ? [b[1], b[0]] : [b[0], b[1]];
  checkInner(ctx, K, K2, `A' [${M}, ${K}] x B' [${K2}, ${N}]`);
  return { M, K, N };
}

/** Throws unless C broadcasts onto [M, N] without changing it. */
function checkGemmC(ctx: OpContext, c: readonly Dim[], M: Dim, N: Dim): void {
  const target = [M, N];
  const ok =
    c.length <= 2 &&
    c.every(
      (d, i) =>
        d === 1 ||
        d === target[2 - c.length + i] ||
        typeof d === 'string' ||
        typeof target[2 - c.length + i] === 'string',
    );
  if (!ok) throw shapeError(ctx, `C [${c.join(', ')}] does not broadcast onto [${M}, ${N}]`, target, [...c]);
}

export const Gemm: OpDef = {
  opType: 'Gemm',
  domain: '',
  sinceVersion: 7,
  infer(inputs, ctx) {
    // C is optional from opset 11.
    const [a, b, c] = sameTypeInputs(inputs, ctx, ['A', 'B', 'C'], FLOAT, ctx.opset < 11 ? 3 : 2);
    if (!a.shape || !b.shape) return [{ type: a.type }];
    const { M, N } = gemmDims(ctx, a.shape, b.shape, flag(ctx.node, 'transA', 0), flag(ctx.node, 'transB', 0));
    if (c?.shape) checkGemmC(ctx, c.shape, M, N);
    return [{ type: a.type, shape: [M, N] }];
  },
  run(inputs, ctx) {
    const [a, b, c] = sameTypeInputs(inputs, ctx, ['A', 'B', 'C'], FLOAT, ctx.opset < 11 ? 3 : 2);
    const transA = flag(ctx.node, 'transA', 0);
    const transB = flag(ctx.node, 'transB', 0);
    const alpha = attr.float(ctx.node, 'alpha', 1);
    const beta = attr.float(ctx.node, 'beta', 1);
    const { M, K, N } = gemmDims(ctx, a.dims, b.dims, transA, transB) as { M: number; K: number; N: number };
    if (c) checkGemmC(ctx, c.dims, M, N);
    const out = allocOutput('float32', [M, N], ctx);
    const x = a.data as Float32Array;
    const y = b.data as Float32Array;
    // Element (i, k) of A' and (k, j) of B' in the stored layouts.
    const [aRow, aCol] = transA ? [1, M] : [K, 1];
    const [bRow, bCol] = transB ? [1, K] : [N, 1];
    const ic = c ? broadcastIndex(c.dims, [M, N]) : undefined;
    // onnxruntime skips C when beta is 0, so NaNs in C do not leak through.
    const cData = beta !== 0 ? (c?.data as Float32Array | undefined) : undefined;
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let sum = 0;
        for (let k = 0; k < K; k++) sum += x[i * aRow + k * aCol] * y[k * bRow + j * bCol];
        const o = i * N + j;
        out.data[o] = alpha * sum + (cData ? beta * cData[ic ? ic[o] : o] : 0);
      }
    }
    return [out];
  },
};
