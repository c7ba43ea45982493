/**
 * Fuses an activation into the convolution before it: Conv -> Relu becomes one lastmile.FusedConv with
 * `activation: 'Relu'`. Not part of the default pipeline: a backend runs it on its own partition when its
 * kernels take FusedConv (a DSP or NPU compiler may want the plain pair).
 */
import { a, attr } from '../ir/attributes.js';
import { isOnnxDomain, opsetOf, type Graph, type Model, type Node } from '../ir/graph.js';
import { validateGraph } from '../ir/validate.js';
import { toNumbers } from '../tensor.js';
import { consumersOf, hasSingleConsumer, producersOf, subgraphReads } from './graph-queries.js';

/** The domain of lastmile's own ops. */
export const LASTMILE_DOMAIN = 'lastmile';

/** Activations a FusedConv may apply. */
export const FUSABLE_ACTIVATIONS = [
  'Relu',
  'LeakyRelu',
  'Clip',
  'Sigmoid',
  'HardSigmoid',
  'HardSwish',
  'Tanh',
] as const;

// ONNX's Clip defaults are the float limits (numeric_limits<float>::lowest() / max()).
const FLOAT_MAX = 3.4028234663852886e38;

/** Returns the model with each Conv (or unfused FusedConv) -> activation pair merged into one FusedConv. */
export function fuseActivations(model: Model): Model {
  const validated = validateGraph(model);
  const graph = validated.graph;
  const producers = producersOf(graph);
  const consumers = consumersOf(graph);
  const bodyReads = subgraphReads(graph);
  const replaced = new Map<Node, Node>();
  const removed = new Set<Node>();

  for (const act of graph.nodes) {
    if (!isOnnxDomain(act.domain) || !(FUSABLE_ACTIVATIONS as readonly string[]).includes(act.opType)) continue;
    const conv = producers.get(act.inputs[0]);
    if (
      !conv ||
      !isFusableConv(conv) ||
      replaced.has(conv) ||
      !hasSingleConsumer(act.inputs[0], consumers, graph, bodyReads)
    )
      continue;
    const params = activationParams(act, graph, opsetOf(validated));
    if (!params || !act.outputs[0]) continue;
    const attributes = new Map(conv.attributes);
    attributes.set('activation', a.string(act.opType));
    if (params.length > 0) attributes.set('activation_params', a.floats(params));
    replaced.set(conv, {
      ...conv,
      opType: 'FusedConv',
      domain: LASTMILE_DOMAIN,
      outputs: [act.outputs[0]],
      attributes,
    });
    removed.add(act);
  }
  if (removed.size === 0) return validated;

  const nodes = graph.nodes.filter((node) => !removed.has(node)).map((node) => replaced.get(node) ?? node);
  const gone = new Set([...replaced.keys()].map((conv) => conv.outputs[0]));
  const valueInfo = new Map([...graph.valueInfo].filter(([name]) => !gone.has(name)));
  const opsets = new Map(validated.opsets);
  if (!opsets.has(LASTMILE_DOMAIN)) opsets.set(LASTMILE_DOMAIN, 1);
  return { ...validated, opsets, graph: { ...graph, nodes, valueInfo } };
}

function isFusableConv(node: Node): boolean {
  if (isOnnxDomain(node.domain)) return node.opType === 'Conv' && node.outputs.length === 1;
  return node.domain === LASTMILE_DOMAIN && node.opType === 'FusedConv' && !node.attributes.has('activation');
}

/** The activation's parameters as FusedConv takes them, or undefined when they are not constants. */
function activationParams(act: Node, graph: Graph, opset: number): number[] | undefined {
  switch (act.opType) {
    case 'LeakyRelu':
      return [attr.float(act, 'alpha', 0.01)];
    case 'HardSigmoid':
      return [attr.float(act, 'alpha', 0.2), attr.float(act, 'beta', 0.5)];
    case 'Clip': {
      if (opset < 11) return [attr.float(act, 'min', -FLOAT_MAX), attr.float(act, 'max', FLOAT_MAX)];
      const min = scalarConstant(graph, act.inputs[1], -FLOAT_MAX);
      const max = scalarConstant(graph, act.inputs[2], FLOAT_MAX);
      return min === undefined || max === undefined ? undefined : [min, max];
    }
    default:
      return [];
  }
}

/** A one-element initializer's value; `fallback` for an omitted input; undefined for anything computed. */
function scalarConstant(graph: Graph, name: string | undefined, fallback: number): number | undefined {
  if (name === undefined || name === '') return fallback;
  const tensor = graph.initializers.get(name);
  return tensor?.size === 1 ? toNumbers(tensor)[0] : undefined;
}
