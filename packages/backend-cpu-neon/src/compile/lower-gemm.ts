/**
 * Gemm and MatMul with a constant right-hand side, as the igemm kernel with one tap: each A row is one
 * pointer of the indirection buffer. alpha and beta * C (a bias broadcast over rows) are folded into the
 * packed weights.
 */
import { attr, type Node } from '@lastmile/core';
import { NO_ACTIVATION, type Activation } from '../kernels/activation.js';
import { emitIgemm, gemmRows } from '../kernels/gemm.js';
import { packGemm } from '../layout/pack.js';
import { type PackSource, reusePacked } from '../layout/pack-cache.js';
import type { GraphInfo } from './graph-info.js';
import { gemmIndirection } from './indirection.js';
import type { LoweredOp } from './program.js';
import { igemmChunks } from './split.js';

interface GemmProblem {
  a: string;
  rows: number;
  K: number;
  N: number;
  weight: (k: number, n: number) => number;
  bias?: (n: number) => number;
  /** What `weight` and `bias` read, for reusing the packing. */
  source: PackSource;
}

function gemmProblem(node: Node, g: GraphInfo): GemmProblem | undefined {
  const [aName, bName, cName] = node.inputs;
  if (!g.has(aName) || !g.has(node.outputs[0])) return undefined;
  const a = g.value(aName);
  const b = g.constant(bName);
  if (a.type !== 'float32' || a.layout !== 'plain' || !b || b.type !== 'float32' || b.dims.length !== 2)
    return undefined;
  const bData = b.data as Float32Array;
  if (node.opType === 'MatMul') {
    if (a.dims.length < 2) return undefined;
    const [K, N] = b.dims;
    return {
      a: aName,
      rows: a.size / K,
      K,
      N,
      weight: (k, n) => bData[k * N + n],
      source: { weights: bData, params: `matmul ${K} ${N}`, folded: [] },
    };
  }
  if (attr.int(node, 'transA', 0) !== 0 || a.dims.length !== 2) return undefined;
  const transB = attr.int(node, 'transB', 0) !== 0;
  const alpha = attr.float(node, 'alpha', 1);
  const beta = attr.float(node, 'beta', 1);
  const [K, N] = transB ? [b.dims[1], b.dims[0]] : b.dims;
  const weight = transB
    ? (k: number, n: number) => alpha * bData[n * K + k]
    : (k: number, n: number) => alpha * bData[k * N + n];
  const source = (folded: Float32Array[]): PackSource => ({
    weights: bData,
    params: `gemm ${K} ${N} ${transB} ${alpha} ${beta}`,
    folded,
  });
  if (!cName) return { a: aName, rows: a.dims[0], K, N, weight, source: source([]) };
  const c = g.constant(cName);
  // A bias that is the same for every row: [N], [1, N] or a scalar.
  if (c?.type !== 'float32' || c.dims.some((d, i) => d !== 1 && !(i === c.dims.length - 1 && d === N)))
    return undefined;
  const cData = c.data as Float32Array;
  return {
    a: aName,
    rows: a.dims[0],
    K,
    N,
    weight,
    bias: (n) => beta * cData[c.size === 1 ? 0 : n],
    source: source([cData]),
  };
}

/** True when this lowering takes `node` (Gemm, or MatMul by a constant matrix). */
export function isLowerableGemm(node: Node, g: GraphInfo): boolean {
  return node.outputs.length === 1 && gemmProblem(node, g) !== undefined;
}

export function lowerGemm(
  node: Node,
  g: GraphInfo,
  activation: Activation = NO_ACTIVATION,
  output = node.outputs[0],
  names = [node.name],
): LoweredOp {
  const p = gemmProblem(node, g)!;
  return {
    name: names.join('+'),
    op: node.opType,
    runs: 'wasm',
    reads: [p.a],
    writes: [output],
    emit(ctx) {
      const fn = emitIgemm(ctx.module, ctx.target, { activation, residual: false });
      const w = ctx.place(reusePacked(p.source, () => packGemm(p.K, p.N, p.weight, p.bias)));
      const aAddr = ctx.addressOf(p.a);
      const mr = gemmRows(ctx.target);
      const ind = ctx.place(gemmIndirection(p.rows, 1, mr, (row) => aAddr + row * p.K * 4));
      const out = ctx.addressOf(output);
      const { rows, K, N } = p;
      return {
        kernel: fn,
        calls: igemmChunks({ ind, rows, taps: 1, cbytes: K * 4, w, out, ostride: N, nc: N, res: 0, mr }, ctx.threads),
      };
    },
  };
}
