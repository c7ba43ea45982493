/**
 * Helpers for the graph and pass tests: a model from a list of nodes, seeded random feeds for its
 * inputs, and how far two models' outputs are apart.
 */
import { InputError } from '../errors.js';
import { emptyGraph, type Model, type Node, type ValueInfo } from '../ir/graph.js';
import { evaluateGraph } from '../ir/interpret.js';
import { SeededRandom } from '../random.js';
import { isStatic } from '../shape.js';
import { elementAsNumber, type Tensor } from '../tensor.js';

export interface ModelSpec {
  inputs: ValueInfo[];
  /** Output names (float32, shape left to inference) or full value infos. */
  outputs: (string | ValueInfo)[];
  nodes: Node[];
  initializers?: Record<string, Tensor>;
  valueInfo?: ValueInfo[];
  /** Standard-domain opset (default 17). */
  opset?: number;
}

/** A model from nodes, inputs, outputs and initializers. */
export function buildModel(spec: ModelSpec): Model {
  const graph = emptyGraph('test');
  graph.inputs = spec.inputs;
  graph.outputs = spec.outputs.map((o) => (typeof o === 'string' ? { name: o, type: 'float32' } : o));
  graph.nodes = spec.nodes;
  graph.initializers = new Map(Object.entries(spec.initializers ?? {}));
  graph.valueInfo = new Map((spec.valueInfo ?? []).map((v) => [v.name, v]));
  return { irVersion: 8, opsets: new Map([['', spec.opset ?? 17]]), graph, metadata: new Map() };
}

/** Uniform random float32 feeds in [-2, 2) for every (statically shaped, float32) graph input. */
export function randomFeeds(model: Model, seed: number): Record<string, Tensor> {
  const random = new SeededRandom(seed);
  const feeds: Record<string, Tensor> = {};
  for (const input of model.graph.inputs) {
    if (input.type !== 'float32' || !input.shape || !isStatic(input.shape))
      throw new InputError(`randomFeeds needs a static float32 input, got '${input.name}'`, { input: input.name });
    feeds[input.name] = random.floatTensor(input.shape, -2, 2);
  }
  return feeds;
}

/** The largest elementwise difference between two models' outputs on the same feeds (Infinity if dims differ). */
export function maxOutputDifference(before: Model, after: Model, feeds: Record<string, Tensor>): number {
  const x = evaluateGraph(before, feeds);
  const y = evaluateGraph(after, feeds);
  let worst = 0;
  for (const [name, expected] of Object.entries(x)) {
    const got = y[name];
    if (!got || got.type !== expected.type || got.dims.join() !== expected.dims.join()) return Infinity;
    for (let i = 0; i < expected.size; i++)
      worst = Math.max(worst, Math.abs(elementAsNumber(got, i) - elementAsNumber(expected, i)));
  }
  return worst;
}
