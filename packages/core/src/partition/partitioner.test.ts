import { describe, expect, it } from 'vitest';
import type { Backend } from '../backend/contract.js';
import { GraphError, InputError, UnsupportedOpError } from '../errors.js';
import { a } from '../ir/attributes.js';
import { emptyGraph, makeNode, type Model } from '../ir/graph.js';
import { inferShapes } from '../ir/infer.js';
import { validateGraph } from '../ir/validate.js';
import { Tensor } from '../tensor.js';
import { formatAssignment } from './report.js';
import { partitionModel } from './partitioner.js';

/** A backend that claims the listed ops; compile is never called here. */
function claims(name: string, ops: string[]): Backend {
  return {
    apiVersion: 2,
    version: '1.0.0',
    name,
    probe: () => ({ available: true, kind: 'software', device: name }),
    supports: (node) =>
      ops.includes(node.opType) ? { supported: true } : { supported: false, reason: `no ${node.opType}` },
    compile: () => Promise.reject(new Error('not used')),
  };
}

/**
 * x -> Relu(a) -> Neg(b) ... two branches: a -> Neg -> c, a -> Abs -> d; Add(c, d) -> e; Mul(e, k) -> y.
 * Relu, Abs, Add, Mul on "dev"; Neg on "cpu".
 */
function branchy(): Model {
  const g = emptyGraph('branchy');
  g.inputs.push({ name: 'x', type: 'float32', shape: [2, 3] });
  g.outputs.push({ name: 'y', type: 'float32' }, { name: 'd', type: 'float32' });
  g.initializers.set('k', new Tensor('float32', [2], [1]));
  g.initializers.set('unused', new Tensor('float32', [5], [1]));
  g.nodes.push(
    makeNode('Relu', ['x'], ['a']),
    makeNode('Neg', ['a'], ['c']),
    makeNode('Abs', ['a'], ['d']),
    makeNode('Add', ['c', 'd'], ['e']),
    makeNode('Mul', ['e', 'k'], ['y']),
  );
  return inferShapes(validateGraph({ irVersion: 8, opsets: new Map([['', 13]]), graph: g, metadata: new Map() }));
}

/** x -> ops[0] -> ops[1] -> ... -> y, node i named `${op}${i}`. */
function chain(...ops: string[]): Model {
  const g = emptyGraph('chain');
  g.inputs.push({ name: 'v0', type: 'float32', shape: [2, 3] });
  ops.forEach((op, i) => g.nodes.push(makeNode(op, [`v${i}`], [`v${i + 1}`], {}, `${op}${i}`)));
  g.outputs.push({ name: `v${ops.length}`, type: 'float32' });
  return inferShapes(validateGraph({ irVersion: 8, opsets: new Map([['', 13]]), graph: g, metadata: new Map() }));
}

/** Each partition as backend:node count. */
const plan = (partitions: { backend: Backend; nodes: unknown[] }[]) =>
  partitions.map((p) => `${p.backend.name}:${p.nodes.length}`);

describe('partitionModel', () => {
  it('groups ready nodes of one backend before switching, so partitions stay acyclic', () => {
    const { partitions, report } = partitionModel(branchy(), [
      claims('dev', ['Relu', 'Abs', 'Add', 'Mul']),
      claims('cpu', ['Neg']),
    ]);
    // Abs is ready after Relu, so it joins the first partition before Neg forces a switch.
    expect(partitions.map((p) => [p.backend.name, p.nodes.map((n) => n.opType)])).toEqual([
      ['dev', ['Relu', 'Abs']],
      ['cpu', ['Neg']],
      ['dev', ['Add', 'Mul']],
    ]);
    expect(partitions.map((p) => [p.inputs, p.outputs])).toEqual([
      [['x'], ['a', 'd']],
      [['a'], ['c']],
      [['c', 'd'], ['y']],
    ]);
    const last = partitions[2].model.graph;
    expect([...last.initializers.keys()]).toEqual(['k']);
    expect(last.inputs).toEqual([
      { name: 'c', type: 'float32', shape: [2, 3] },
      { name: 'd', type: 'float32', shape: [2, 3] },
    ]);
    expect(last.outputs).toEqual([{ name: 'y', type: 'float32', shape: [2, 3] }]);
    expect(partitions[0].model.graph.outputs.map((o) => o.name)).toEqual(['a', 'd']);
    expect(partitions[0].model.opsets.get('')).toBe(13);
    expect(report.nodes.find((n) => n.op === 'Neg')).toEqual({
      node: 'c',
      op: 'Neg',
      backend: 'cpu',
      declinedBy: [{ backend: 'dev', reason: 'no Neg' }],
    });
    expect(formatAssignment(report).split('\n').at(-1)).toBe('partition 2: dev, 2 nodes; inputs: c, d; outputs: y');
  });

  it('makes one partition when the first backend takes everything', () => {
    const { partitions } = partitionModel(branchy(), [claims('all', ['Relu', 'Neg', 'Abs', 'Add', 'Mul'])]);
    expect(partitions).toHaveLength(1);
    expect(partitions[0].inputs).toEqual(['x']);
    expect(partitions[0].outputs).toEqual(['d', 'y']);
  });

  it('counts a throwing or malformed supports() as a refusal with a reason', () => {
    const throwing: Backend = {
      ...claims('bad', []),
      supports: () => {
        throw new RangeError('boom');
      },
    };
    const silent: Backend = { ...claims('silent', []), supports: () => undefined as never };
    const error = (() => {
      try {
        partitionModel(branchy(), [throwing, silent]);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UnsupportedOpError);
    expect((error as Error).message).toContain('bad: supports() threw: boom; silent: supports() gave no answer');
  });

  it('needs a shape-inferred model', () => {
    const m = branchy();
    m.graph.valueInfo.delete('a');
    expect(() => partitionModel(m, [claims('dev', ['Relu']), claims('cpu', ['Neg', 'Abs', 'Add', 'Mul'])])).toThrow(
      GraphError,
    );
  });

  it('names omitted node names by op and position in reports', () => {
    const m = branchy();
    m.graph.nodes[0].name = '';
    const { report } = partitionModel(m, [claims('all', ['Relu', 'Neg', 'Abs', 'Add', 'Mul'])]);
    expect(report.nodes[0].node).toBe('Relu#0');
    expect(report.partitions[0].nodes[0]).toBe('Relu#0');
  });

  it('keeps a Kahn order on a long alternating chain (linear time in practice)', () => {
    const g = emptyGraph('chain');
    g.inputs.push({ name: 'v0', type: 'float32', shape: [4] });
    for (let i = 0; i < 2000; i++)
      g.nodes.push(makeNode(i % 2 ? 'Neg' : 'Relu', [`v${i}`], [`v${i + 1}`], {}, `n${i}`));
    g.outputs.push({ name: 'v2000', type: 'float32' });
    const m = inferShapes(validateGraph({ irVersion: 8, opsets: new Map([['', 13]]), graph: g, metadata: new Map() }));
    const { partitions } = partitionModel(m, [claims('dev', ['Relu']), claims('cpu', ['Neg'])]);
    expect(partitions).toHaveLength(2000);
    expect(partitions[1999].outputs).toEqual(['v2000']);
  });

  it('passes attributes and shapes through to supports()', () => {
    const g = emptyGraph('attrs');
    g.inputs.push({ name: 'x', type: 'float32', shape: [1, 4] });
    g.outputs.push({ name: 'y', type: 'float32' });
    g.nodes.push(makeNode('LeakyRelu', ['x'], ['y'], { alpha: a.float(0.2) }));
    const m = inferShapes(validateGraph({ irVersion: 8, opsets: new Map([['', 13]]), graph: g, metadata: new Map() }));
    const seen: unknown[] = [];
    const spy: Backend = {
      ...claims('spy', []),
      supports: (node, ctx) => {
        seen.push([ctx.opset, ctx.valueType('x'), ctx.valueType('y'), node.attributes.get('alpha')]);
        return { supported: true };
      },
    };
    partitionModel(m, [spy]);
    expect(seen).toEqual([
      [13, { type: 'float32', shape: [1, 4] }, { type: 'float32', shape: [1, 4] }, { type: 'float', value: 0.2 }],
    ]);
  });

  it('moves a one-node island between two pieces of a later backend there, and says so', () => {
    const { partitions, report } = partitionModel(chain('Abs', 'Abs', 'Relu', 'Abs', 'Abs'), [
      claims('npu', ['Relu']),
      claims('cpu', ['Abs', 'Relu']),
    ]);
    expect(plan(partitions)).toEqual(['cpu:5']);
    const reason = 'an island of 1 node between cpu partitions (fewer than 4)';
    // npu took Relu, so no backend before cpu declined it: movedFrom, not declinedBy, says why it is not on npu.
    expect(report.nodes[2]).toEqual({
      node: 'Relu2',
      op: 'Relu',
      backend: 'cpu',
      declinedBy: [],
      movedFrom: { backend: 'npu', reason },
    });
    expect(report.nodes[0]).toEqual({
      node: 'Abs0',
      op: 'Abs',
      backend: 'cpu',
      declinedBy: [{ backend: 'npu', reason: 'no Abs' }],
    });
    expect(formatAssignment(report).split('\n')[3]).toBe(`Relu2  Relu  cpu  (moved from npu: ${reason})`);
  });

  it('with minPartitionNodes 1, keeps every node on the first backend that takes it', () => {
    const { partitions, report } = partitionModel(
      chain('Abs', 'Abs', 'Relu', 'Abs', 'Abs'),
      [claims('npu', ['Relu']), claims('cpu', ['Abs', 'Relu'])],
      {
        minPartitionNodes: 1,
      },
    );
    expect(plan(partitions)).toEqual(['cpu:2', 'npu:1', 'cpu:2']);
    expect(report.nodes.filter((n) => 'movedFrom' in n)).toEqual([]);
  });

  it('keeps an island of minPartitionNodes nodes or more, and moves a smaller one at the edge of the graph', () => {
    const backends = [claims('npu', ['Relu']), claims('cpu', ['Abs', 'Relu'])];
    expect(plan(partitionModel(chain('Abs', 'Relu', 'Relu', 'Relu', 'Relu', 'Abs'), backends).partitions)).toEqual([
      'cpu:1',
      'npu:4',
      'cpu:1',
    ]);
    expect(
      plan(
        partitionModel(chain('Abs', 'Relu', 'Relu', 'Relu', 'Relu', 'Abs'), backends, { minPartitionNodes: 5 })
          .partitions,
      ),
    ).toEqual(['cpu:6']);
    const { partitions, report } = partitionModel(chain('Relu', 'Relu', 'Abs'), backends);
    expect(plan(partitions)).toEqual(['cpu:3']);
    expect(report.nodes[0].movedFrom).toEqual({
      backend: 'npu',
      reason: 'an island of 2 nodes before a cpu partition (fewer than 4)',
    });
  });

  it('never moves a graph that is one partition, however small', () => {
    const backends = [claims('npu', ['Relu']), claims('cpu', ['Abs', 'Relu'])];
    expect(plan(partitionModel(chain('Relu'), backends).partitions)).toEqual(['npu:1']);
    expect(plan(partitionModel(chain('Relu', 'Relu'), backends, { minPartitionNodes: 10 }).partitions)).toEqual([
      'npu:2',
    ]);
  });

  it('keeps an island that no later backend takes whole', () => {
    const backends = [claims('npu', ['Relu', 'Neg']), claims('cpu', ['Abs', 'Relu'])];
    const { partitions, report } = partitionModel(chain('Abs', 'Relu', 'Neg', 'Abs'), backends);
    expect(plan(partitions)).toEqual(['cpu:1', 'npu:2', 'cpu:1']);
    expect(report.nodes[1]).toEqual({ node: 'Relu1', op: 'Relu', backend: 'npu', declinedBy: [] });
  });

  it('moves an island to the backend of its neighbours, not merely a later one, and again when that one is an island', () => {
    // Relu: npu, then gpu and cpu could take it; its neighbours run on cpu, so it goes there and not to gpu.
    const three = [claims('npu', ['Relu']), claims('gpu', ['Relu']), claims('cpu', ['Neg', 'Relu'])];
    expect(partitionModel(chain('Neg', 'Relu', 'Neg'), three).report.nodes[1]).toMatchObject({
      backend: 'cpu',
      movedFrom: { backend: 'npu' },
    });
    // Relu moves to its gpu neighbours while they, islands too, move to cpu; the next round takes it on to cpu.
    const { partitions, report } = partitionModel(chain('Neg', 'Abs', 'Relu', 'Abs', 'Neg'), [
      claims('npu', ['Relu']),
      claims('gpu', ['Abs', 'Relu']),
      claims('cpu', ['Neg', 'Abs', 'Relu']),
    ]);
    expect(plan(partitions)).toEqual(['cpu:5']);
    expect(report.nodes[2].movedFrom).toEqual({
      backend: 'npu',
      reason:
        'an island of 1 node between gpu partitions (fewer than 4); then on gpu, an island of 1 node between cpu partitions (fewer than 4)',
    });
    expect(report.nodes[1]).toMatchObject({
      backend: 'cpu',
      declinedBy: [{ backend: 'npu', reason: 'no Abs' }],
      movedFrom: { backend: 'gpu' },
    });
  });

  it('refuses a minPartitionNodes that is not a positive integer', () => {
    for (const bad of [0, 1.5, Number.NaN])
      expect(() => partitionModel(chain('Relu'), [claims('npu', ['Relu'])], { minPartitionNodes: bad })).toThrow(
        InputError,
      );
  });
});
