/**
 * Pooling, elementwise (with broadcasting in NHWC), activations, Gemm/MatMul, Concat, reshapes and the
 * host fallback on cpu-neon, each against the reference on seeded random inputs.
 */
import { a, makeNode, Tensor } from '@lastmile/core';
import { describe, expect, it } from 'vitest';
import { compileProgram } from './compile/compile.js';
import { detectFeatures } from './wasm/features.js';
import { caseModel, expectMatchesReference, oneNode, rng } from './harness.js';

describe('pools', () => {
  const cases: [string, Record<string, ReturnType<typeof a.int>>, number[]][] = [
    ['MaxPool', { kernel_shape: a.ints([3, 3]), strides: a.ints([2, 2]), pads: a.ints([1, 1, 1, 1]) }, [1, 6, 9, 9]],
    ['MaxPool', { kernel_shape: a.ints([3, 3]), strides: a.ints([2, 2]), ceil_mode: a.int(1) }, [2, 5, 8, 7]],
    ['MaxPool', { kernel_shape: a.ints([2, 3]), dilations: a.ints([2, 1]), pads: a.ints([1, 0, 1, 2]) }, [1, 9, 6, 7]],
    [
      'AveragePool',
      { kernel_shape: a.ints([3, 3]), strides: a.ints([1, 1]), pads: a.ints([1, 1, 1, 1]) },
      [1, 7, 5, 6],
    ],
    [
      'AveragePool',
      { kernel_shape: a.ints([3, 3]), pads: a.ints([1, 1, 1, 1]), count_include_pad: a.int(1) },
      [1, 7, 5, 6],
    ],
    ['AveragePool', { kernel_shape: a.ints([2, 2]), strides: a.ints([2, 2]), ceil_mode: a.int(1) }, [1, 13, 5, 5]],
    // Channel counts around the kernel's blocks of 16: whole blocks, blocks plus a 4-channel tail, a partial vector.
    ['MaxPool', { kernel_shape: a.ints([3, 3]), strides: a.ints([2, 2]), pads: a.ints([1, 1, 1, 1]) }, [1, 16, 7, 7]],
    ['MaxPool', { kernel_shape: a.ints([3, 3]), strides: a.ints([2, 2]), pads: a.ints([0, 1, 1, 0]) }, [2, 20, 6, 5]],
    ['MaxPool', { kernel_shape: a.ints([2, 2]), pads: a.ints([1, 1, 1, 1]) }, [1, 35, 4, 5]],
    ['MaxPool', { kernel_shape: a.ints([3, 3]), strides: a.ints([2, 2]) }, [1, 64, 9, 9]],
    [
      'AveragePool',
      { kernel_shape: a.ints([3, 3]), strides: a.ints([2, 2]), pads: a.ints([1, 1, 1, 1]) },
      [1, 16, 7, 7],
    ],
    [
      'AveragePool',
      { kernel_shape: a.ints([3, 3]), pads: a.ints([1, 1, 1, 1]), count_include_pad: a.int(1) },
      [2, 20, 4, 5],
    ],
    [
      'AveragePool',
      { kernel_shape: a.ints([2, 3]), strides: a.ints([1, 2]), pads: a.ints([1, 1, 0, 1]) },
      [1, 35, 5, 6],
    ],
    [
      'AveragePool',
      { kernel_shape: a.ints([3, 3]), strides: a.ints([2, 2]), pads: a.ints([1, 1, 1, 1]) },
      [1, 64, 6, 6],
    ],
    ['GlobalAveragePool', {}, [2, 13, 5, 3]],
    ['GlobalMaxPool', {}, [1, 6, 4, 4]],
  ];
  cases.forEach(([op, attributes, dims], i) => {
    it(`${op} ${JSON.stringify(Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, v.value])))} on ${dims.join('x')}`, async () => {
      await expectMatchesReference(oneNode(op, { x: rng(200 + i).floatTensor(dims) }, {}, ['x'], attributes));
    });
  });
  it('MaxPool skips NaN like the reference, in the 16-channel blocks and the tail', async () => {
    const x = rng(230).floatTensor([1, 20, 5, 5]);
    // Channel 0 of pixel (0, 0), the first tap of the corner window; channel 18 of a middle pixel; in
    // channel 5, every pixel of the corner window but (1, 1).
    x.data[0] = Number.NaN;
    x.data[18 * 25 + 12] = Number.NaN;
    for (const pixel of [0, 1, 5]) x.data[5 * 25 + pixel] = Number.NaN;
    await expectMatchesReference(
      oneNode('MaxPool', { x }, {}, ['x'], {
        kernel_shape: a.ints([3, 3]),
        strides: a.ints([2, 2]),
        pads: a.ints([1, 1, 1, 1]),
      }),
    );
  });
});

describe('elementwise', () => {
  const shapes: [number[], number[]][] = [
    [
      [1, 5, 3, 7],
      [1, 5, 3, 7],
    ],
    [
      [2, 6, 4, 5],
      [6, 1, 1],
    ],
    [
      [1, 6, 4, 5],
      [1, 6, 1, 1],
    ],
    [[2, 3, 4, 5], []],
    [
      [1, 7, 3, 3],
      [1, 1, 3, 3],
    ],
    [[2, 9], [9]],
    [
      [3, 4, 5],
      [3, 1, 5],
    ],
    [
      [1, 1, 1, 1],
      [1, 4, 2, 3],
    ],
    [
      [2, 3, 1, 5],
      [1, 1, 4, 1],
    ],
  ];
  for (const op of ['Add', 'Sub', 'Mul', 'Div']) {
    shapes.forEach(([sa, sb], i) => {
      it(`${op} [${sa}] with [${sb}] (runtime and constant)`, async () => {
        const r = rng(300 + i);
        const x = r.floatTensor(sa, 0.5, 2);
        const b = r.floatTensor(sb, 0.5, 2);
        await expectMatchesReference(oneNode(op, { x, b }, {}, ['x', 'b']));
        await expectMatchesReference(oneNode(op, { x }, { b }, ['b', 'x']));
      });
    });
  }

  it('fuses an activation into a binary op', async () => {
    const r = rng(9);
    const steps = await expectMatchesReference({
      inputs: { x: r.floatTensor([1, 5, 3, 3]), b: r.floatTensor([1, 5, 3, 3]) },
      nodes: [makeNode('Add', ['x', 'b'], ['s'], {}, 'add'), makeNode('Relu', ['s'], ['z'], {}, 'relu')],
      outputs: ['z'],
    });
    expect(steps).toEqual(['Add:wasm']);
  });

  const activations: [string, Record<string, ReturnType<typeof a.int>>][] = [
    ['Relu', {}],
    ['LeakyRelu', { alpha: a.float(0.2) }],
    ['Sigmoid', {}],
    ['Tanh', {}],
    ['HardSigmoid', { alpha: a.float(0.3), beta: a.float(0.4) }],
    ['HardSwish', {}],
  ];
  for (const [op, attributes] of activations) {
    it(`${op} over odd sizes and large magnitudes`, async () => {
      const x = rng(11).floatTensor([2, 3, 5, 7], -20, 20);
      x.data[0] = NaN;
      x.data[1] = -100;
      x.data[2] = 100;
      await expectMatchesReference(oneNode(op, { x }, {}, ['x'], attributes), { rtol: 1e-5, atol: 1e-6 });
    });
  }

  it('Clip with constant bounds', async () => {
    const scalar = (v: number) => new Tensor('float32', [v], []);
    await expectMatchesReference(
      oneNode('Clip', { x: rng(12).floatTensor([3, 11], -9, 9) }, { lo: scalar(-1), hi: scalar(6) }, ['x', 'lo', 'hi']),
    );
  });
});

describe('elementwise ops in place', () => {
  const arenaBytes = async (c: Parameters<typeof caseModel>[0]) =>
    (await compileProgram(caseModel(c), { features: detectFeatures() })).arenaBytes;

  it('runs a chain of unary and same-shape binary ops in one buffer', async () => {
    const r = rng(60);
    const chain = {
      inputs: { x: r.floatTensor([1, 6, 7, 9], -2, 2), z: r.floatTensor([1, 6, 7, 9]) },
      nodes: [
        makeNode('Relu', ['x'], ['t1'], {}, 'relu'),
        makeNode('Sigmoid', ['t1'], ['t2'], {}, 'sigmoid'),
        makeNode('Mul', ['z', 't2'], ['t3'], {}, 'mul'),
        makeNode('Tanh', ['t3'], ['y'], {}, 'tanh'),
      ],
      outputs: ['y'],
    };
    await expectMatchesReference(chain);
    // x and z, nothing more: every output took the buffer of an input read for the last time.
    // Two buffers of 378 floats, each with 16 bytes of tail room and 64-byte aligned.
    expect(await arenaBytes(chain)).toBe(2 * 1536);
  });

  it('never overwrites a value read later, nor a row a spilled vector would reach', async () => {
    const r = rng(61);
    await expectMatchesReference({
      inputs: { x: r.floatTensor([2, 3, 5], -2, 2) },
      nodes: [
        makeNode('Relu', ['x'], ['t'], {}, 'relu'),
        makeNode('Add', ['t', 'x'], ['s'], {}, 'add'),
        makeNode('Mul', ['s', 's'], ['y'], {}, 'square'),
      ],
      outputs: ['y'],
    });
    // Rows of 5 floats: the kernel's last vector of a row spills into the next row.
    await expectMatchesReference({
      inputs: { x: r.floatTensor([3, 5], -2, 2), b: r.floatTensor([3, 1]) },
      nodes: [makeNode('Add', ['x', 'b'], ['y0'], {}, 'add'), makeNode('Relu', ['y0'], ['y'], {}, 'relu')],
      outputs: ['y'],
    });
  });
});

describe('Gemm and MatMul by constants', () => {
  it('Gemm with transB, alpha, beta and a row bias', async () => {
    const r = rng(13);
    const attributes = { transB: a.int(1), alpha: a.float(0.5), beta: a.float(2) };
    await expectMatchesReference(
      oneNode(
        'Gemm',
        { x: r.floatTensor([3, 37]) },
        { W: r.floatTensor([19, 37]), C: r.floatTensor([19]) },
        ['x', 'W', 'C'],
        attributes,
      ),
    );
  });
  it('Gemm without bias, then Relu', async () => {
    const r = rng(14);
    const steps = await expectMatchesReference({
      inputs: { x: r.floatTensor([5, 8]) },
      constants: { W: r.floatTensor([8, 9]) },
      nodes: [makeNode('Gemm', ['x', 'W'], ['g'], {}, 'gemm'), makeNode('Relu', ['g'], ['y'], {}, 'relu')],
      outputs: ['y'],
    });
    expect(steps).toEqual(['Gemm:wasm']);
  });
  it('MatMul of a rank-3 tensor by a constant matrix', async () => {
    const r = rng(15);
    await expectMatchesReference(
      oneNode('MatMul', { x: r.floatTensor([2, 7, 12]) }, { W: r.floatTensor([12, 10]) }, ['x', 'W']),
    );
  });
});

describe('data movement', () => {
  it('Concat along channels (NHWC), with a constant part', async () => {
    const r = rng(16);
    const steps = await expectMatchesReference(
      oneNode(
        'Concat',
        { x: r.floatTensor([2, 3, 4, 5]), b: r.floatTensor([2, 6, 4, 5]) },
        { z: r.floatTensor([2, 1, 4, 5]) },
        ['x', 'z', 'b'],
        { axis: a.int(1) },
      ),
    );
    expect(steps).toEqual(['Concat:wasm']);
  });
  it('Concat along width and of rank 3', async () => {
    const r = rng(17);
    await expectMatchesReference(
      oneNode('Concat', { x: r.floatTensor([1, 3, 4, 5]), b: r.floatTensor([1, 3, 4, 2]) }, {}, ['x', 'b'], {
        axis: a.int(-1),
      }),
    );
    await expectMatchesReference(
      oneNode('Concat', { x: r.floatTensor([2, 3, 5]), b: r.floatTensor([2, 1, 5]) }, {}, ['x', 'b'], {
        axis: a.int(1),
      }),
    );
  });
  it('Flatten after a global pool is an alias; Flatten of a feature map is a strided copy out of NHWC', async () => {
    const r = rng(18);
    const pooled = await expectMatchesReference({
      inputs: { x: r.floatTensor([1, 6, 3, 3]) },
      nodes: [makeNode('GlobalAveragePool', ['x'], ['p'], {}, 'gap'), makeNode('Flatten', ['p'], ['y'], {}, 'flatten')],
      outputs: ['y'],
    });
    expect(pooled).toEqual(['GlobalAveragePool:wasm', 'Flatten:alias']);
    const map = await expectMatchesReference({
      inputs: { x: r.floatTensor([2, 3, 4, 4]) },
      nodes: [
        makeNode('MaxPool', ['x'], ['p'], { kernel_shape: a.ints([2, 2]) }, 'pool'),
        makeNode('Flatten', ['p'], ['y'], {}, 'flatten'),
      ],
      outputs: ['y'],
    });
    expect(map).toEqual(['MaxPool:wasm', 'Flatten:wasm']);
  });
});

describe('strided copies', () => {
  const pooled = (dims: number[], seed: number, ...nodes: ReturnType<typeof makeNode>[]) => ({
    inputs: { x: rng(seed).floatTensor(dims) },
    constants: {} as Record<string, Tensor>,
    nodes: [makeNode('MaxPool', ['x'], ['p'], { kernel_shape: a.ints([1, 1]) }, 'pool'), ...nodes],
    outputs: ['y'],
  });
  const i64 = (values: number[]) => new Tensor('int64', BigInt64Array.from(values.map(BigInt)), [values.length]);

  it('channel shuffle: NHWC -> 5-D Reshape -> Transpose -> Reshape -> NHWC (MaxPool on both ends)', async () => {
    const c = pooled(
      [1, 12, 5, 3],
      40,
      makeNode('Reshape', ['p', 'g'], ['r'], {}, 'group'),
      makeNode('Transpose', ['r'], ['t'], { perm: a.ints([0, 2, 1, 3, 4]) }, 'swap'),
      makeNode('Reshape', ['t', 's'], ['u'], {}, 'ungroup'),
      makeNode('MaxPool', ['u'], ['y'], { kernel_shape: a.ints([1, 1]) }, 'pool2'),
    );
    c.constants = { g: i64([1, 2, 6, 5, 3]), s: i64([1, 12, 5, 3]) };
    expect(await expectMatchesReference(c)).toEqual([
      'MaxPool:wasm',
      'Reshape:wasm',
      'Transpose:wasm',
      'Reshape:wasm',
      'MaxPool:wasm',
    ]);
  });
  it('Split along channels of an NHWC tensor, and Slice with negative steps', async () => {
    const split = pooled([2, 10, 3, 4], 41, makeNode('Split', ['p', 'sizes'], ['y', 'z'], { axis: a.int(1) }, 'split'));
    split.constants = { sizes: i64([3, 7]) };
    split.outputs = ['y', 'z'];
    await expectMatchesReference(split);
    const slice = oneNode(
      'Slice',
      { x: rng(42).floatTensor([3, 7, 9]) },
      { starts: i64([-1, 1]), ends: i64([-100, 8]), axes: i64([2, 1]), steps: i64([-2, 3]) },
      ['x', 'starts', 'ends', 'axes', 'steps'],
    );
    await expectMatchesReference(slice);
  });
  it('Transpose of rank 3 and 4 (row-major) and Expand', async () => {
    await expectMatchesReference(
      oneNode('Transpose', { x: rng(43).floatTensor([5, 6, 7]) }, {}, ['x'], { perm: a.ints([2, 0, 1]) }),
    );
    await expectMatchesReference(
      oneNode('Transpose', { x: rng(44).floatTensor([1, 8, 9, 5]) }, {}, ['x'], { perm: a.ints([0, 1, 3, 2]) }),
    );
    await expectMatchesReference(
      oneNode('Expand', { x: rng(45).floatTensor([3, 1, 5]) }, { shape: i64([2, 3, 4, 5]) }, ['x', 'shape']),
    );
  });
});

describe('the host fallback', () => {
  it('runs an op without a SIMD kernel with NHWC converted around it', async () => {
    const r = rng(19);
    const steps = await expectMatchesReference(
      {
        inputs: { x: r.floatTensor([1, 4, 3, 5]) },
        nodes: [
          makeNode('MaxPool', ['x'], ['p'], { kernel_shape: a.ints([1, 1]) }, 'pool'),
          makeNode('Erf', ['p'], ['e'], {}, 'erf'),
          makeNode('MaxPool', ['e'], ['y'], { kernel_shape: a.ints([2, 2]) }, 'pool2'),
        ],
        outputs: ['y'],
      },
      { host: true },
    );
    expect(steps).toEqual(['MaxPool:wasm', 'Erf:host', 'MaxPool:wasm']);
  });
});

describe('FPN upsampling', () => {
  it('ConvTranspose (stride = kernel) + bias Add + BatchNormalization + Relu as one step', async () => {
    const r = rng(20);
    const steps = await expectMatchesReference({
      inputs: { x: r.floatTensor([2, 6, 3, 5]) },
      constants: {
        W: r.floatTensor([6, 10, 2, 2]),
        b: r.floatTensor([1, 10, 1, 1]),
        gamma: r.floatTensor([10], 0.5, 1.5),
        beta: r.floatTensor([10]),
        mean: r.floatTensor([10]),
        variance: r.floatTensor([10], 0.5, 2),
      },
      nodes: [
        makeNode('ConvTranspose', ['x', 'W'], ['t'], { kernel_shape: a.ints([2, 2]), strides: a.ints([2, 2]) }, 'up'),
        makeNode('Add', ['t', 'b'], ['tb'], {}, 'bias'),
        makeNode(
          'BatchNormalization',
          ['tb', 'gamma', 'beta', 'mean', 'variance'],
          ['n'],
          { epsilon: a.float(1e-5) },
          'bn',
        ),
        makeNode('Relu', ['n'], ['y'], {}, 'relu'),
      ],
      outputs: ['y'],
    });
    expect(steps).toEqual(['ConvTranspose:wasm']);
  });

  const modes: [string, string, number[]][] = [
    ['asymmetric', 'floor', [1, 1, 2, 2]],
    ['half_pixel', 'round_prefer_floor', [1, 1, 1.5, 2.5]],
    ['align_corners', 'round_prefer_ceil', [1, 1, 0.6, 1.7]],
    ['pytorch_half_pixel', 'ceil', [1, 1, 3, 0.5]],
  ];
  for (const [coordinates, nearest, scales] of modes) {
    it(`nearest Resize (${coordinates}, ${nearest}, scales ${scales.join('/')}) gathers pixels`, async () => {
      const steps = await expectMatchesReference(
        oneNode(
          'Resize',
          { x: rng(21).floatTensor([2, 5, 4, 6]) },
          { scales: new Tensor('float32', scales, [4]) },
          ['x', '', 'scales'],
          {
            mode: a.string('nearest'),
            coordinate_transformation_mode: a.string(coordinates),
            nearest_mode: a.string(nearest),
          },
        ),
      );
      expect(steps).toEqual(['Resize:wasm']);
    });
  }
  it('nearest Resize to given sizes', async () => {
    const sizes = new Tensor('int64', [2n, 3n, 7n, 3n], [4]);
    await expectMatchesReference(
      oneNode('Resize', { x: rng(22).floatTensor([2, 3, 4, 6]) }, { sizes }, ['x', '', '', 'sizes'], {
        mode: a.string('nearest'),
      }),
    );
  });
});

describe('Softmax', () => {
  const cases: [number[], number, number][] = [
    [[3, 7], -1, 17],
    [[2, 3, 16], 2, 17],
    [[2, 5, 3, 3], 1, 17],
    [[4, 1], -1, 17],
    [[2, 3, 5], 1, 11],
  ];
  for (const [dims, axis, opset] of cases) {
    it(`over axis ${axis} of [${dims}] at opset ${opset}`, async () => {
      const x = rng(23).floatTensor(dims, -30, 30);
      const steps = await expectMatchesReference({
        ...oneNode('Softmax', { x }, {}, ['x'], { axis: a.int(axis) }),
        opset,
      });
      expect(steps).toEqual(['Softmax:wasm']);
    });
  }
});

describe('reductions', () => {
  const cases: [string, number[], number[] | undefined, number][] = [
    ['ReduceMean', [1, 40, 120], [-1], 1],
    ['ReduceMean', [3, 5, 7], [1], 0],
    ['ReduceSum', [2, 6, 5], [0, 1], 1],
    ['ReduceMax', [4, 9], undefined, 0],
    ['ReduceMax', [2, 3, 4, 5], [2, 3], 1],
  ];
  cases.forEach(([op, dims, axes, keepdims], i) => {
    it(`${op} over ${axes ?? 'all axes'} of [${dims}] (keepdims ${keepdims}, opset 13)`, async () => {
      const x = rng(500 + i).floatTensor(dims);
      const attributes = { keepdims: a.int(keepdims), ...(axes && op !== 'ReduceSum' ? { axes: a.ints(axes) } : {}) };
      const constants: Record<string, Tensor> =
        op === 'ReduceSum' && axes
          ? { axes: new Tensor('int64', BigInt64Array.from(axes.map(BigInt)), [axes.length]) }
          : {};
      const c = oneNode(op, { x }, constants, op === 'ReduceSum' && axes ? ['x', 'axes'] : ['x'], attributes);
      await expectMatchesReference({ ...c, opset: 13 }, { rtol: 1e-5, atol: 1e-5 });
    });
  });
  it('global mean of an NHWC feature map over H and W (kept dims)', async () => {
    await expectMatchesReference({
      inputs: { x: rng(510).floatTensor([2, 6, 4, 5]) },
      nodes: [
        makeNode('MaxPool', ['x'], ['p'], { kernel_shape: a.ints([1, 1]) }, 'pool'),
        makeNode('ReduceMean', ['p'], ['y'], { axes: a.ints([2, 3]) }, 'mean'),
      ],
      outputs: ['y'],
      opset: 13,
    });
  });
});

describe('LayerNorm pieces and attention', () => {
  it('LayerNorm as exported by Paddle: ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add', async () => {
    const r = rng(520);
    const scalar = (v: number) => new Tensor('float32', [v], []);
    const steps = await expectMatchesReference({
      inputs: { x: r.floatTensor([1, 40, 120]) },
      constants: { two: scalar(2), eps: scalar(1e-5), w: r.floatTensor([120]), b: r.floatTensor([120]) },
      nodes: [
        makeNode('ReduceMean', ['x'], ['m'], { axes: a.ints([-1]) }, 'mean'),
        makeNode('Sub', ['x', 'm'], ['d'], {}, 'sub'),
        makeNode('Pow', ['d', 'two'], ['d2'], {}, 'pow'),
        makeNode('ReduceMean', ['d2'], ['v'], { axes: a.ints([-1]) }, 'var'),
        makeNode('Add', ['v', 'eps'], ['ve'], {}, 'add'),
        makeNode('Sqrt', ['ve'], ['s'], {}, 'sqrt'),
        makeNode('Div', ['d', 's'], ['n'], {}, 'div'),
        makeNode('Mul', ['n', 'w'], ['nw'], {}, 'mul'),
        makeNode('Add', ['nw', 'b'], ['y'], {}, 'shift'),
      ],
      outputs: ['y'],
      opset: 13,
    });
    expect(steps).toEqual([
      'ReduceMean:wasm',
      'Sub:wasm',
      'Pow:wasm',
      'ReduceMean:wasm',
      'Add:wasm',
      'Div:wasm',
      'Mul:wasm',
      'Add:wasm',
    ]);
  });
  it('batched MatMul of runtime tensors, with batch broadcasting and odd sizes', async () => {
    const r = rng(521);
    await expectMatchesReference(
      oneNode('MatMul', { q: r.floatTensor([1, 8, 40, 15]), k: r.floatTensor([1, 8, 15, 40]) }, {}, ['q', 'k']),
    );
    await expectMatchesReference(
      oneNode('MatMul', { q: r.floatTensor([3, 2, 5, 7]), k: r.floatTensor([2, 7, 11]) }, {}, ['q', 'k']),
    );
    await expectMatchesReference(
      oneNode('MatMul', { q: r.floatTensor([9, 3]), k: r.floatTensor([3, 17]) }, {}, ['q', 'k']),
    );
  });
  const unary: [string, number, number][] = [
    ['Sqrt', 0, 9],
    ['Exp', -20, 20],
    ['Abs', -5, 5],
    ['Neg', -5, 5],
  ];
  for (const [op, lo, hi] of unary) {
    it(`${op} runs as a unary kernel`, async () => {
      const x = rng(530).floatTensor([3, 5, 7], lo, hi);
      x.data[0] = Number.NaN;
      expect(await expectMatchesReference(oneNode(op, { x }, {}, ['x']), { rtol: 1e-5, atol: 1e-6 })).toEqual([
        `${op}:wasm`,
      ]);
    });
  }
});

describe('linear and cubic Resize', () => {
  const f32 = (values: number[]) => new Tensor('float32', values, [values.length]);
  const i64 = (values: number[]) => new Tensor('int64', BigInt64Array.from(values.map(BigInt)), [values.length]);
  const cases: [
    string,
    Record<string, ReturnType<typeof a.int>>,
    { scales?: number[]; sizes?: number[] },
    number[],
    number?,
  ][] = [
    ['linear x2, half_pixel', { mode: a.string('linear') }, { scales: [1, 1, 2, 2] }, [1, 5, 4, 6]],
    [
      'linear to sizes, align_corners',
      { mode: a.string('linear'), coordinate_transformation_mode: a.string('align_corners') },
      { sizes: [2, 6, 7, 3] },
      [2, 6, 4, 5],
    ],
    [
      'linear down, asymmetric',
      { mode: a.string('linear'), coordinate_transformation_mode: a.string('asymmetric') },
      { scales: [1, 1, 0.5, 0.75] },
      [1, 9, 8, 8],
    ],
    [
      'cubic x1.5, pytorch_half_pixel',
      { mode: a.string('cubic'), coordinate_transformation_mode: a.string('pytorch_half_pixel') },
      { scales: [1, 1, 1.5, 1.5] },
      [1, 3, 4, 4],
    ],
    [
      'linear down with antialias (opset 18)',
      { mode: a.string('linear'), antialias: a.int(1) },
      { scales: [1, 1, 0.5, 0.5] },
      [1, 4, 8, 8],
      18,
    ],
  ];
  cases.forEach(([label, attributes, { scales, sizes }, dims, opset], i) => {
    it(label, async () => {
      const constants: Record<string, Tensor> = scales ? { scales: f32(scales) } : { sizes: i64(sizes!) };
      const c = oneNode(
        'Resize',
        { x: rng(600 + i).floatTensor(dims) },
        constants,
        scales ? ['x', '', 'scales'] : ['x', '', '', 'sizes'],
        attributes,
      );
      // Resize needs an NHWC input to take the SIMD path: put it behind a 1x1 max pool.
      c.nodes.unshift(makeNode('MaxPool', ['x'], ['p'], { kernel_shape: a.ints([1, 1]) }, 'pool'));
      c.nodes[1] = { ...c.nodes[1], inputs: ['p', ...c.nodes[1].inputs.slice(1)] };
      expect(await expectMatchesReference({ ...c, opset: opset ?? 17 }, { rtol: 1e-5, atol: 1e-5 })).toEqual([
        'MaxPool:wasm',
        'Resize:wasm',
      ]);
    });
  });
});

describe('reductions without axes', () => {
  it('noop_with_empty_axes keeps the tensor (on the host); without it every axis is reduced', async () => {
    const x = rng(540).floatTensor([2, 3, 4]);
    const noop = oneNode('ReduceSum', { x }, {}, ['x'], { noop_with_empty_axes: a.int(1) });
    expect(await expectMatchesReference({ ...noop, opset: 13 }, { host: true })).toEqual(['ReduceSum:host']);
    expect(
      await expectMatchesReference(
        { ...oneNode('ReduceSum', { x }, {}, ['x']), opset: 13 },
        { rtol: 1e-5, atol: 1e-5 },
      ),
    ).toEqual(['ReduceSum:wasm']);
  });
});
