/**
 * MatMul (batched, broadcasting the batch dims; 1-D operands promoted as ONNX says) and Gemm (transposes,
 * alpha, beta, and C broadcast to [M, N]).
 */
import { attr, broadcastShapes, type Node } from '@lastmile/core';
import { NO_ACTIVATION, type Activation } from './activation.js';
import { broadcastStrides } from './lower-elementwise.js';
import { arg, dimsOf, type GraphView, type Lowered, product } from './steps.js';

export function lowerMatMul(node: Node, view: GraphView): Lowered {
  let a = dimsOf(view, node.inputs[0], node);
  let b = dimsOf(view, node.inputs[1], node);
  if (a.length === 1) a = [1, a[0]];
  if (b.length === 1) b = [b[0], 1];
  const [m, k, n] = [a[a.length - 2], a[a.length - 1], b[b.length - 1]];
  const aBatch = a.slice(0, -2);
  const bBatch = b.slice(0, -2);
  const batch = broadcastShapes(aBatch, bBatch);
  const meta = [batch.length, ...batch, ...broadcastStrides(aBatch, batch), ...broadcastStrides(bBatch, batch)];
  const workItems = product(batch) * m * n;
  const args = [
    arg.value(node.inputs[0]),
    arg.value(node.inputs[1]),
    arg.value(node.outputs[0]),
    arg.ints(meta),
    arg.int(workItems),
    arg.int(m),
    arg.int(n),
    arg.int(k),
  ];
  return { steps: [{ kernel: 'matmul', args, workItems, node }] };
}

/** A Gemm node, with `activation` applied to its result. */
export function lowerGemm(node: Node, view: GraphView, activation: Activation = NO_ACTIVATION): Lowered {
  const a = dimsOf(view, node.inputs[0], node);
  const b = dimsOf(view, node.inputs[1], node);
  const transA = attr.int(node, 'transA', 0) === 1;
  const transB = attr.int(node, 'transB', 0) === 1;
  const [m, k] = transA ? [a[1], a[0]] : [a[0], a[1]];
  const n = transB ? b[0] : b[1];
  const c = node.inputs[2] ? dimsOf(view, node.inputs[2], node) : undefined;
  const [strideM, strideN] = c ? broadcastStrides(c, [m, n]) : [0, 0];
  const workItems = m * n;
  const args = [
    arg.value(node.inputs[0]),
    arg.value(node.inputs[1]),
    c ? arg.value(node.inputs[2]) : arg.data(new Float32Array(1)),
    arg.value(node.outputs[0]),
    arg.int(workItems),
    arg.int(m),
    arg.int(n),
    arg.int(k),
    arg.int(transA ? 1 : 0),
    arg.int(transB ? 1 : 0),
    arg.float(attr.float(node, 'alpha', 1)),
    arg.float(c ? attr.float(node, 'beta', 1) : 0),
    arg.int(strideM),
    arg.int(strideN),
    arg.int(activation.act),
    arg.float(activation.p0),
    arg.float(activation.p1),
  ];
  return { steps: [{ kernel: 'gemm', args, workItems, node }] };
}
