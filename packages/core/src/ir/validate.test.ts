import { describe, expect, it } from 'vitest';
import { GraphError, ShapeError, TensorDataError } from '../errors.js';
import { buildModel } from '../passes/testing.js';
import { Tensor } from '../tensor.js';
import { a } from './attributes.js';
import { emptyGraph, makeNode, type Model } from './graph.js';
import { f32, thrown } from './testing.js';
import { implicitInputs, validateGraph } from './validate.js';

const names = (model: Model) => model.graph.nodes.map((n) => n.name);

describe('validateGraph', () => {
  it('sorts nodes topologically, keeping an ordered graph as it is, without touching the caller', () => {
    const nodes = [
      makeNode('Relu', ['b'], ['c']),
      makeNode('Add', ['x', 'x'], ['a']),
      makeNode('Mul', ['a', 'a'], ['b']),
    ];
    const model = buildModel({ inputs: [f32('x')], outputs: ['c'], nodes });
    const sorted = validateGraph(model);
    expect(names(sorted)).toEqual(['a', 'b', 'c']);
    expect(names(model)).toEqual(['c', 'a', 'b']);
    expect(names(validateGraph(sorted))).toEqual(['a', 'b', 'c']);
  });

  it('keeps independent branches in their original order', () => {
    const nodes = [makeNode('Relu', ['x'], ['p']), makeNode('Relu', ['x'], ['q']), makeNode('Add', ['p', 'q'], ['r'])];
    expect(names(validateGraph(buildModel({ inputs: [f32('x')], outputs: ['r'], nodes })))).toEqual(['p', 'q', 'r']);
  });

  it('handles a 20000-node chain without deep recursion', () => {
    const nodes = Array.from({ length: 20000 }, (_, i) => makeNode('Relu', [i === 0 ? 'x' : `v${i - 1}`], [`v${i}`]));
    const model = buildModel({ inputs: [f32('x')], outputs: ['v19999'], nodes: nodes.reverse() });
    const sorted = validateGraph(model);
    expect(sorted.graph.nodes[0].name).toBe('v0');
    expect(sorted.graph.nodes[19999].name).toBe('v19999');
  });

  it('accepts omitted optional inputs', () => {
    const model = buildModel({
      inputs: [f32('x')],
      outputs: ['y'],
      nodes: [makeNode('Clip', ['x', '', 'hi'], ['y'])],
      initializers: { hi: new Tensor('float32', [1], []) },
    });
    expect(names(validateGraph(model))).toEqual(['y']);
  });

  it('names the nodes of a cycle (row 24)', () => {
    const nodes = [
      makeNode('Add', ['x', 'c'], ['a']),
      makeNode('Relu', ['a'], ['b']),
      makeNode('Relu', ['b'], ['c']),
      makeNode('Relu', ['c'], ['out']),
    ];
    const error = thrown(() => validateGraph(buildModel({ inputs: [f32('x')], outputs: ['out'], nodes })));
    expect(error).toBeInstanceOf(GraphError);
    expect(error.message).toMatch(/cycle/);
    expect([...((error as GraphError).details.nodes as string[])].sort()).toEqual(['a', 'b', 'c']);
  });

  it('rejects a node that reads its own output', () => {
    const error = thrown(() =>
      validateGraph(buildModel({ inputs: [f32('x')], outputs: ['a'], nodes: [makeNode('Add', ['x', 'a'], ['a'])] })),
    );
    expect(error).toBeInstanceOf(GraphError);
    expect((error as GraphError).details.nodes).toEqual(['a']);
  });

  it('names an input produced by nothing and its node (row 25)', () => {
    const error = thrown(() =>
      validateGraph(
        buildModel({ inputs: [f32('x')], outputs: ['y'], nodes: [makeNode('Add', ['x', 'w'], ['y'], {}, 'add1')] }),
      ),
    );
    expect(error).toBeInstanceOf(GraphError);
    expect(error.message).toContain("'w'");
    expect(error.message).toContain("'add1'");
    expect((error as GraphError).details).toMatchObject({ value: 'w', node: 'add1' });
  });

  it('rejects two nodes with the same output (row 26)', () => {
    const nodes = [makeNode('Relu', ['x'], ['y'], {}, 'r1'), makeNode('Relu', ['x'], ['y'], {}, 'r2')];
    const error = thrown(() => validateGraph(buildModel({ inputs: [f32('x')], outputs: ['y'], nodes })));
    expect(error).toBeInstanceOf(GraphError);
    expect(error.message).toContain("'r2'");
    expect(error.message).toContain("'r1'");
  });

  it('rejects an initializer that a node also outputs (row 26)', () => {
    const model = buildModel({
      inputs: [f32('x')],
      outputs: ['w'],
      nodes: [makeNode('Relu', ['x'], ['w'])],
      initializers: { w: Tensor.zeros('float32', [2, 3]) },
    });
    expect(() => validateGraph(model)).toThrow(/'w' is output by node 'w' but is already an initializer/);
  });

  it('rejects duplicate graph inputs, and an input that is also an initializer (row 26)', () => {
    const nodes = [makeNode('Relu', ['x'], ['y'])];
    expect(() => validateGraph(buildModel({ inputs: [f32('x'), f32('x')], outputs: ['y'], nodes }))).toThrow(
      /graph input 'x' is declared twice/,
    );
    const both = buildModel({
      inputs: [f32('x')],
      outputs: ['y'],
      nodes,
      initializers: { x: Tensor.zeros('float32', [2, 3]) },
    });
    expect(() => validateGraph(both)).toThrow(GraphError);
  });

  it('rejects an initializer whose type differs from its value_info (row 28)', () => {
    const model = buildModel({
      inputs: [f32('x')],
      outputs: ['y'],
      nodes: [makeNode('Add', ['x', 'w'], ['y'])],
      initializers: { w: Tensor.zeros('int32', [2, 3]) },
      valueInfo: [f32('w')],
    });
    const error = thrown(() => validateGraph(model));
    expect(error).toBeInstanceOf(TensorDataError);
    expect(error.message).toContain("'w'");
    expect((error as TensorDataError).details).toMatchObject({ expected: { type: 'float32' }, got: { type: 'int32' } });
  });

  it('rejects a graph attribute on an op that is not control flow (row 31)', () => {
    const body = emptyGraph('body');
    const node = makeNode('Add', ['x', 'x'], ['y'], { body: { type: 'graph', value: body } }, 'evil');
    const error = thrown(() => validateGraph(buildModel({ inputs: [f32('x')], outputs: ['y'], nodes: [node] })));
    expect(error).toBeInstanceOf(GraphError);
    expect(error.message).toContain("'evil'");
    expect((error as GraphError).details.attribute).toBe('body');
  });

  it('orders an If after the producers of values its branches read from the outer scope', () => {
    const branch = (name: string, op: string) => {
      const g = emptyGraph(name);
      g.nodes = [makeNode(op, ['outer'], [`${name}_out`])];
      g.outputs = [{ name: `${name}_out`, type: 'float32' }];
      return g;
    };
    const ifNode = makeNode(
      'If',
      ['cond'],
      ['y'],
      {
        then_branch: { type: 'graph', value: branch('then', 'Relu') },
        else_branch: { type: 'graph', value: branch('else', 'Neg') },
      },
      'if',
    );
    expect(implicitInputs(ifNode)).toEqual(['outer']);
    const model = buildModel({
      inputs: [f32('x'), { name: 'cond', type: 'bool', shape: [] }],
      outputs: ['y'],
      nodes: [ifNode, makeNode('Relu', ['x'], ['outer'])],
    });
    expect(names(validateGraph(model))).toEqual(['outer', 'if']);
  });

  it('rejects a body input that is also a body initializer (row 31)', () => {
    const body = emptyGraph('body');
    body.inputs = [f32('i', [])];
    body.initializers.set('i', new Tensor('float32', [0], []));
    body.outputs = [f32('i', [])];
    const model = buildModel({
      inputs: [f32('x')],
      outputs: ['y'],
      nodes: [makeNode('Loop', ['', ''], ['y'], { body: { type: 'graph', value: body } })],
    });
    expect(() => validateGraph(model)).toThrow(/graph\/y\.body: 'i' is both a graph input and an initializer/);
  });

  it('rejects a graph output that nothing defines', () => {
    expect(() => validateGraph(buildModel({ inputs: [f32('x')], outputs: ['nope'], nodes: [] }))).toThrow(
      /graph output 'nope' is not defined/,
    );
  });

  it('rejects negative declared dims with a ShapeError (row 32)', () => {
    const model = buildModel({ inputs: [f32('x', [2, -1])], outputs: ['y'], nodes: [makeNode('Relu', ['x'], ['y'])] });
    const error = thrown(() => validateGraph(model));
    expect(error).toBeInstanceOf(ShapeError);
    expect(error.message).toContain("'x'");
    const inValueInfo = buildModel({
      inputs: [f32('x')],
      outputs: ['y'],
      nodes: [makeNode('Relu', ['x'], ['y'])],
      valueInfo: [f32('y', [-3])],
    });
    expect(() => validateGraph(inValueInfo)).toThrow(ShapeError);
  });

  it('leaves unknown ops to the registry', () => {
    const model = buildModel({
      inputs: [f32('x')],
      outputs: ['y'],
      nodes: [makeNode('NoSuchOp', ['x'], ['y'], { k: a.int(1) }, 'n', 'com.example')],
    });
    expect(names(validateGraph(model))).toEqual(['n']);
  });
});
