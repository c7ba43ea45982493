/**
 * Lookups the rewriting passes share: who produces and who reads each value, and fresh names.
 */
import type { Graph, Node } from '../ir/graph.js';
import { implicitInputs, isControlFlow, nodeReads } from '../ir/validate.js';

/** Value name -> the node that outputs it. */
export function producersOf(graph: Graph): Map<string, Node> {
  const producers = new Map<string, Node>();
  for (const node of graph.nodes) for (const name of node.outputs) if (name !== '') producers.set(name, node);
  return producers;
}

/** Value name -> the nodes that read it, explicitly or from inside a subgraph (a node reading twice is listed once). */
export function consumersOf(graph: Graph): Map<string, Node[]> {
  const consumers = new Map<string, Node[]>();
  for (const node of graph.nodes) {
    for (const name of nodeReads(node)) {
      const list = consumers.get(name);
      if (list) list.push(node);
      else consumers.set(name, [node]);
    }
  }
  return consumers;
}

/** Names read from inside control-flow bodies: renaming them would need rewriting the bodies, so passes leave them be. */
export function subgraphReads(graph: Graph): Set<string> {
  const names = new Set<string>();
  for (const node of graph.nodes) if (isControlFlow(node)) for (const name of implicitInputs(node)) names.add(name);
  return names;
}

/** Names of the graph outputs. */
export function outputNames(graph: Graph): Set<string> {
  return new Set(graph.outputs.map((o) => o.name));
}

/** Every name the graph uses for a value. */
export function valueNames(graph: Graph): Set<string> {
  const names = new Set<string>([
    ...graph.inputs.map((i) => i.name),
    ...graph.initializers.keys(),
    ...graph.outputs.map((o) => o.name),
  ]);
  for (const node of graph.nodes)
    for (const name of [...node.inputs, ...node.outputs]) if (name !== '') names.add(name);
  return names;
}

/** `base`, or `base_1`, `base_2`, ... whichever is not taken yet; the chosen name is added to `taken`. */
export function freshName(taken: Set<string>, base: string): string {
  let name = base;
  for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
  taken.add(name);
  return name;
}

/**
 * True when `value` feeds exactly one node (through one of its listed inputs) and nothing else: no graph
 * output, no subgraph. Such a value can vanish when its producer and that consumer merge.
 */
export function hasSingleConsumer(
  value: string,
  consumers: Map<string, Node[]>,
  graph: Graph,
  bodyReads: Set<string>,
): boolean {
  return (
    (consumers.get(value)?.length ?? 0) === 1 && !graph.outputs.some((o) => o.name === value) && !bodyReads.has(value)
  );
}
