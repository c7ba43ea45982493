/**
 * Differential testing against core's reference: a graph compiled by cpu-neon and the same graph run by
 * core's interpreter (the reference kernels), on the same seeded inputs.
 */
import {
  type Attribute,
  type Model,
  type Node,
  SeededRandom,
  type Tensor,
  emptyGraph,
  evaluateGraph,
  inferShapes,
  makeNode,
  opsetOf,
} from '@lastmile/core';
import { caseFeeds, expectClose, type OpCase, singleNodeModel } from '@lastmile/testing';
import { expect } from 'vitest';
import { compileFor } from './build.js';
import { backend, type CpuNeonExecutable } from './index.js';
import { detectFeatures } from './wasm/features.js';

/** A graph under test: runtime inputs, constants, nodes and the outputs to compare. */
export interface GraphCase {
  inputs: Record<string, Tensor>;
  constants?: Record<string, Tensor>;
  nodes: Node[];
  outputs: string[];
  opset?: number;
}

export function caseModel(c: GraphCase): Model {
  const graph = emptyGraph('case');
  for (const [name, t] of Object.entries(c.inputs)) graph.inputs.push({ name, type: t.type, shape: [...t.dims] });
  for (const [name, t] of Object.entries(c.constants ?? {})) graph.initializers.set(name, t);
  graph.nodes.push(...c.nodes);
  graph.outputs = c.outputs.map((name) => ({ name, type: 'float32' }));
  const opsets = new Map([['', c.opset ?? 17]]);
  if (c.nodes.some((n) => n.domain === 'lastmile')) opsets.set('lastmile', 1);
  const shapes = Object.fromEntries(Object.entries(c.inputs).map(([n, t]) => [n, [...t.dims]]));
  return inferShapes({ irVersion: 8, opsets, graph, metadata: new Map() }, { inputShapes: shapes });
}

/**
 * Runs the case on cpu-neon (as one partition) and on the reference; asserts they agree and, unless
 * `host` is set, that no step fell back to the host.
 */
export async function expectMatchesReference(
  c: GraphCase,
  options: { rtol?: number; atol?: number; host?: boolean; arch?: string } = {},
): Promise<string[]> {
  const model = caseModel(c);
  const expected = evaluateGraph(model, c.inputs);
  // `arch` generates the kernels (tile shapes) of another machine; wasm runs them the same here.
  const executable = options.arch
    ? await compileFor(model, { ...detectFeatures(), arch: options.arch }, { threads: 1 })
    : ((await backend.compile({ id: 0, model }, {})) as CpuNeonExecutable);
  try {
    const ours = await executable.run(c.inputs);
    for (const name of c.outputs)
      expectClose(ours[name], expected[name], options.rtol ?? 1e-4, options.atol ?? 1e-5, name);
    const steps = executable.describe();
    if (!options.host)
      expect(
        steps.filter((s) => s.runs === 'host').map((s) => s.op),
        'steps run on the host',
      ).toEqual([]);
    return steps.map((s) => `${s.op}:${s.runs}`);
  } finally {
    await executable.dispose();
  }
}

/** A shared one-node case (tooling/testing's tables) as a graph case. */
export function graphCaseOf(c: OpCase): GraphCase {
  const model = singleNodeModel(c);
  const { graph } = model;
  return {
    inputs: caseFeeds(c),
    constants: Object.fromEntries(graph.initializers),
    nodes: graph.nodes,
    outputs: graph.outputs.map((o) => o.name),
    opset: opsetOf(model),
  };
}

/** One node `op` reading `inputs` (runtime) and `constants`, writing `y`. */
export function oneNode(
  op: string,
  inputs: Record<string, Tensor>,
  constants: Record<string, Tensor>,
  inputOrder: string[],
  attributes: Record<string, Attribute> = {},
  domain = '',
): GraphCase {
  return { inputs, constants, nodes: [makeNode(op, inputOrder, ['y'], attributes, 'node', domain)], outputs: ['y'] };
}

export const rng = (seed: number) => new SeededRandom(seed);
