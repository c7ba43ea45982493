/**
 * Which rank-4 float values are stored NHWC. The spatial kernels (convolution, pooling, resize) need
 * channels innermost; everything else (attention MatMuls, softmax over the last axis, transposes) wants
 * ONNX's row-major order. Values joined by elementwise and concatenating ops share one layout (union-find),
 * and a group is NHWC when any of its values enters or leaves a spatial op (or a softmax over channels).
 * Constants join the groups of the ops that read them (weights of spatial ops are packed, never stored).
 */
import type { Graph } from '@lastmile/core';

const SPATIAL = new Set([
  'Conv',
  'FusedConv',
  'ConvTranspose',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'GlobalMaxPool',
  'Resize',
  'BatchNormalization',
]);
/** Ops whose rank-4 inputs and outputs are best stored alike (their kernels run in any layout). */
const SAME_LAYOUT = new Set([
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Pow',
  'Relu',
  'Clip',
  'Sigmoid',
  'Tanh',
  'LeakyRelu',
  'HardSigmoid',
  'HardSwish',
  'Sqrt',
  'Exp',
  'Abs',
  'Neg',
  'Concat',
  'Split',
  'Identity',
  'Dropout',
]);

/** Softmax over the channels of a rank-4 tensor: the channel axis is innermost in NHWC. */
const isChannelSoftmax = (op: string, rank4: boolean, axis: number | undefined) =>
  op === 'Softmax' && rank4 && (axis === 1 || axis === -3);

/** The names of the graph's values that are stored NHWC, among those of rank-4 float type. */
export function nhwcValues(graph: Graph, isRank4Float: (name: string) => boolean): Set<string> {
  // Union-find with path compression and union by size: a Concat of thousands of parts stays linear.
  const parent = new Map<string, string>();
  const size = new Map<string, number>();
  const find = (v: string): string => {
    let root = v;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root)!;
    for (let at = v; at !== root; ) {
      const next = parent.get(at)!;
      parent.set(at, root);
      at = next;
    }
    if (!parent.has(v)) parent.set(v, v);
    return root;
  };
  const candidate = (v: string) => v !== '' && isRank4Float(v);
  const union = (a: string, b: string) => {
    const [ra, rb] = [find(a), find(b)];
    if (ra === rb) return;
    const [small, large] = (size.get(ra) ?? 1) < (size.get(rb) ?? 1) ? [ra, rb] : [rb, ra];
    parent.set(small, large);
    size.set(large, (size.get(ra) ?? 1) + (size.get(rb) ?? 1));
  };
  const spatial = new Set<string>();
  for (const node of graph.nodes) {
    const values = [...node.inputs, ...node.outputs].filter(candidate);
    const axis = node.attributes.get('axis')?.value;
    if (
      SPATIAL.has(node.opType) ||
      isChannelSoftmax(node.opType, candidate(node.inputs[0]), typeof axis === 'number' ? axis : undefined)
    ) {
      // Only the data input and outputs: weights and parameters are constants or small.
      for (const v of [node.inputs[0], ...node.outputs].filter(candidate)) spatial.add(v);
    } else if (SAME_LAYOUT.has(node.opType)) {
      for (const v of values.slice(1)) union(values[0], v);
    }
  }
  const nhwcRoots = new Set([...spatial].map(find));
  const out = new Set<string>();
  for (const node of graph.nodes)
    for (const v of [...node.inputs, ...node.outputs]) if (candidate(v) && nhwcRoots.has(find(v))) out.add(v);
  for (const v of [...graph.inputs, ...graph.outputs])
    if (candidate(v.name) && nhwcRoots.has(find(v.name))) out.add(v.name);
  // A constant read by nothing that stores it keeps NHWC: it is either packed or unused.
  for (const name of graph.initializers.keys()) if (candidate(name) && !parent.has(name)) out.add(name);
  return out;
}
