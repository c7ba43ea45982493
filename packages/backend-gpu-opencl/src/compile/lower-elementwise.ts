/**
 * The unary activations and math, the broadcasting binary ops, and BatchNormalization (inference) as a
 * per-channel affine map whose scale and shift are computed once here.
 */
import { attr, type Node } from '@lastmile/core';
import { BINARY_OP, type BinaryOpName } from '../kernels/elementwise.js';
import { type Activation, activationOfNode, NO_ACTIVATION } from './activation.js';
import { arg, constantNumbers, dimsOf, type GraphView, type Lowered, product } from './steps.js';

export function refuseUnary(node: Node, view: GraphView): string | undefined {
  return activationOfNode(node, view) ? undefined : 'Clip bounds must be constants on gpu-opencl';
}

export function lowerUnary(node: Node, view: GraphView): Lowered {
  const a = activationOfNode(node, view) as Activation;
  const n = product(dimsOf(view, node.outputs[0], node));
  const args = [
    arg.value(node.inputs[0]),
    arg.value(node.outputs[0]),
    arg.int(n),
    arg.int(a.act),
    arg.float(a.p0),
    arg.float(a.p1),
  ];
  return { steps: [{ kernel: 'unary', args, workItems: n, node }] };
}

/** Strides of `dims` aligned to the right of an output of `rank` dims, 0 where the input broadcasts. */
export function broadcastStrides(dims: readonly number[], out: readonly number[]): number[] {
  const aligned = [...new Array<number>(out.length - dims.length).fill(1), ...dims];
  const strides = new Array<number>(out.length).fill(0);
  let stride = 1;
  for (let d = out.length - 1; d >= 0; d--) {
    strides[d] = aligned[d] === 1 && out[d] !== 1 ? 0 : stride;
    stride *= aligned[d];
  }
  return strides;
}

/** A binary node, with `activation` applied to its result (when an activation node was folded in). */
export function lowerBinary(node: Node, view: GraphView, activation: Activation = NO_ACTIVATION): Lowered {
  const a = dimsOf(view, node.inputs[0], node);
  const b = dimsOf(view, node.inputs[1], node);
  const y = dimsOf(view, node.outputs[0], node);
  const n = product(y);
  const op = BINARY_OP[node.opType as BinaryOpName];
  const tail = [arg.int(n), arg.int(op), arg.int(activation.act), arg.float(activation.p0), arg.float(activation.p1)];
  const same = (d: readonly number[]) => d.length === y.length && d.every((v, i) => v === y[i]);
  const io = [arg.value(node.inputs[0]), arg.value(node.inputs[1]), arg.value(node.outputs[0])];
  if (same(a) && same(b)) return { steps: [{ kernel: 'binary_same', args: [...io, ...tail], workItems: n, node }] };
  const meta = [y.length, ...y, ...broadcastStrides(a, y), ...broadcastStrides(b, y)];
  return { steps: [{ kernel: 'binary_broadcast', args: [...io, arg.ints(meta), ...tail], workItems: n, node }] };
}

export function refuseBatchNorm(node: Node, view: GraphView): string | undefined {
  if (node.outputs.length > 1 && node.outputs.slice(1).some((o) => o !== ''))
    return 'BatchNormalization training outputs are not computed on gpu-opencl';
  if (view.opset < 9 && attr.int(node, 'spatial', 1) !== 1)
    return 'BatchNormalization with spatial=0 does not run on gpu-opencl';
  const params = node.inputs.slice(1, 5);
  return params.every((p) => constantNumbers(view, p))
    ? undefined
    : 'BatchNormalization parameters must be constants on gpu-opencl';
}

export function lowerBatchNorm(node: Node, view: GraphView): Lowered {
  const x = dimsOf(view, node.inputs[0], node);
  const [gamma, beta, mean, variance] = node.inputs.slice(1, 5).map((p) => constantNumbers(view, p) as number[]);
  const epsilon = attr.float(node, 'epsilon', 1e-5);
  const channels = x[1];
  const scale = new Float32Array(channels);
  const shift = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    scale[c] = gamma[c] / Math.sqrt(variance[c] + epsilon);
    shift[c] = beta[c] - mean[c] * scale[c];
  }
  const n = product(x);
  const args = [
    arg.value(node.inputs[0]),
    arg.data(scale),
    arg.data(shift),
    arg.value(node.outputs[0]),
    arg.int(n),
    arg.int(product(x, 2)),
    arg.int(channels),
  ];
  return { steps: [{ kernel: 'channel_affine', args, workItems: n, node }] };
}
