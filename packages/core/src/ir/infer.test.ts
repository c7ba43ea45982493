import { describe, expect, it } from 'vitest';
import { GraphError, InputError, ResourceLimitError, ShapeError } from '../errors.js';
import { buildModel } from '../passes/testing.js';
import { Tensor } from '../tensor.js';
import { a } from './attributes.js';
import { makeNode } from './graph.js';
import { inferShapes } from './infer.js';
import { f32, thrown } from './testing.js';

const i64 = (values: number[], dims = [values.length]) => new Tensor('int64', values.map(BigInt), dims);

/** Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0)), [-1])): flatten all but the batch dim. */
function flattenByShapeChain(batch: number | string) {
  return buildModel({
    inputs: [f32('x', [batch, 3, 4, 4])],
    outputs: ['y'],
    nodes: [
      makeNode('Shape', ['x'], ['s']),
      makeNode('Gather', ['s', 'zero'], ['n'], { axis: a.int(0) }),
      makeNode('Unsqueeze', ['n', 'axes0'], ['n1']),
      makeNode('Concat', ['n1', 'minus1'], ['target'], { axis: a.int(0) }),
      makeNode('Reshape', ['x', 'target'], ['y']),
    ],
    initializers: { zero: i64([0], []), axes0: i64([0]), minus1: i64([-1]) },
  });
}

describe('inferShapes', () => {
  it('fills value_info for every value and the graph outputs, without touching the caller', () => {
    const model = buildModel({
      inputs: [f32('x', ['N', 3])],
      outputs: ['z'],
      nodes: [makeNode('Add', ['x', 'b'], ['y']), makeNode('Relu', ['y'], ['z'])],
      initializers: { b: new Tensor('float32', [1, 2, 3], [3]) },
    });
    const inferred = inferShapes(model);
    expect(inferred.graph.valueInfo.get('y')).toEqual({ name: 'y', type: 'float32', shape: ['N', 3] });
    expect(inferred.graph.valueInfo.get('z')).toEqual({ name: 'z', type: 'float32', shape: ['N', 3] });
    expect(inferred.graph.outputs[0]).toEqual({ name: 'z', type: 'float32', shape: ['N', 3] });
    expect(model.graph.valueInfo.size).toBe(0);
    expect(model.graph.outputs[0].shape).toBeUndefined();
  });

  it('propagates constants through Shape -> Gather -> Unsqueeze -> Concat into a static Reshape', () => {
    const inferred = inferShapes(flattenByShapeChain(2));
    expect(inferred.graph.valueInfo.get('target')?.shape).toEqual([2]);
    expect(inferred.graph.outputs[0].shape).toEqual([2, 48]);
  });

  it('keeps a symbolic batch dim through the Shape chain, and makes it static with inputShapes', () => {
    const model = flattenByShapeChain('N');
    expect(inferShapes(model).graph.outputs[0].shape).toEqual(['N', 48]);
    const concrete = inferShapes(model, { inputShapes: { x: [5, 3, 4, 4] } });
    expect(concrete.graph.inputs[0].shape).toEqual([5, 3, 4, 4]);
    expect(concrete.graph.outputs[0].shape).toEqual([5, 48]);
  });

  it('makes a static dim picked from a partly symbolic Shape a constant', () => {
    const model = buildModel({
      inputs: [f32('x', ['N', 3, 8])],
      outputs: ['y'],
      nodes: [
        makeNode('Shape', ['x'], ['s']),
        makeNode('Gather', ['s', 'idx'], ['hw']),
        makeNode('Concat', ['minus1', 'hw'], ['target'], { axis: a.int(0) }),
        makeNode('Reshape', ['x', 'target'], ['y']),
      ],
      initializers: { idx: i64([2]), minus1: i64([-1]) },
    });
    // [N, 3, 8] -> [-1, 8]: the 8 is known, the -1 is a fresh dim (it stands for N * 3).
    expect(inferShapes(model).graph.outputs[0].shape).toEqual([expect.any(String), 8]);
  });

  it('checks inputShapes against the declared rank and fixed dims', () => {
    const model = flattenByShapeChain('N');
    const rank = thrown(() => inferShapes(model, { inputShapes: { x: [5, 3, 4] } }));
    expect(rank).toBeInstanceOf(InputError);
    expect(rank.message).toContain("'x'");
    expect(() => inferShapes(model, { inputShapes: { x: [5, 3, 4, 5] } })).toThrow(InputError);
    expect(() => inferShapes(model, { inputShapes: { x: [-1, 3, 4, 4] } })).toThrow(InputError);
    expect(() => inferShapes(model, { inputShapes: { nope: [1] } })).toThrow(/'nope'/);
  });

  it('refuses a huge static intermediate before allocating it (row 46)', () => {
    const model = buildModel({
      inputs: [f32('x', [1])],
      outputs: [{ name: 'y', type: 'float32' }],
      nodes: [makeNode('ConstantOfShape', ['shape'], ['big'], {}, 'cos'), makeNode('Add', ['big', 'x'], ['y'])],
      initializers: { shape: i64([2 ** 20, 2 ** 20]) },
    });
    const error = thrown(() => inferShapes(model));
    expect(error).toBeInstanceOf(ResourceLimitError);
    expect(error.message).toContain("'cos'");
    expect((error as ResourceLimitError).details).toMatchObject({ node: 'cos', shape: [2 ** 20, 2 ** 20] });
  });

  it('honours a lower maxTensorBytes', () => {
    const model = buildModel({
      inputs: [f32('x', [100, 100])],
      outputs: ['y'],
      nodes: [makeNode('Relu', ['x'], ['y'], {}, 'relu')],
    });
    expect(() => inferShapes(model, { maxTensorBytes: 40000 })).not.toThrow();
    expect(() => inferShapes(model, { maxTensorBytes: 39999 })).toThrow(ResourceLimitError);
  });

  it('refuses a declared output type or shape that contradicts inference', () => {
    const nodes = [makeNode('Relu', ['x'], ['y'])];
    expect(() =>
      inferShapes(buildModel({ inputs: [f32('x', [2, 3])], outputs: [{ name: 'y', type: 'int32' }], nodes })),
    ).toThrow(GraphError);
    expect(() => inferShapes(buildModel({ inputs: [f32('x', [2, 3])], outputs: [f32('y', [2, 4])], nodes }))).toThrow(
      ShapeError,
    );
    expect(() => inferShapes(buildModel({ inputs: [f32('x', [2, 3])], outputs: [f32('y', [2])], nodes }))).toThrow(
      ShapeError,
    );
    // A declared symbolic dim takes the inferred number.
    expect(
      inferShapes(buildModel({ inputs: [f32('x', [2, 3])], outputs: [f32('y', ['a', 3])], nodes })).graph.outputs[0]
        .shape,
    ).toEqual([2, 3]);
  });

  it('lets inference override a stale intermediate value_info shape, but not its type', () => {
    const nodes = [makeNode('Relu', ['x'], ['h']), makeNode('Neg', ['h'], ['y'])];
    const stale = buildModel({ inputs: [f32('x', [2, 3])], outputs: ['y'], nodes, valueInfo: [f32('h', [7])] });
    expect(inferShapes(stale).graph.valueInfo.get('h')?.shape).toEqual([2, 3]);
    const wrongType = buildModel({
      inputs: [f32('x', [2, 3])],
      outputs: ['y'],
      nodes,
      valueInfo: [{ name: 'h', type: 'int64', shape: [2, 3] }],
    });
    expect(() => inferShapes(wrongType)).toThrow(/'h'.*declared int64 but inferred float32/);
  });

  it("adds the node's name to an op's inference error", () => {
    const model = buildModel({
      inputs: [f32('x', [2, 3]), f32('w', [4])],
      outputs: ['y'],
      nodes: [makeNode('Add', ['x', 'w'], ['y'], {}, 'my_add')],
    });
    const error = thrown(() => inferShapes(model));
    expect(error).toBeInstanceOf(ShapeError);
    expect(error.message).toContain('my_add');
    expect((error as ShapeError).details.node).toBe('my_add');
  });

  it('reports an unknown op as UnsupportedOpError naming the node', () => {
    const model = buildModel({
      inputs: [f32('x', [2])],
      outputs: ['y'],
      nodes: [makeNode('Frobnicate', ['x'], ['y'], {}, 'f')],
    });
    expect(() => inferShapes(model)).toThrow(/Frobnicate.*'f'/);
  });
});
