/**
 * Removes Identity nodes and inference-mode Dropout (whose mask nobody reads), rewiring their consumers to
 * the original value. Graph output names never change: when an Identity produces a graph output, the
 * value's producer is renamed to output it directly.
 */
import { isOnnxDomain, type Graph, type Model, type Node } from '../ir/graph.js';
import { validateGraph } from '../ir/validate.js';
import { toNumbers } from '../tensor.js';
import { consumersOf, outputNames, subgraphReads } from './graph-queries.js';

/** Returns the model without pass-through nodes. */
export function removeIdentities(model: Model): Model {
  const validated = validateGraph(model);
  const graph = validated.graph;
  const outputs = outputNames(graph);
  const bodyReads = subgraphReads(graph);
  const consumers = consumersOf(graph);
  const fixed = new Set([...graph.inputs.map((i) => i.name), ...graph.initializers.keys(), ...outputs, ...bodyReads]);

  // A name that disappears -> the name that replaces it (followed transitively).
  const replacement = new Map<string, string>();
  const resolve = (name: string): string => {
    while (replacement.has(name)) name = replacement.get(name) as string;
    return name;
  };
  const removed = new Set<Node>();
  for (const node of graph.nodes) {
    if (!isPassThrough(node, graph, consumers, outputs)) continue;
    const source = resolve(node.inputs[0]);
    const result = node.outputs[0];
    if (bodyReads.has(result)) continue;
    if (!outputs.has(result)) {
      replacement.set(result, source);
    } else if (!fixed.has(source) && !replacement.has(source)) {
      // The producer of `source` now outputs the graph output itself.
      replacement.set(source, result);
    } else {
      continue;
    }
    removed.add(node);
  }
  if (removed.size === 0) return validated;

  const nodes = graph.nodes
    .filter((node) => !removed.has(node))
    .map((node) => ({
      ...node,
      inputs: node.inputs.map((name) => (name === '' ? '' : resolve(name))),
      outputs: node.outputs.map((name) => (name === '' ? '' : resolve(name))),
    }));
  const valueInfo = new Map([...graph.valueInfo].filter(([name]) => !replacement.has(name)));
  return { ...validated, graph: { ...graph, nodes, valueInfo } };
}

/** Identity, or Dropout that cannot be training (no training_mode, or a constant false one) and whose mask is unused. */
function isPassThrough(node: Node, graph: Graph, consumers: Map<string, Node[]>, outputs: Set<string>): boolean {
  if (!isOnnxDomain(node.domain) || node.inputs[0] === undefined || node.inputs[0] === '') return false;
  if (node.opType === 'Identity') return true;
  if (node.opType !== 'Dropout') return false;
  const mask = node.outputs[1] ?? '';
  if (mask !== '' && (consumers.has(mask) || outputs.has(mask))) return false;
  const trainingMode = node.inputs[2] ?? '';
  if (trainingMode === '') return true;
  const flag = graph.initializers.get(trainingMode);
  return flag !== undefined && flag.size === 1 && toNumbers(flag)[0] === 0;
}
