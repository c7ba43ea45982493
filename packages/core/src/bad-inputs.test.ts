/**
 * Rows 1-2, 24-31, 33, 40, 48, 49 and 69 of shared/specs/bad-inputs.md, through the Session: each hostile
 * model or call gives its typed error with a stable code and the node, value or attribute it concerns, at
 * init or prepare (never at run, never a RangeError/TypeError); afterwards a known-good model still gives
 * the right answer in this process. The other rows' tests are listed in docs/bad-inputs.md.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  AttributeError,
  BackendError,
  ErrorCodes,
  GraphError,
  InputError,
  ModelFormatError,
  ResourceLimitError,
  SessionClosedError,
  Session,
  ShapeError,
  Tensor,
  TensorDataError,
  UnsupportedOpError,
  a,
  emptyGraph,
  evaluateGraph,
  findInstalledPackage,
  isLastmileError,
  makeNode,
  type Attribute,
  type Backend,
  type Dim,
  type ErrorCode,
  type Graph,
  type Model,
} from '@lastmile/core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { importInstalledPackage } from './backend/project-packages.js';
import { convInput, cpuBackend, expectAlive, sameValues } from './fixtures.js';

/** The liveness probe: the shared one, plus a model whose answer is written down here. */
afterEach(async () => {
  await expectAlive();
  const session = await Session.init(
    model((g) => g.nodes.push(makeNode('Relu', ['x'], ['y'], {}, 'relu')), [4]),
    { backends: [cpuBackend()] },
  );
  const out = await session.run({ x: new Tensor('float32', [-1, 2, -3, 4], [4]) });
  expect([...out.y.data]).toEqual([0, 2, 0, 4]);
  await session.destroy();
});

type ErrorClass = abstract new (...args: never[]) => Error;
type Typed = Error & { code: ErrorCode; details: Record<string, unknown> };

/** Awaits `fn` and checks it fails with a lastmile error of `Class` and its code; returns the error. */
async function failure(fn: () => unknown, Class: ErrorClass, code: ErrorCode): Promise<Typed> {
  let caught: unknown;
  try {
    await fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected an error').toBeInstanceOf(Class);
  expect(isLastmileError(caught, code), String(caught)).toBe(true);
  return caught as Typed;
}

/** A model with input x (float32, `shape`) and output y, whose nodes and initializers `build` adds. */
function model(build: (g: Graph) => void, shape: Dim[] = [1, 2, 8, 8], opset = 13): Model {
  const g = emptyGraph('hostile');
  g.inputs.push({ name: 'x', type: 'float32', shape });
  g.outputs.push({ name: 'y', type: 'float32' });
  build(g);
  return { irVersion: 8, opsets: new Map([['', opset]]), graph: g, metadata: new Map() };
}

/** One `op` node 'n' from x to y with `attributes`, extra inputs given as initializers. */
function single(
  op: string,
  attributes: Record<string, Attribute>,
  extra: Record<string, Tensor> = {},
  opset = 13,
): Model {
  return model(
    (g) => {
      for (const [name, t] of Object.entries(extra)) g.initializers.set(name, t);
      g.nodes.push(makeNode(op, ['x', ...Object.keys(extra)], ['y'], attributes, 'n'));
    },
    [1, 2, 8, 8],
    opset,
  );
}

/** Session.init then prepare on the CPU test backend: where every compile-time check has run. */
async function prepared(m: Model, backends: Backend[] = [cpuBackend()]): Promise<void> {
  const session = await Session.init(m, { backends });
  try {
    await session.prepare();
  } finally {
    await session.destroy();
  }
}

const weights = (dims: number[]) =>
  new Tensor(
    'float32',
    Float32Array.from({ length: dims.reduce((n, d) => n * d, 1) }, (_, i) => ((i % 7) - 3) / 10),
    dims,
  );
const i64 = (values: bigint[]) => new Tensor('int64', values, [values.length]);
const HUGE = 2 ** 32;

describe('row 24-26: malformed graphs are refused at Session.init', () => {
  it('row 24: a cycle, naming its nodes', async () => {
    const m = model((g) =>
      g.nodes.push(
        makeNode('Add', ['x', 'c'], ['a'], {}, 'a'),
        makeNode('Relu', ['a'], ['c'], {}, 'c'),
        makeNode('Relu', ['c'], ['y'], {}, 'out'),
      ),
    );
    const e = await failure(() => Session.init(m, { backends: [cpuBackend()] }), GraphError, ErrorCodes.Graph);
    expect([...(e.details.nodes as string[])].sort()).toEqual(['a', 'c']);
  });
  it('row 25: an input nothing produces (a missing initializer), naming value and node', async () => {
    const m = model((g) => g.nodes.push(makeNode('Conv', ['x', 'w'], ['y'], {}, 'conv1')));
    const e = await failure(() => Session.init(m, { backends: [cpuBackend()] }), GraphError, ErrorCodes.Graph);
    expect(e.details).toMatchObject({ value: 'w', node: 'conv1', op: 'Conv' });
  });
  it('row 26: two nodes writing one name, and a node overwriting an initializer', async () => {
    const twice = model((g) =>
      g.nodes.push(makeNode('Relu', ['x'], ['y'], {}, 'r1'), makeNode('Sigmoid', ['x'], ['y'], {}, 'r2')),
    );
    const e = await failure(() => Session.init(twice, { backends: [cpuBackend()] }), GraphError, ErrorCodes.Graph);
    expect(e.details).toMatchObject({ value: 'y', node: 'r2' });
    const shadow = model((g) => {
      g.initializers.set('w', weights([4]));
      g.nodes.push(makeNode('Relu', ['x'], ['w'], {}, 'r1'), makeNode('Relu', ['w'], ['y'], {}, 'r2'));
    });
    expect(
      (await failure(() => Session.init(shadow, { backends: [cpuBackend()] }), GraphError, ErrorCodes.Graph)).details,
    ).toMatchObject({ value: 'w', node: 'r1' });
  });
});

describe('row 27: unknown ops and ops a backend does not run', () => {
  it('an unknown op names node, op, domain, opset and the session backends, at prepare', async () => {
    const e = await failure(() => prepared(single('Frobnicate', {})), UnsupportedOpError, ErrorCodes.UnsupportedOp);
    expect(e.details).toMatchObject({ node: 'n', op: 'Frobnicate', domain: '', opset: 13, backends: ['test-cpu'] });
    expect(e.message).toMatch(/Frobnicate \(opset 13\).*node 'n'.*\(test-cpu\)/);
  });
  it('an unknown domain, declared or not', async () => {
    const declared = single('Relu', {});
    declared.graph.nodes[0].domain = 'com.acme';
    declared.opsets.set('com.acme', 3);
    const e = await failure(() => prepared(declared), UnsupportedOpError, ErrorCodes.UnsupportedOp);
    expect(e.details).toMatchObject({ op: 'Relu', domain: 'com.acme', opset: 3 });
    declared.opsets.delete('com.acme');
    expect(
      (await failure(() => prepared(declared), UnsupportedOpError, ErrorCodes.UnsupportedOp)).details,
    ).toMatchObject({ domain: 'com.acme', opset: 0 });
  });
  it('an op older than its supported opset', async () => {
    const e = await failure(() => prepared(single('Relu', {}, {}, 5)), UnsupportedOpError, ErrorCodes.UnsupportedOp);
    expect(e.details).toMatchObject({ op: 'Relu', opset: 5 });
  });
  it('an op the chosen backend declines, with fallback off and with no other backend', async () => {
    const base = cpuBackend({ name: 'no-sigmoid' });
    const picky: Backend = {
      ...base,
      supports: (node) =>
        node.opType === 'Sigmoid' ? { supported: false, reason: 'no Sigmoid unit' } : { supported: true },
    };
    const m = model((g) =>
      g.nodes.push(makeNode('Relu', ['x'], ['r'], {}, 'relu'), makeNode('Sigmoid', ['r'], ['y'], {}, 'sig')),
    );
    const session = await Session.init(m, { backends: [picky, cpuBackend()], fallback: false });
    const off = await failure(() => session.prepare(), UnsupportedOpError, ErrorCodes.UnsupportedOp);
    expect(off.details).toMatchObject({
      backends: ['no-sigmoid'],
      fallback: false,
      nodes: [
        {
          node: 'sig',
          op: 'Sigmoid',
          domain: '',
          opset: 13,
          reasons: [{ backend: 'no-sigmoid', reason: 'no Sigmoid unit' }],
        },
      ],
    });
    await session.destroy();
    const alone = await failure(() => prepared(m, [picky]), UnsupportedOpError, ErrorCodes.UnsupportedOp);
    expect(alone.message).toMatch(
      /no backend \(no-sigmoid\) supports 1 node:\n {2}sig \(Sigmoid\): no-sigmoid: no Sigmoid unit/,
    );
  });
});

describe('row 28: types that disagree are refused before any run', () => {
  it('a graph input declared int32 feeding Conv', async () => {
    const m = model((g) => {
      g.inputs[0] = { name: 'x', type: 'int32', shape: [1, 2, 8, 8] };
      g.initializers.set('w', weights([3, 2, 3, 3]));
      g.nodes.push(makeNode('Conv', ['x', 'w'], ['y'], {}, 'conv'));
    });
    const e = await failure(() => prepared(m), UnsupportedOpError, ErrorCodes.UnsupportedOp);
    expect(e.details).toMatchObject({ node: 'conv', op: 'Conv', input: 'X', expected: ['float32'], got: 'int32' });
  });
  it('a graph input declared float32 feeding Gather indices: the tensor ops refuse a dtype as the nn ops do', async () => {
    const m = model(
      (g) => {
        g.initializers.set('data', weights([4, 3]));
        g.nodes.push(makeNode('Gather', ['data', 'x'], ['y'], {}, 'gather'));
      },
      [2],
    );
    const e = await failure(() => prepared(m), UnsupportedOpError, ErrorCodes.UnsupportedOp);
    expect(e.details).toMatchObject({
      node: 'gather',
      op: 'Gather',
      input: 'indices',
      expected: ['int32', 'int64'],
      got: 'float32',
    });
  });
  it('mixed element types on one node', async () => {
    const e = await failure(
      () => prepared(single('Add', {}, { k: new Tensor('int32', [1], [1]) })),
      GraphError,
      ErrorCodes.Graph,
    );
    expect(e.details).toMatchObject({ node: 'n', expected: 'float32', got: 'int32' });
  });
  it('value_info and graph outputs that declare another type than inferred', async () => {
    const m = single('Relu', {});
    m.graph.valueInfo.set('y', { name: 'y', type: 'int32' });
    expect((await failure(() => prepared(m), GraphError, ErrorCodes.Graph)).details).toMatchObject({
      value: 'y',
      expected: 'int32',
      got: 'float32',
    });
    const out = single('Relu', {});
    out.graph.outputs[0] = { name: 'y', type: 'int64' };
    expect((await failure(() => prepared(out), GraphError, ErrorCodes.Graph)).details).toMatchObject({
      value: 'y',
      expected: 'int64',
      got: 'float32',
    });
  });
  it('an initializer whose data_type differs from its value_info, at init', async () => {
    const m = single('Add', {}, { k: new Tensor('int32', [1], [1]) });
    m.graph.valueInfo.set('k', { name: 'k', type: 'float32', shape: [1] });
    const e = await failure(
      () => Session.init(m, { backends: [cpuBackend()] }),
      TensorDataError,
      ErrorCodes.TensorData,
    );
    expect(e.details).toMatchObject({ value: 'k', expected: { type: 'float32' }, got: { type: 'int32' } });
  });
});

describe('row 29: huge attributes are refused before any shape math or allocation', () => {
  const conv = (attributes: Record<string, Attribute>) => single('Conv', attributes, { w: weights([3, 2, 3, 3]) });
  it.each([
    ['Conv kernel_shape', conv({ kernel_shape: a.ints([HUGE, HUGE]) }), 'kernel_shape'],
    ['Conv pads', conv({ pads: a.ints([HUGE, HUGE, HUGE, HUGE]) }), 'pads'],
    ['Conv strides', conv({ strides: a.ints([HUGE, 1]) }), 'strides'],
    ['Conv dilations', conv({ dilations: a.ints([1, HUGE]) }), 'dilations'],
    ['Conv group', conv({ group: a.int(HUGE) }), 'group'],
    ['MaxPool kernel_shape', single('MaxPool', { kernel_shape: a.ints([HUGE, HUGE]) }), 'kernel_shape'],
    [
      'AveragePool pads',
      single('AveragePool', { kernel_shape: a.ints([2, 2]), pads: a.ints([0, HUGE, 0, 0]) }),
      'pads',
    ],
    ['Transpose perm', single('Transpose', { perm: a.ints([HUGE, 0, 1, 2]) }), 'perm'],
    ['Flatten axis', single('Flatten', { axis: a.int(HUGE) }), 'axis'],
    ['Softmax axis', single('Softmax', { axis: a.int(-HUGE) }), 'axis'],
    ['Gather axis', single('Gather', { axis: a.int(HUGE) }, { i: i64([0n]) }), 'axis'],
    ['ReduceMean axes', single('ReduceMean', { axes: a.ints([HUGE]) }), 'axes'],
    ['Squeeze axes (opset 11)', single('Squeeze', { axes: a.ints([HUGE]) }, {}, 11), 'axes'],
    ['LRN size', single('LRN', { size: a.int(HUGE) }), 'size'],
  ])('%s = 2^32: AttributeError naming node and attribute', async (_, m, attribute) => {
    const e = await failure(() => prepared(m), AttributeError, ErrorCodes.Attribute);
    expect(e.details).toMatchObject({ node: 'n', attribute });
  });
  it.each([
    ['Conv pads 2^31-1', single('Conv', { pads: a.ints([2 ** 31 - 1, 0, 0, 0]) }, { w: weights([3, 2, 3, 3]) })],
    ['Pad by 2^32', single('Pad', {}, { p: i64([0n, 0n, 2n ** 32n, 0n, 0n, 0n, 0n, 0n]) })],
    [
      'Resize scales 2^32',
      model((g) => {
        g.initializers.set('s', new Tensor('float32', [1, 1, HUGE, HUGE], [4]));
        g.nodes.push(makeNode('Resize', ['x', '', 's'], ['y'], {}, 'n'));
      }),
    ],
  ])('%s: an output too large to allocate is a ResourceLimitError from its dims alone', async (_, m) => {
    const e = await failure(() => prepared(m), ResourceLimitError, ErrorCodes.ResourceLimit);
    expect(e.details).toMatchObject({ node: 'n', value: 'y' });
  });
  it('Split sizes of 2^32 (attribute before opset 13, input from 13)', async () => {
    const attribute = model(
      (g) => g.nodes.push(makeNode('Split', ['x'], ['y', 'z'], { axis: a.int(1), split: a.ints([1, HUGE]) }, 'n')),
      [1, 2, 8, 8],
      11,
    );
    const input = model((g) => {
      g.initializers.set('s', i64([1n, 2n ** 32n]));
      g.nodes.push(makeNode('Split', ['x', 's'], ['y', 'z'], { axis: a.int(1) }, 'n'));
    });
    for (const m of [attribute, input])
      expect((await failure(() => prepared(m), ShapeError, ErrorCodes.Shape)).details).toMatchObject({ node: 'n' });
  });
});

describe('row 30: sizes an attribute or initializer implies must match the real tensors', () => {
  it.each([
    [
      'Conv kernel_shape vs the weights',
      single('Conv', { kernel_shape: a.ints([5, 5]) }, { w: weights([3, 2, 3, 3]) }),
      AttributeError,
      { attribute: 'kernel_shape', expected: [3, 3], got: [5, 5] },
    ],
    [
      'Conv group vs the channels',
      single('Conv', { group: a.int(2) }, { w: weights([3, 2, 3, 3]) }),
      ShapeError,
      { expected: 4, got: 2 },
    ],
    [
      'Conv weights vs the input channels',
      single('Conv', {}, { w: weights([3, 3, 3, 3]) }),
      ShapeError,
      { expected: 3, got: 2 },
    ],
    [
      'Conv bias length',
      single('Conv', {}, { w: weights([3, 2, 3, 3]), b: weights([5]) }),
      ShapeError,
      { expected: [3], got: [5] },
    ],
    [
      'BatchNormalization scale length',
      single('BatchNormalization', {}, { s: weights([3]), b: weights([2]), m: weights([2]), v: weights([2]) }),
      ShapeError,
      {},
    ],
    [
      'Gemm inner dims',
      model((g) => {
        g.inputs[0].shape = [2, 5];
        g.initializers.set('w', weights([3, 4]));
        g.nodes.push(makeNode('Gemm', ['x', 'w'], ['y'], { transB: a.int(1) }, 'n'));
      }),
      ShapeError,
      {},
    ],
    ['Reshape target vs the element count', single('Reshape', {}, { s: i64([3n, 5n]) }), ShapeError, {}],
  ] as const)('%s', async (_, m, Class, details) => {
    const e = await failure(
      () => prepared(m),
      Class,
      Class === AttributeError ? ErrorCodes.Attribute : ErrorCodes.Shape,
    );
    expect(e.details).toMatchObject({ node: 'n', ...details });
  });
  it('an initializer whose data is shorter than its dims (mutated, or not a Tensor) is refused at init, never read past its end', async () => {
    const shrunk = weights([3, 2, 3, 3]);
    (shrunk as { data: Float32Array }).data = new Float32Array(10);
    const fake = { type: 'float32', data: new Float32Array(10), dims: [3, 2, 3, 3], size: 54 } as unknown as Tensor;
    for (const w of [shrunk, fake]) {
      const e = await failure(
        () => Session.init(single('Conv', {}, { w }), { backends: [cpuBackend()] }),
        TensorDataError,
        ErrorCodes.TensorData,
      );
      expect(e.details).toMatchObject({ value: 'w' });
    }
  });
});

describe('row 31: subgraphs and inputs where the op takes none', () => {
  it('a graph attribute on Relu, at init', async () => {
    const m = single('Relu', { body: { type: 'graph', value: emptyGraph('body') } });
    expect(
      (await failure(() => Session.init(m, { backends: [cpuBackend()] }), GraphError, ErrorCodes.Graph)).details,
    ).toMatchObject({ node: 'n', op: 'Relu', attribute: 'body' });
  });
  it('a Loop body input that is also a body initializer, at init', async () => {
    const body = emptyGraph('body');
    body.inputs = [{ name: 'i', type: 'int64', shape: [] }];
    body.initializers.set('i', new Tensor('int64', [0n], []));
    body.outputs = [{ name: 'i', type: 'int64', shape: [] }];
    const m = model((g) =>
      g.nodes.push(makeNode('Loop', ['', ''], ['y'], { body: { type: 'graph', value: body } }, 'loop')),
    );
    const e = await failure(() => Session.init(m, { backends: [cpuBackend()] }), GraphError, ErrorCodes.Graph);
    expect(e.message).toContain("graph/loop.body: 'i' is both a graph input and an initializer");
  });
  it('an input given to Constant, and inputs missing from an op that needs them', async () => {
    const constant = model((g) =>
      g.nodes.push(
        makeNode('Constant', ['x'], ['c'], { value: a.tensor(new Tensor('float32', [1], [1])) }, 'n'),
        makeNode('Add', ['x', 'c'], ['y'], {}, 'add'),
      ),
    );
    expect((await failure(() => prepared(constant), GraphError, ErrorCodes.Graph)).details).toMatchObject({
      node: 'n',
      op: 'Constant',
      expected: '0',
      got: 1,
    });
    const unsqueeze = single('Unsqueeze', {});
    expect((await failure(() => prepared(unsqueeze), GraphError, ErrorCodes.Graph)).details).toMatchObject({
      node: 'n',
      op: 'Unsqueeze',
    });
    const conv = single('Conv', {});
    expect((await failure(() => prepared(conv), GraphError, ErrorCodes.Graph)).details).toMatchObject({
      node: 'n',
      op: 'Conv',
    });
  });
});

describe('row 33: element counts past 2^53', () => {
  it('in value_info, graph inputs and outputs: each dim exact, their product not', async () => {
    const cube: Dim[] = [2 ** 26, 2 ** 26, 2 ** 26];
    const inValueInfo = single('Relu', {});
    inValueInfo.graph.valueInfo.set('y', { name: 'y', type: 'float32', shape: cube });
    const inInput = model((g) => g.nodes.push(makeNode('Relu', ['x'], ['y'], {}, 'n')), ['N', ...cube]);
    const inOutput = single('Relu', {});
    inOutput.graph.outputs[0].shape = [2 ** 62, 4];
    for (const [m, value] of [
      [inValueInfo, 'y'],
      [inInput, 'x'],
      [inOutput, 'y'],
    ] as const) {
      const e = await failure(() => Session.init(m, { backends: [cpuBackend()] }), ShapeError, ErrorCodes.Shape);
      expect(e.details).toMatchObject({ value });
    }
  });
  it('in prepare shapes, Reshape and ConstantOfShape targets, and tensor dims', async () => {
    const session = await Session.init(
      model((g) => g.nodes.push(makeNode('Relu', ['x'], ['y'], {}, 'n')), ['a', 'b', 'c']),
      { backends: [cpuBackend()] },
    );
    await failure(
      () => session.prepare({ x: [2 ** 26, 2 ** 26, 2 ** 26] }),
      ResourceLimitError,
      ErrorCodes.ResourceLimit,
    );
    await failure(() => session.prepare({ x: [2 ** 62, 4, 1] }), InputError, ErrorCodes.Input);
    await session.destroy();
    await failure(() => prepared(single('Reshape', {}, { s: i64([2n ** 62n, 4n]) })), ShapeError, ErrorCodes.Shape);
    const fill = (dims: bigint[]) =>
      model((g) => {
        g.initializers.set('s', i64(dims));
        g.nodes.push(makeNode('ConstantOfShape', ['s'], ['y'], {}, 'n'));
      });
    expect(
      (await failure(() => prepared(fill([2n ** 40n, 2n ** 40n])), ShapeError, ErrorCodes.Shape)).details,
    ).toMatchObject({ node: 'n' });
    expect(
      (await failure(() => prepared(fill([2n ** 40n])), ResourceLimitError, ErrorCodes.ResourceLimit)).details,
    ).toMatchObject({ node: 'n' });
    await failure(() => new Tensor('float32', new Float32Array(1), [2 ** 62, 4]), ShapeError, ErrorCodes.Shape);
    await failure(() => Tensor.zeros('float32', [2 ** 30, 2 ** 30, 2 ** 30]), ShapeError, ErrorCodes.Shape);
  });
});

/** Conv -> Relu -> MaxPool -> Flatten -> Gemm -> Softmax, batch N: a small classifier. */
function classifier(head: 'flatten' | 'reshape' = 'flatten'): Model {
  return model(
    (g) => {
      g.outputs[0] = { name: 'y', type: 'float32' };
      g.initializers.set('w', weights([4, 2, 3, 3]));
      g.initializers.set('b', weights([4]));
      g.initializers.set('fc', weights([3, 64]));
      g.initializers.set('fcb', weights([3]));
      g.nodes.push(
        makeNode('Conv', ['x', 'w', 'b'], ['c'], { pads: a.ints([1, 1, 1, 1]) }, 'conv'),
        makeNode('Relu', ['c'], ['r'], {}, 'relu'),
        makeNode('MaxPool', ['r'], ['p'], { kernel_shape: a.ints([2, 2]), strides: a.ints([2, 2]) }, 'pool'),
      );
      if (head === 'flatten') g.nodes.push(makeNode('Flatten', ['p'], ['f'], {}, 'flatten'));
      else {
        g.initializers.set('shape', i64([0n, -1n]));
        g.nodes.push(makeNode('Reshape', ['p', 'shape'], ['f'], {}, 'reshape'));
      }
      g.nodes.push(
        makeNode('Gemm', ['f', 'fc', 'fcb'], ['l'], { transB: a.int(1) }, 'fc'),
        makeNode('Softmax', ['l'], ['y'], { axis: a.int(1) }, 'softmax'),
      );
    },
    ['N', 2, 8, 8],
  );
}

describe('row 40: a zero-size batch', () => {
  it('runs a whole CNN to a valid empty output, then serves batch 2 correctly', async () => {
    const m = classifier();
    const session = await Session.init(m, { backends: [cpuBackend()] });
    const empty = await session.run({ x: convInput(1, [0, 2, 8, 8]) });
    expect(empty.y.dims).toEqual([0, 3]);
    expect(empty.y.data).toHaveLength(0);
    const x = convInput(2, [2, 2, 8, 8]);
    const two = await session.run({ x });
    expect(sameValues(two.y, evaluateGraph(m, { x }).y)).toBe(true);
    const [p0, p1, p2] = two.y.data as Float32Array;
    expect(p0 + p1 + p2).toBeCloseTo(1, 5);
    await session.destroy();
  });
  it('refuses Reshape [0, -1] of an empty tensor as onnxruntime does (the -1 is ambiguous)', async () => {
    const session = await Session.init(classifier('reshape'), { backends: [cpuBackend()] });
    const e = await failure(() => session.run({ x: convInput(1, [0, 2, 8, 8]) }), ShapeError, ErrorCodes.Shape);
    expect(e.details).toMatchObject({ node: 'reshape' });
    expect((await session.run({ x: convInput(2, [1, 2, 8, 8]) })).y.dims).toEqual([1, 3]);
    await session.destroy();
  });
  it('reduces over an empty axis to onnxruntime values (mean 0, max -Infinity), no division by zero', async () => {
    for (const [op, want] of [
      ['ReduceMean', 0],
      ['ReduceMax', -Infinity],
    ] as const) {
      const session = await Session.init(
        model((g) => g.nodes.push(makeNode(op, ['x'], ['y'], { axes: a.ints([0]) }, 'n')), ['N', 2, 8, 8]),
        { backends: [cpuBackend()] },
      );
      const out = await session.run({ x: convInput(1, [0, 2, 8, 8]) });
      expect(out.y.dims).toEqual([1, 2, 8, 8]);
      expect(new Set(out.y.data as Float32Array)).toEqual(new Set([want]));
      await session.destroy();
    }
  });
});

describe('row 48: concurrent runs', () => {
  it('64 concurrent runs over four batch sizes, with plans evicted meanwhile, each get their own answer', async () => {
    const m = classifier();
    const session = await Session.init(m, { backends: [cpuBackend()], maxCachedPlans: 2 });
    const inputs = Array.from({ length: 64 }, (_, i) => convInput(200 + i, [1 + (i % 4), 2, 8, 8]));
    const outs = await Promise.all(inputs.map((x) => session.run({ x })));
    outs.forEach((out, i) => expect(sameValues(out.y, evaluateGraph(m, { x: inputs[i] }).y)).toBe(true));
    await session.destroy();
  });
  it('failing runs among 64 concurrent ones fail alone', async () => {
    const m = classifier();
    const session = await Session.init(m, { backends: [cpuBackend()] });
    const runs = Array.from({ length: 64 }, (_, i) =>
      i % 4 === 3 ? session.run({ x: convInput(i, [1, 3, 8, 8]) }) : session.run({ x: convInput(i) }),
    );
    const settled = await Promise.allSettled(runs);
    settled.forEach((r, i) => {
      if (i % 4 === 3) expect(r.status === 'rejected' && isLastmileError(r.reason, ErrorCodes.Input)).toBe(true);
      else
        expect(r.status === 'fulfilled' && sameValues(r.value.y, evaluateGraph(m, { x: convInput(i) }).y)).toBe(true);
    });
    await session.destroy();
  });
});

describe('row 49: destroy with runs in flight and queued', () => {
  it('the run in flight finishes, the queued fail with SessionClosedError, nothing runs after dispose, disposal happens once', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const log: string[] = [];
    const base = cpuBackend();
    const slow: Backend = {
      ...base,
      async compile(partition, options) {
        const exe = await base.compile(partition, options);
        let disposed = false;
        return {
          ...exe,
          run: async (inputs) => {
            log.push(disposed ? 'run after dispose' : 'run');
            await gate;
            return exe.run(inputs);
          },
          dispose: () => {
            log.push('dispose');
            disposed = true;
            return exe.dispose();
          },
        };
      },
    };
    const m = classifier();
    const session = await Session.init(m, { backends: [slow] });
    const x = convInput(3);
    const runs = Array.from({ length: 8 }, () => session.run({ x }));
    await new Promise((r) => setTimeout(r, 20));
    const destroyed = [session.destroy(), session.destroy()];
    expect(destroyed[0]).toBe(destroyed[1]);
    await failure(() => session.run({ x }), SessionClosedError, ErrorCodes.SessionClosed);
    release();
    const [first, ...queued] = await Promise.allSettled(runs);
    expect(first.status === 'fulfilled' && sameValues(first.value.y, evaluateGraph(m, { x }).y)).toBe(true);
    for (const r of queued)
      expect(r.status === 'rejected' && isLastmileError(r.reason, ErrorCodes.SessionClosed)).toBe(true);
    await destroyed[0];
    expect(log).toEqual(['run', 'dispose']);
  });
});

describe('row 69: a backend that throws does not take the others down', () => {
  it('a throwing probe is skipped with an event, a throwing compile is a BackendError; the next backend and session serve', async () => {
    const skipped: string[] = [];
    const flaky: Backend = {
      ...cpuBackend({ name: 'flaky' }),
      probe: () => {
        throw new TypeError("Cannot read properties of undefined (reading 'device')");
      },
    };
    const m = classifier();
    const session = await Session.init(m, {
      backends: [flaky, cpuBackend()],
      onEvent: (e) => e.type === 'backend-skipped' && skipped.push(`${e.backend}: ${e.reason}`),
    });
    expect(session.backends.map((b) => b.name)).toEqual(['test-cpu']);
    expect(skipped).toEqual(["flaky: probe() threw: Cannot read properties of undefined (reading 'device')"]);
    const x = convInput(5);
    expect(sameValues((await session.run({ x })).y, evaluateGraph(m, { x }).y)).toBe(true);
    await session.destroy();
    const broken: Backend = {
      ...cpuBackend({ name: 'broken' }),
      compile: () => Promise.reject(new RangeError('Invalid typed array length: -1')),
    };
    const failing = await Session.init(m, { backends: [broken] });
    const e = await failure(() => failing.run({ x }), BackendError, ErrorCodes.Backend);
    expect(e.details).toMatchObject({ backend: 'broken', partition: 0 });
    expect((e.cause as Error).message).toBe('Invalid typed array length: -1');
    await failing.destroy();
  });
});

describe('rows 1, 2, 24, 27: ONNX bytes through Session.init with the installed importer', () => {
  // A user project with the first-party importer installed (linked, as pnpm does).
  const project = mkdtempSync(join(tmpdir(), 'lastmile-bad-inputs-'));
  writeFileSync(join(project, 'package.json'), '{"name":"user-app","private":true}');
  mkdirSync(join(project, 'node_modules', '@lastmile'), { recursive: true });
  symlinkSync(resolve(import.meta.dirname, '../../onnx'), join(project, 'node_modules', '@lastmile', 'onnx'), 'dir');
  afterAll(() => rmSync(project, { recursive: true, force: true }));
  const init = (source: Uint8Array | string) =>
    Session.init(source, { backends: [cpuBackend()], projectRoot: project });
  const encode = async (m: Model): Promise<Uint8Array> => {
    const onnx = (await importInstalledPackage(findInstalledPackage('@lastmile/onnx', project)!)) as {
      encodeModel: (m: Model) => Uint8Array;
    };
    return onnx.encodeModel(m);
  };

  it('rows 1-2: empty bytes, a missing file, random bytes and a Caffe prototxt are ModelFormatErrors', async () => {
    await failure(() => init(new Uint8Array()), ModelFormatError, ErrorCodes.ModelFormat);
    expect(
      (await failure(() => init(join(project, 'missing.onnx')), ModelFormatError, ErrorCodes.ModelFormat)).details,
    ).toMatchObject({ path: join(project, 'missing.onnx') });
    await failure(
      () => init(Uint8Array.from({ length: 256 }, (_, i) => (i * 97 + 13) & 0xff)),
      ModelFormatError,
      ErrorCodes.ModelFormat,
    );
    const prototxt = join(project, 'net.prototxt');
    writeFileSync(prototxt, 'name: "LeNet"\nlayer {\n  name: "data"\n  type: "Input"\n}\n');
    expect((await failure(() => init(prototxt), ModelFormatError, ErrorCodes.ModelFormat)).details).toMatchObject({
      format: 'caffe-prototxt',
    });
    await failure(
      () => Session.init(null as unknown as Uint8Array, { backends: [cpuBackend()] }),
      ModelFormatError,
      ErrorCodes.ModelFormat,
    );
  });
  it('row 24: a cyclic ONNX graph is a GraphError at init; row 27: an unknown op is refused at prepare', async () => {
    const cyclic = model((g) =>
      g.nodes.push(
        makeNode('Add', ['x', 'c'], ['a'], {}, 'a'),
        makeNode('Relu', ['a'], ['c'], {}, 'c'),
        makeNode('Relu', ['c'], ['y'], {}, 'out'),
      ),
    );
    await failure(async () => init(await encode(cyclic)), GraphError, ErrorCodes.Graph);
    const session = await init(await encode(single('Frobnicate', {})));
    expect(
      (await failure(() => session.prepare(), UnsupportedOpError, ErrorCodes.UnsupportedOp)).details,
    ).toMatchObject({ op: 'Frobnicate', opset: 13, backends: ['test-cpu'] });
    await session.destroy();
  });
});
