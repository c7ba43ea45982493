/**
 * Graphs far wider or deeper than real models (issue 13, item 4) prepare and run: each took tens of
 * seconds to minutes before, when lookups, placements and the feed check were quadratic, and the 200,000-node chain
 * overflowed the stack. Values are checked against the reference interpreter. The time limits are only
 * a bound on hanging: at these sizes each case takes about a second.
 */
import { a, emptyGraph, evaluateGraph, makeNode, type Model, SeededRandom, Session, type Tensor } from '@lastmile/core';
import { expectClose } from '@lastmile/testing';
import { describe, it } from 'vitest';
import { backend } from './index.js';

const asModel = (graph: Model['graph']): Model => ({
  irVersion: 8,
  opsets: new Map([['', 13]]),
  graph,
  metadata: new Map(),
});

function concatOf(n: number): Model {
  const g = emptyGraph('wide-concat');
  const names = Array.from({ length: n }, (_, i) => `x${i}`);
  for (const name of names) g.inputs.push({ name, type: 'float32', shape: [1, 1] });
  g.nodes.push(makeNode('Concat', names, ['y'], { axis: a.int(1) }, 'concat'));
  g.outputs.push({ name: 'y', type: 'float32' });
  return asModel(g);
}

function fanOut(n: number): Model {
  const g = emptyGraph('fan-out');
  g.inputs.push({ name: 'x', type: 'float32', shape: [1, 4] });
  for (let i = 0; i < n; i++) {
    g.nodes.push(makeNode('Relu', ['x'], [`y${i}`], {}, `relu${i}`));
    g.outputs.push({ name: `y${i}`, type: 'float32' });
  }
  return asModel(g);
}

function splitInto(n: number): Model {
  const g = emptyGraph('wide-split');
  g.inputs.push({ name: 'x', type: 'float32', shape: [1, n] });
  const outputs = Array.from({ length: n }, (_, i) => `y${i}`);
  for (const name of outputs) g.outputs.push({ name, type: 'float32' });
  g.nodes.push(makeNode('Split', ['x'], outputs, { axis: a.int(1) }, 'split'));
  return asModel(g);
}

function manyInputs(n: number): Model {
  const g = emptyGraph('many-inputs');
  for (let i = 0; i < n; i++) {
    g.inputs.push({ name: `x${i}`, type: 'float32', shape: [1, 1] });
    g.nodes.push(makeNode('Relu', [`x${i}`], [`y${i}`], {}, `relu${i}`));
    g.outputs.push({ name: `y${i}`, type: 'float32' });
  }
  return asModel(g);
}

function chainOf(n: number): Model {
  const g = emptyGraph('deep-chain');
  g.inputs.push({ name: 'x', type: 'float32', shape: [1, 4] });
  let last = 'x';
  for (let i = 0; i < n; i++) {
    g.nodes.push(makeNode(i % 2 ? 'Relu' : 'Sigmoid', [last], [`v${i}`], {}, `n${i}`));
    last = `v${i}`;
  }
  g.outputs.push({ name: last, type: 'float32' });
  return asModel(g);
}

function feedsFor(model: Model): Record<string, Tensor> {
  const random = new SeededRandom(5);
  return Object.fromEntries(model.graph.inputs.map((i) => [i.name, random.floatTensor(i.shape as number[], -1, 1)]));
}

async function expectRunsAsReference(model: Model): Promise<void> {
  const feeds = feedsFor(model);
  const session = await Session.init(model, { backends: [backend], optimization: 'none' });
  try {
    const got = await session.run(feeds);
    const want = evaluateGraph(model, feeds);
    for (const { name } of model.graph.outputs) expectClose(got[name], want[name], 1e-6, 1e-6, name);
  } finally {
    await session.destroy();
  }
}

describe('graphs far past real models prepare and run in linear time', () => {
  const limit = 120_000;
  it('a Concat of 100,000 inputs', () => expectRunsAsReference(concatOf(100_000)), limit);
  it('a 20,000-way fan-out', () => expectRunsAsReference(fanOut(20_000)), limit);
  it('a Split into 20,000 outputs', () => expectRunsAsReference(splitInto(20_000)), limit);
  it('20,000 graph inputs', () => expectRunsAsReference(manyInputs(20_000)), limit);
  it('a chain of 200,000 nodes', () => expectRunsAsReference(chainOf(200_000)), limit);
});
