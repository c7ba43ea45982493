/**
 * Constant folding: a node whose inputs are all constants is evaluated once, and its outputs become
 * initializers. Constant nodes become initializers this way too.
 */
import { type Model, type Node, opsetOf } from '../ir/graph.js';
import { isDeterministic } from '../ir/infer.js';
import { withNodeContext } from '../ir/node-context.js';
import { validateGraph } from '../ir/validate.js';
import { findOp } from '../ops/registry.js';
import { isStatic, sizeOf } from '../shape.js';
import { bytesPerElement, type Tensor } from '../tensor.js';

/** Results larger than this stay computed at run time: folding them would bloat the model. */
export const MAX_FOLDED_BYTES = 16 * 2 ** 20;

/** Returns the model with every foldable node replaced by initializers. */
export function foldConstants(model: Model): Model {
  const validated = validateGraph(model);
  const graph = validated.graph;
  const initializers = new Map(graph.initializers);
  const nodes: Node[] = [];
  for (const node of graph.nodes) {
    const results = evaluateIfConstant(validated, node, initializers);
    if (!results) {
      nodes.push(node);
      continue;
    }
    node.outputs.forEach((name, i) => {
      if (name !== '') initializers.set(name, results[i]);
    });
  }
  return { ...validated, graph: { ...graph, nodes, initializers } };
}

function evaluateIfConstant(model: Model, node: Node, constants: ReadonlyMap<string, Tensor>): Tensor[] | undefined {
  if (!isDeterministic(node)) return undefined;
  const args = node.inputs.map((name) => (name === '' ? undefined : constants.get(name)));
  if (node.inputs.some((name, i) => name !== '' && args[i] === undefined)) return undefined;
  // Unknown ops are left for the registry and the partitioner to report.
  const op = findOp(node.domain, node.opType);
  const opset = opsetOf(model, node.domain);
  if (!op || opset < op.sinceVersion) return undefined;
  const ctx = { node, opset };
  return withNodeContext(node, 'constant folding', () => {
    // Sizes come from inference first, so an oversized result is never allocated.
    const types = op.infer(
      args.map((t) => t && { type: t.type, shape: [...t.dims], value: t }),
      ctx,
    );
    const fits = types.every(
      (t) =>
        t.shape !== undefined && isStatic(t.shape) && sizeOf(t.shape) * bytesPerElement(t.type) <= MAX_FOLDED_BYTES,
    );
    if (!fits) return undefined;
    const results = op.run(args, ctx);
    return node.outputs.every((name, i) => name === '' || results[i] !== undefined) ? results : undefined;
  });
}

/**
 * Replaces every node whose outputs all have known values (from shape inference at prepare time: Shape of
 * a now-static input and the shape math after it) by initializers.
 */
export function bakeConstants(model: Model, constants: ReadonlyMap<string, Tensor>): Model {
  const graph = model.graph;
  const initializers = new Map(graph.initializers);
  const nodes = graph.nodes.filter((node) => {
    const outputs = node.outputs.filter((name) => name !== '');
    if (!isDeterministic(node) || !outputs.every((name) => constants.has(name))) return true;
    for (const name of outputs) initializers.set(name, constants.get(name)!);
    return false;
  });
  return { ...model, graph: { ...graph, nodes, initializers } };
}
