/**
 * The op set of gpu-opencl: for each op, how many leading inputs are device tensors (the rest are read
 * on the host: shapes, axes, bounds), why a node may be refused, and how it is lowered.
 */
import { isOnnxDomain, LASTMILE_DOMAIN, type Node } from '@lastmile/core';
import { UNARY_OPS } from './activation.js';
import { lowerConv, lowerConvTranspose, refuseConv } from './lower-conv.js';
import { lowerBatchNorm, lowerBinary, lowerUnary, refuseBatchNorm, refuseUnary } from './lower-elementwise.js';
import { lowerGemm, lowerMatMul } from './lower-matmul.js';
import {
  ALIAS_OPS,
  lowerAlias,
  lowerConcat,
  lowerConstant,
  lowerExpand,
  lowerSlice,
  lowerSplit,
  lowerTranspose,
  refuseAlias,
  refuseConstant,
  refuseSlice,
} from './lower-movement.js';
import { lowerGlobalPool, lowerPool, refusePool } from './lower-pool.js';
import { lowerReduce, refuseReduce } from './lower-reduce.js';
import { lowerResize, refuseResize } from './lower-resize.js';
import { lowerSoftmax } from './lower-softmax.js';
import type { GraphView, Lowered } from './steps.js';

export interface OpKernel {
  /** Leading inputs that live on the device (default: all). */
  deviceInputs?: number;
  refuse?(node: Node, view: GraphView): string | undefined;
  lower(node: Node, view: GraphView): Lowered;
}

const conv: OpKernel = { refuse: refuseConv, lower: lowerConv };
const binary: OpKernel = { lower: (node, view) => lowerBinary(node, view) };
const pool: OpKernel = { refuse: refusePool, lower: lowerPool };
const globalPool: OpKernel = { lower: lowerGlobalPool };
const reduce: OpKernel = { deviceInputs: 1, refuse: refuseReduce, lower: lowerReduce };
const softmax: OpKernel = { lower: lowerSoftmax };
const resize: OpKernel = { deviceInputs: 1, refuse: refuseResize, lower: lowerResize };
const alias: OpKernel = { deviceInputs: 1, refuse: refuseAlias, lower: lowerAlias };
const unary: OpKernel = { deviceInputs: 1, refuse: refuseUnary, lower: lowerUnary };

const STANDARD: Record<string, OpKernel> = {
  Conv: conv,
  ConvTranspose: { refuse: refuseConv, lower: lowerConvTranspose },
  Add: binary,
  Sub: binary,
  Mul: binary,
  Div: binary,
  Pow: binary,
  PRelu: binary,
  MaxPool: pool,
  AveragePool: pool,
  GlobalAveragePool: globalPool,
  GlobalMaxPool: globalPool,
  BatchNormalization: { deviceInputs: 1, refuse: refuseBatchNorm, lower: lowerBatchNorm },
  MatMul: { lower: lowerMatMul },
  Gemm: { lower: (node, view) => lowerGemm(node, view) },
  Softmax: softmax,
  LogSoftmax: softmax,
  ReduceSum: reduce,
  ReduceMean: reduce,
  ReduceMax: reduce,
  Resize: resize,
  Upsample: resize,
  Transpose: { lower: lowerTranspose },
  Slice: { deviceInputs: 1, refuse: refuseSlice, lower: lowerSlice },
  Expand: { deviceInputs: 1, lower: lowerExpand },
  Concat: { lower: lowerConcat },
  Constant: { refuse: refuseConstant, lower: lowerConstant },
  Split: {
    deviceInputs: 1,
    refuse: (node) => (node.outputs.includes('') ? 'Split with omitted outputs does not run on gpu-opencl' : undefined),
    lower: lowerSplit,
  },
  ...Object.fromEntries(ALIAS_OPS.map((op) => [op, alias])),
  ...Object.fromEntries(UNARY_OPS.map((op) => [op, unary])),
};

/** The kernel of a node's op, or undefined when gpu-opencl has none. */
export function opKernel(node: Node): OpKernel | undefined {
  if (isOnnxDomain(node.domain)) return Object.hasOwn(STANDARD, node.opType) ? STANDARD[node.opType] : undefined;
  return node.domain === LASTMILE_DOMAIN && node.opType === 'FusedConv' ? conv : undefined;
}

/** Every op gpu-opencl takes, sorted (for documentation and `inspect`). */
export function openclOps(): string[] {
  return [...Object.keys(STANDARD), `${LASTMILE_DOMAIN}.FusedConv`].sort();
}
