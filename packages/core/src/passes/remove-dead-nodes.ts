/**
 * Dead code elimination: nodes none of whose outputs reach a graph output, and initializers nothing reads.
 */
import type { Model, Node } from '../ir/graph.js';
import { nodeReads, validateGraph } from '../ir/validate.js';

/** Returns the model without dead nodes, unused initializers and the value_info of values that are gone. */
export function removeDeadNodes(model: Model): Model {
  const validated = validateGraph(model);
  const graph = validated.graph;
  const live = new Set(graph.outputs.map((o) => o.name));
  const kept: Node[] = [];
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i];
    if (!node.outputs.some((name) => live.has(name))) continue;
    kept.push(node);
    for (const name of nodeReads(node)) live.add(name);
  }
  const initializers = new Map([...graph.initializers].filter(([name]) => live.has(name)));
  const valueInfo = new Map([...graph.valueInfo].filter(([name]) => live.has(name)));
  return { ...validated, graph: { ...graph, nodes: kept.reverse(), initializers, valueInfo } };
}
