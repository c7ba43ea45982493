/**
 * Softmax and LogSoftmax: over one axis from opset 13, over the flattened axes from `axis` on before.
 */
import { attr, normalizeAxis, type Node } from '@lastmile/core';
import { arg, dimsOf, type GraphView, type Lowered, product } from './steps.js';

export function lowerSoftmax(node: Node, view: GraphView): Lowered {
  const x = dimsOf(view, node.inputs[0], node);
  const modern = view.opset >= 13;
  const axis = normalizeAxis(attr.int(node, 'axis', modern ? -1 : 1), x.length);
  const outer = product(x, 0, axis);
  const length = modern ? x[axis] : product(x, axis);
  const inner = modern ? product(x, axis + 1) : 1;
  const n = outer * inner;
  const args = [
    arg.value(node.inputs[0]),
    arg.value(node.outputs[0]),
    arg.int(n),
    arg.int(length),
    arg.int(inner),
    arg.int(node.opType === 'LogSoftmax' ? 1 : 0),
  ];
  return { steps: [{ kernel: 'softmax', args, workItems: n, node }] };
}
