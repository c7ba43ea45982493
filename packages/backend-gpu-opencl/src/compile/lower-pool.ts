/**
 * MaxPool and AveragePool (1-D and 2-D, pads, dilations, ceil_mode via the inferred output size,
 * count_include_pad), and GlobalAveragePool / GlobalMaxPool over all spatial axes.
 */
import { attr, type Node } from '@lastmile/core';
import { arg, dimsOf, type GraphView, type Lowered, product } from './steps.js';
import { forwardWindow, spatial2 } from './window.js';

export function refusePool(node: Node, view: GraphView): string | undefined {
  const rank = (view.valueType(node.inputs[0])?.shape?.length ?? 0) - 2;
  if (rank !== 1 && rank !== 2)
    return `only 1-D and 2-D pooling runs on gpu-opencl (this one has ${rank} spatial axes)`;
  if (node.outputs.length > 1 && node.outputs[1] !== '')
    return "MaxPool's Indices output is not computed on gpu-opencl";
  return undefined;
}

export function lowerPool(node: Node, view: GraphView): Lowered {
  const x = dimsOf(view, node.inputs[0], node);
  const y = dimsOf(view, node.outputs[0], node);
  const rank = x.length - 2;
  const isMax = node.opType === 'MaxPool';
  const k = attr.ints(node, 'kernel_shape');
  const kernel: [number, number] = rank === 1 ? [1, k[0]] : [k[0], k[1]];
  const hasDilations = isMax ? view.opset >= 10 : view.opset >= 19;
  const win = forwardWindow(node, rank, kernel, spatial2(x), spatial2(y), hasDilations);
  const includePad = !isMax && attr.int(node, 'count_include_pad', 0) === 1;
  const g = [
    ...win.input,
    ...win.output,
    ...win.kernel,
    ...win.strides,
    ...win.padBegin,
    ...win.dilations,
    isMax ? 1 : 0,
    includePad ? 1 : 0,
    ...win.padEnd,
  ];
  const workItems = product(y);
  const args = [arg.value(node.inputs[0]), arg.value(node.outputs[0]), arg.int16(g), arg.int(workItems)];
  return { steps: [{ kernel: 'pool2d', args, workItems, node }] };
}

export function lowerGlobalPool(node: Node, view: GraphView): Lowered {
  const x = dimsOf(view, node.inputs[0], node);
  const planes = x[0] * x[1];
  const args = [
    arg.value(node.inputs[0]),
    arg.value(node.outputs[0]),
    arg.int(product(x, 2)),
    arg.int(planes),
    arg.int(node.opType === 'GlobalMaxPool' ? 1 : 0),
  ];
  return { steps: [{ kernel: 'global_pool', args, workItems: planes, node }] };
}
