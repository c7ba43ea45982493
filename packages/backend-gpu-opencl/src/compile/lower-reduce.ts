/**
 * ReduceSum, ReduceMean and ReduceMax over any axes (an attribute, or a constant input from the opset
 * where ONNX moved it there); keepdims does not change the order of the results, only their dims.
 */
import { attr, normalizeAxis, stridesOf, type Node } from '@lastmile/core';
import { REDUCE_OP, type ReduceOpName } from '../kernels/reduce.js';
import { arg, constantNumbers, dimsOf, type GraphView, type Lowered, product } from './steps.js';

const AXES_INPUT_SINCE: Record<ReduceOpName, number> = { ReduceSum: 13, ReduceMean: 18, ReduceMax: 18 };

/** The reduced axes, or undefined when they are a computed input; an empty list means all axes. */
function reducedAxes(node: Node, view: GraphView): number[] | undefined {
  if (view.opset < AXES_INPUT_SINCE[node.opType as ReduceOpName]) return attr.ints(node, 'axes', []);
  if (!node.inputs[1]) return [];
  return constantNumbers(view, node.inputs[1]);
}

export function refuseReduce(node: Node, view: GraphView): string | undefined {
  const axes = reducedAxes(node, view);
  if (axes === undefined) return `${node.opType} axes must be a constant on gpu-opencl`;
  if (axes.length === 0 && attr.int(node, 'noop_with_empty_axes', 0) === 1)
    return `${node.opType} with noop_with_empty_axes does not run on gpu-opencl`;
  return undefined;
}

export function lowerReduce(node: Node, view: GraphView): Lowered {
  const x = dimsOf(view, node.inputs[0], node);
  const listed = (reducedAxes(node, view) as number[]).map((a) => normalizeAxis(a, x.length));
  const reduced = new Set(listed.length === 0 ? x.map((_, i) => i) : listed);
  const kept = x.map((d, i) => (reduced.has(i) ? 1 : d));
  const spans = x.map((d, i) => (reduced.has(i) ? d : 1));
  const n = product(kept);
  const count = product(spans);
  const meta = [x.length, ...kept, ...stridesOf(x), ...spans];
  const args = [
    arg.value(node.inputs[0]),
    arg.value(node.outputs[0]),
    arg.ints(meta),
    arg.int(n),
    arg.int(count),
    arg.int(REDUCE_OP[node.opType as ReduceOpName]),
  ];
  return { steps: [{ kernel: 'reduce', args, workItems: n, node }] };
}
