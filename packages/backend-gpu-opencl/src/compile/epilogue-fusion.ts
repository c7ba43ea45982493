/**
 * Folds an activation into the binary op or Gemm before it (Add -> Relu becomes one launch), as core's
 * fuseActivations does for Conv. Only when the intermediate value has no other reader and is not a
 * partition output.
 */
import { FUSABLE_ACTIVATIONS, isOnnxDomain, type Model, type Node } from '@lastmile/core';
import { activationOfNode, type Activation } from './activation.js';
import type { GraphView } from './steps.js';

const PRODUCERS = ['Add', 'Sub', 'Mul', 'Div', 'Gemm'];

/** A producer with the activation it absorbed; its output is the activation's output. */
export interface FusedEpilogue {
  node: Node;
  activation: Activation;
}

/** The nodes to lower, with fused producers replaced and their activations dropped. */
export function fuseEpilogues(model: Model, view: GraphView): (Node | FusedEpilogue)[] {
  const graph = model.graph;
  const readers = new Map<string, number>();
  for (const node of graph.nodes) for (const name of node.inputs) readers.set(name, (readers.get(name) ?? 0) + 1);
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const producerOf = new Map<string, Node>();
  for (const node of graph.nodes) for (const name of node.outputs) producerOf.set(name, node);

  const fused = new Map<Node, FusedEpilogue>();
  const dropped = new Set<Node>();
  for (const node of graph.nodes) {
    if (!isOnnxDomain(node.domain) || !(FUSABLE_ACTIVATIONS as readonly string[]).includes(node.opType)) continue;
    const value = node.inputs[0];
    const producer = producerOf.get(value);
    if (!producer || !isOnnxDomain(producer.domain) || !PRODUCERS.includes(producer.opType) || fused.has(producer))
      continue;
    if (readers.get(value) !== 1 || outputs.has(value)) continue;
    const activation = activationOfNode(node, view);
    if (!activation) continue;
    fused.set(producer, { node: { ...producer, outputs: [node.outputs[0]] }, activation });
    dropped.add(node);
  }
  return graph.nodes.filter((n) => !dropped.has(n)).map((n) => fused.get(n) ?? n);
}
