/**
 * Fuses an activation into the convolution before it: Conv -> Relu becomes one lastmile.FusedConv with
 * `activation: 'Relu'`. Not part of the default pipeline: a backend runs it on its own partition when its
 * kernels take FusedConv (a DSP or NPU compiler may want the plain pair).
 */
import { activationOf, activationParams } from '../ir/activation.js';
import { a } from '../ir/attributes.js';
import { isOnnxDomain, opsetOf, type Model, type Node } from '../ir/graph.js';
import { validateGraph } from '../ir/validate.js';
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
    const activation = activationOf(act, {
      opset: opsetOf(validated, act.domain),
      constant: (name) => graph.initializers.get(name),
    });
    if (!activation || !act.outputs[0]) continue;
    const params = activationParams(activation);
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
