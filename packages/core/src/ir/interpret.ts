/**
 * The plain interpreter: runs every node's reference kernel in topological order. It is what the reference
 * backend executes and what tests compare optimized backends and rewritten graphs against.
 */
import { TimeSlicer } from '../backend/time-slicer.js';
import { GraphError, InputError } from '../errors.js';
import { opFor } from '../ops/registry.js';
import { formatShape } from '../shape.js';
import { checkTensor, type Tensor } from '../tensor.js';
import { type Graph, type Model, type Node, opsetOf, type ValueInfo } from './graph.js';
import { withNodeContext } from './node-context.js';
import { nodeReads, validateGraph } from './validate.js';

export interface EvaluateOptions {
  /** Intermediate values (or inputs, initializers) to return besides the graph outputs. */
  keep?: string[];
  /** Called after each node with its kernel's wall time in milliseconds (per-node profiles). */
  onNode?: (node: Node, ms: number) => void;
  /** Called with every value a node computes, as it is computed (statistics without keeping values). */
  onValue?: (name: string, value: Tensor) => void;
}

/**
 * Runs the model on `feeds` (one tensor per graph input, no more) and returns the graph outputs plus the
 * kept values. Each intermediate is dropped after its last use.
 */
export function evaluateGraph(
  model: Model,
  feeds: Record<string, Tensor>,
  options: EvaluateOptions = {},
): Record<string, Tensor> {
  const steps = evaluation(model, feeds, options);
  let step = steps.next();
  while (!step.done) step = steps.next();
  return step.value;
}

/**
 * {@link evaluateGraph} as a run that can be stopped: between nodes it lets the event loop run every
 * few milliseconds, and fails with the signal's reason once the signal fires.
 */
export async function evaluateGraphUntil(
  signal: AbortSignal | undefined,
  model: Model,
  feeds: Record<string, Tensor>,
  options: EvaluateOptions = {},
): Promise<Record<string, Tensor>> {
  const slicer = new TimeSlicer(signal);
  const steps = evaluation(model, feeds, options);
  let step = steps.next();
  while (!step.done) {
    if (slicer.due()) await slicer.pause();
    step = steps.next();
  }
  return step.value;
}

/** The interpreter, one node per step. */
function* evaluation(
  model: Model,
  feeds: Record<string, Tensor>,
  options: EvaluateOptions,
): Generator<void, Record<string, Tensor>> {
  const validated = validateGraph(model);
  const graph = validated.graph;
  checkFeeds(graph, feeds);

  const keep = new Set([...graph.outputs.map((o) => o.name), ...(options.keep ?? [])]);
  const lastUse = new Map<string, number>();
  graph.nodes.forEach((node, i) => {
    for (const name of nodeReads(node)) lastUse.set(name, i);
  });
  const defined = new Set([
    ...graph.inputs.map((i) => i.name),
    ...graph.initializers.keys(),
    ...graph.nodes.flatMap((n) => n.outputs),
  ]);
  const unknownKept = (options.keep ?? []).filter((name) => !defined.has(name));
  if (unknownKept.length > 0)
    throw new GraphError(`keep names ${unknownKept.map((n) => `'${n}'`).join(', ')}, not values of the graph`, {
      got: unknownKept,
    });

  const values = new Map<string, Tensor>(graph.initializers);
  for (const input of graph.inputs) values.set(input.name, feeds[input.name]);

  const onNode = options.onNode;
  for (const [i, node] of graph.nodes.entries()) {
    const opset = opsetOf(validated, node.domain);
    const args = node.inputs.map((name) => (name === '' ? undefined : values.get(name)));
    const started = onNode ? performance.now() : 0;
    const results = withNodeContext(node, 'evaluation', () => opFor(node, opset).run(args, { node, opset }));
    if (onNode) onNode(node, performance.now() - started);
    node.outputs.forEach((name, k) => {
      if (name === '') return;
      const result = results[k];
      if (!result)
        throw new GraphError(
          `${node.opType} node '${node.name}' returned ${results.length} outputs, but output #${k} '${name}' is used`,
          { node: node.name, op: node.opType, value: name },
        );
      values.set(name, result);
      options.onValue?.(name, result);
    });
    // Drop what no later node reads, so peak memory follows the live set rather than the whole graph.
    for (const name of nodeReads(node)) if (lastUse.get(name) === i && !keep.has(name)) values.delete(name);
    yield;
  }

  const out: Record<string, Tensor> = {};
  for (const name of keep) {
    const value = values.get(name);
    if (value === undefined)
      throw new GraphError(`value '${name}' was not computed (an omitted optional output?)`, { value: name });
    out[name] = value;
  }
  return out;
}

/** Feeds must name exactly the graph inputs, each with the declared dtype, rank and fixed dims. */
function checkFeeds(graph: Graph, feeds: Record<string, Tensor>): void {
  const expected = new Set(graph.inputs.map((i) => i.name));
  const missing = [...expected].filter((name) => !Object.hasOwn(feeds, name));
  const extra = Object.keys(feeds).filter((name) => !expected.has(name));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [
      missing.length > 0 ? `missing ${missing.map((n) => `'${n}'`).join(', ')}` : '',
      extra.length > 0 ? `unknown ${extra.map((n) => `'${n}'`).join(', ')}` : '',
    ];
    throw new InputError(`feeds do not match the graph inputs: ${parts.filter(Boolean).join('; ')}`, {
      missing,
      extra,
      expected: [...expected],
    });
  }
  for (const input of graph.inputs) checkFeed(input, checkTensor(feeds[input.name], input.name));
}

function checkFeed(input: ValueInfo, tensor: Tensor): void {
  const shape = input.shape;
  const fits =
    shape === undefined ||
    (shape.length === tensor.dims.length && shape.every((d, i) => typeof d === 'string' || d === tensor.dims[i]));
  if (tensor.type !== input.type || !fits) {
    throw new InputError(
      `input '${input.name}' expects ${input.type}[${formatShape(shape ?? ['?'])}], got ${tensor.type}[${formatShape(tensor.dims)}]`,
      { input: input.name, expected: { type: input.type, shape }, got: { type: tensor.type, shape: [...tensor.dims] } },
    );
  }
}
