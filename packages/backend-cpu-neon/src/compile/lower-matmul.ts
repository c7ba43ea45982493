/**
 * MatMul of two runtime tensors (attention's Q.K^T and A.V) with batch broadcasting, in two phases the
 * threads share: every batch's right-hand side is packed into the arena scratch as igemm panels, then the
 * igemm kernel runs with A's rows as its one tap. Operands and result must be stored row-major.
 */
import type { Node } from '@lastmile/core';
import { emitIgemm, gemmRows } from '../kernels/gemm.js';
import { emitPackPanels } from '../kernels/pack.js';
import { NO_ACTIVATION } from '../kernels/activation.js';
import { nhwcIsPlain, storageStrides } from '../layout/nhwc.js';
import { packedGemmFloats } from '../layout/pack.js';
import type { GraphInfo, ValueDesc } from './graph-info.js';
import { gemmIndirection } from './indirection.js';
import type { LoweredOp } from './program.js';
import { igemmChunks } from './split.js';

const rowMajor = (v: ValueDesc) => v.layout === 'plain' || nhwcIsPlain(v.dims);

interface Batched {
  M: number;
  K: number;
  N: number;
  /** Per batch: element offsets of A, B and the output. */
  batches: [number, number, number][];
}

function batched(node: Node, g: GraphInfo): Batched | undefined {
  const [aName, bName] = node.inputs;
  const yName = node.outputs[0];
  if (node.opType !== 'MatMul' || node.domain !== '' || node.outputs.length !== 1) return undefined;
  if (![aName, bName, yName].every((n) => g.has(n) && g.value(n).type === 'float32' && rowMajor(g.value(n))))
    return undefined;
  if (g.constant(aName) || g.constant(bName)) return undefined;
  const [a, b, y] = [g.value(aName), g.value(bName), g.value(yName)];
  if (a.dims.length < 2 || b.dims.length < 2 || y.size === 0) return undefined;
  const [M, K] = a.dims.slice(-2);
  const [K2, N] = b.dims.slice(-2);
  if (K !== K2 || K === 0) return undefined;
  const batchDims = y.dims.slice(0, -2);
  const pad = (dims: number[]) => [
    ...new Array<number>(batchDims.length - (dims.length - 2)).fill(1),
    ...dims.slice(0, -2),
  ];
  const [ab, bb] = [pad(a.dims), pad(b.dims)];
  // Batch strides in elements; a broadcast axis (size 1) does not move.
  const stridesOf = (dims: number[], matrix: number) =>
    storageStrides(dims, 'plain').map((s, i) => (dims[i] === 1 ? 0 : s * matrix));
  const [as, bs, ys] = [stridesOf(ab, M * K), stridesOf(bb, K * N), stridesOf(batchDims, M * N)];
  const count = batchDims.reduce((p, d) => p * d, 1);
  const batches: [number, number, number][] = [];
  for (let i = 0; i < count; i++) {
    let rest = i;
    let [ao, bo, yo] = [0, 0, 0];
    for (let d = batchDims.length - 1; d >= 0; d--) {
      const index = rest % batchDims[d];
      rest = Math.floor(rest / batchDims[d]);
      [ao, bo, yo] = [ao + index * as[d], bo + index * bs[d], yo + index * ys[d]];
    }
    batches.push([ao, bo, yo]);
  }
  return { M, K, N, batches };
}

export function isLowerableMatMul(node: Node, g: GraphInfo): boolean {
  return batched(node, g) !== undefined;
}

export function lowerMatMul(node: Node, g: GraphInfo): LoweredOp {
  const { M, K, N, batches } = batched(node, g)!;
  const [aName, bName] = node.inputs;
  const [yName] = node.outputs;
  const panelBytes = packedGemmFloats(K, N) * 4;
  return {
    name: node.name,
    op: 'MatMul',
    runs: 'wasm',
    reads: [aName, bName],
    writes: [yName],
    scratchBytes: panelBytes * batches.length,
    emit(ctx) {
      const pack = emitPackPanels(ctx.module);
      const gemm = emitIgemm(ctx.module, ctx.target, { activation: NO_ACTIVATION, residual: false });
      const [a, b, y] = [ctx.addressOf(aName), ctx.addressOf(bName), ctx.addressOf(yName)];
      const mr = gemmRows(ctx.target);
      const tileBytes = Math.ceil(M / mr) * mr * 4;
      const ind = ctx.place(
        Int32Array.from(batches.flatMap(([ao]) => [...gemmIndirection(M, 1, mr, (row) => a + (ao + row * K) * 4)])),
      );
      const panels = (i: number) => ctx.scratch + i * panelBytes;
      const packCalls = batches.map(([, bo], i) => [b + bo * 4, N * 4, K, N, panels(i)]);
      // Batches are independent: a batch's GEMM is split only when there are fewer batches than threads.
      const perBatch = Math.max(1, Math.ceil(ctx.threads / batches.length));
      const gemmCalls = batches.flatMap(([, , yo], i) =>
        igemmChunks(
          {
            ind: ind + i * tileBytes,
            rows: M,
            taps: 1,
            cbytes: K * 4,
            w: panels(i),
            out: y + yo * 4,
            ostride: N,
            nc: N,
            res: 0,
            mr,
          },
          perBatch,
        ),
      );
      return [
        { kernel: pack, calls: packCalls },
        { kernel: gemm, calls: gemmCalls },
      ];
    },
  };
}
