import { describe, expect, it } from 'vitest';
import { GraphError, InputError } from '../errors.js';
import { buildModel } from '../passes/testing.js';
import { Tensor } from '../tensor.js';
import { makeNode } from './graph.js';
import { evaluateGraph } from './interpret.js';
import { f32, thrown } from './testing.js';

const vec = (values: number[]) => new Tensor('float32', values, [values.length]);

// relu((x + b) * x), nodes listed out of order
const model = buildModel({
  inputs: [f32('x', ['N'])],
  outputs: ['y'],
  nodes: [makeNode('Relu', ['m'], ['y']), makeNode('Add', ['x', 'b'], ['s']), makeNode('Mul', ['s', 'x'], ['m'])],
  initializers: { b: vec([1]) },
});

describe('evaluateGraph', () => {
  it('runs the nodes in dependency order', () => {
    const { y } = evaluateGraph(model, { x: vec([-3, -0.5, 2]) });
    expect(y.dims).toEqual([3]);
    expect([...y.data]).toEqual([6, 0, 6]);
  });

  it('returns kept intermediates, inputs and initializers on request', () => {
    const out = evaluateGraph(model, { x: vec([1, 2]) }, { keep: ['s', 'x', 'b'] });
    expect(Object.keys(out).sort()).toEqual(['b', 's', 'x', 'y']);
    expect([...out.s.data]).toEqual([2, 3]);
    expect(() => evaluateGraph(model, { x: vec([1]) }, { keep: ['nope'] })).toThrow(GraphError);
  });

  it('reports every node with its time, in run order, to onNode', () => {
    const seen: [string, number][] = [];
    evaluateGraph(model, { x: vec([1, 2]) }, { onNode: (node, ms) => seen.push([node.opType, ms]) });
    expect(seen.map(([op]) => op)).toEqual(['Add', 'Mul', 'Relu']);
    for (const [, ms] of seen) expect(ms).toBeGreaterThanOrEqual(0);
  });

  it('returns a graph output that is an input or an initializer', () => {
    const passthrough = buildModel({
      inputs: [f32('x', [1])],
      outputs: ['x', 'c'],
      nodes: [],
      initializers: { c: vec([7]) },
    });
    const out = evaluateGraph(passthrough, { x: vec([3]) });
    expect([...out.x.data, ...out.c.data]).toEqual([3, 7]);
  });

  it('lists missing and unknown feeds (rows 37, 38)', () => {
    const missing = thrown(() => evaluateGraph(model, {}));
    expect(missing).toBeInstanceOf(InputError);
    expect((missing as InputError).details).toMatchObject({ missing: ['x'], extra: [] });
    const extra = thrown(() => evaluateGraph(model, { x: vec([1]), z: vec([1]) }));
    expect(extra.message).toContain("unknown 'z'");
  });

  it('checks the dtype, rank and fixed dims of feeds (row 39)', () => {
    expect(() => evaluateGraph(model, { x: new Tensor('int32', [1], [1]) })).toThrow(
      /input 'x' expects float32\[N\], got int32\[1\]/,
    );
    expect(() => evaluateGraph(model, { x: new Tensor('float32', [1], [1, 1]) })).toThrow(InputError);
    const fixed = buildModel({ inputs: [f32('x', [2])], outputs: ['y'], nodes: [makeNode('Relu', ['x'], ['y'])] });
    expect(() => evaluateGraph(fixed, { x: vec([1, 2, 3]) })).toThrow(InputError);
    expect(() => evaluateGraph(fixed, { x: [1, 2] as unknown as Tensor })).toThrow(InputError);
  });

  it('names the node when a kernel fails', () => {
    const bad = buildModel({
      inputs: [f32('x', [2]), f32('w', [3])],
      outputs: ['y'],
      nodes: [makeNode('Add', ['x', 'w'], ['y'], {}, 'bad_add')],
    });
    const error = thrown(() => evaluateGraph(bad, { x: vec([1, 2]), w: vec([1, 2, 3]) }));
    expect(error.message).toContain('bad_add');
  });
});
