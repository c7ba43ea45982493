/**
 * Pooling, elementwise (with broadcasting in NHWC), activations, Gemm/MatMul, Concat, reshapes and the
 * host fallback on cpu-neon, each against the reference on seeded random inputs.
 */
import { a, makeNode, Tensor } from '@lastmile/core';
import { describe, expect, it } from 'vitest';
import { expectMatchesReference, oneNode, rng } from './harness.js';

describe('pools', () => {
  const cases: [string, Record<string, ReturnType<typeof a.int>>, number[]][] = [
    ['MaxPool', { kernel_shape: a.ints([3, 3]), strides: a.ints([2, 2]), pads: a.ints([1, 1, 1, 1]) }, [1, 6, 9, 9]],
    ['MaxPool', { kernel_shape: a.ints([3, 3]), strides: a.ints([2, 2]), ceil_mode: a.int(1) }, [2, 5, 8, 7]],
    ['MaxPool', { kernel_shape: a.ints([2, 3]), dilations: a.ints([2, 1]), pads: a.ints([1, 0, 1, 2]) }, [1, 9, 6, 7]],
    ['AveragePool', { kernel_shape: a.ints([3, 3]), strides: a.ints([1, 1]), pads: a.ints([1, 1, 1, 1]) }, [1, 7, 5, 6]],
    ['AveragePool', { kernel_shape: a.ints([3, 3]), pads: a.ints([1, 1, 1, 1]), count_include_pad: a.int(1) }, [1, 7, 5, 6]],
    ['AveragePool', { kernel_shape: a.ints([2, 2]), strides: a.ints([2, 2]), ceil_mode: a.int(1) }, [1, 13, 5, 5]],
    ['GlobalAveragePool', {}, [2, 13, 5, 3]],
    ['GlobalMaxPool', {}, [1, 6, 4, 4]],
  ];
  cases.forEach(([op, attributes, dims], i) => {
    it(`${op} ${JSON.stringify(Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, v.value])))} on ${dims.join('x')}`, async () => {
      await expectMatchesReference(oneNode(op, { x: rng(200 + i).floatTensor(dims) }, {}, ['x'], attributes));
    });
  });
});

describe('elementwise', () => {
  const shapes: [number[], number[]][] = [
    [[1, 5, 3, 7], [1, 5, 3, 7]],
    [[2, 6, 4, 5], [6, 1, 1]],
    [[1, 6, 4, 5], [1, 6, 1, 1]],
    [[2, 3, 4, 5], []],
    [[1, 7, 3, 3], [1, 1, 3, 3]],
    [[2, 9], [9]],
    [[3, 4, 5], [3, 1, 5]],
    [[1, 1, 1, 1], [1, 4, 2, 3]],
    [[2, 3, 1, 5], [1, 1, 4, 1]],
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
    await expectMatchesReference(oneNode('Clip', { x: rng(12).floatTensor([3, 11], -9, 9) }, { lo: scalar(-1), hi: scalar(6) }, ['x', 'lo', 'hi']));
  });
});

describe('Gemm and MatMul by constants', () => {
  it('Gemm with transB, alpha, beta and a row bias', async () => {
    const r = rng(13);
    const attributes = { transB: a.int(1), alpha: a.float(0.5), beta: a.float(2) };
    await expectMatchesReference(oneNode('Gemm', { x: r.floatTensor([3, 37]) }, { W: r.floatTensor([19, 37]), C: r.floatTensor([19]) }, ['x', 'W', 'C'], attributes));
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
    await expectMatchesReference(oneNode('MatMul', { x: r.floatTensor([2, 7, 12]) }, { W: r.floatTensor([12, 10]) }, ['x', 'W']));
  });
});

describe('data movement', () => {
  it('Concat along channels (NHWC), with a constant part', async () => {
    const r = rng(16);
    const steps = await expectMatchesReference(
      oneNode('Concat', { x: r.floatTensor([2, 3, 4, 5]), b: r.floatTensor([2, 6, 4, 5]) }, { z: r.floatTensor([2, 1, 4, 5]) }, ['x', 'z', 'b'], { axis: a.int(1) }),
    );
    expect(steps).toEqual(['Concat:wasm']);
  });
  it('Concat along width and of rank 3', async () => {
    const r = rng(17);
    await expectMatchesReference(oneNode('Concat', { x: r.floatTensor([1, 3, 4, 5]), b: r.floatTensor([1, 3, 4, 2]) }, {}, ['x', 'b'], { axis: a.int(-1) }));
    await expectMatchesReference(oneNode('Concat', { x: r.floatTensor([2, 3, 5]), b: r.floatTensor([2, 1, 5]) }, {}, ['x', 'b'], { axis: a.int(1) }));
  });
  it('Flatten after a global pool is an alias; Flatten of a feature map converts on the host', async () => {
    const r = rng(18);
    const pooled = await expectMatchesReference({
      inputs: { x: r.floatTensor([1, 6, 3, 3]) },
      nodes: [makeNode('GlobalAveragePool', ['x'], ['p'], {}, 'gap'), makeNode('Flatten', ['p'], ['y'], {}, 'flatten')],
      outputs: ['y'],
    });
    expect(pooled).toEqual(['GlobalAveragePool:wasm', 'Flatten:alias']);
    const map = await expectMatchesReference(oneNode('Flatten', { x: r.floatTensor([2, 3, 2, 2]) }, {}, ['x']), { host: true });
    expect(map).toEqual(['Flatten:host']);
  });
});

describe('the host fallback', () => {
  it('runs ops without a SIMD kernel (Transpose, Softmax, linear Resize) with layouts converted around them', async () => {
    const r = rng(19);
    const steps = await expectMatchesReference(
      {
        inputs: { x: r.floatTensor([1, 4, 3, 5]) },
        constants: { scales: new Tensor('float32', [1, 1, 2, 2], [4]) },
        nodes: [
          makeNode('Transpose', ['x'], ['t'], { perm: a.ints([0, 2, 3, 1]) }, 'transpose'),
          makeNode('Softmax', ['t'], ['s'], { axis: a.int(-1) }, 'softmax'),
          makeNode('Transpose', ['s'], ['u'], { perm: a.ints([0, 3, 1, 2]) }, 'back'),
          makeNode('Resize', ['u', '', 'scales'], ['y'], { mode: a.string('linear') }, 'resize'),
        ],
        outputs: ['y'],
      },
      { host: true },
    );
    expect(steps.every((s) => s.endsWith(':host'))).toBe(true);
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
        makeNode('BatchNormalization', ['tb', 'gamma', 'beta', 'mean', 'variance'], ['n'], { epsilon: a.float(1e-5) }, 'bn'),
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
        oneNode('Resize', { x: rng(21).floatTensor([2, 5, 4, 6]) }, { scales: new Tensor('float32', scales, [4]) }, ['x', '', 'scales'], {
          mode: a.string('nearest'),
          coordinate_transformation_mode: a.string(coordinates),
          nearest_mode: a.string(nearest),
        }),
      );
      expect(steps).toEqual(['Resize:wasm']);
    });
  }
  it('nearest Resize to given sizes', async () => {
    const sizes = new Tensor('int64', [2n, 3n, 7n, 3n], [4]);
    await expectMatchesReference(oneNode('Resize', { x: rng(22).floatTensor([2, 3, 4, 6]) }, { sizes }, ['x', '', '', 'sizes'], { mode: a.string('nearest') }));
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
      const steps = await expectMatchesReference({ ...oneNode('Softmax', { x }, {}, ['x'], { axis: a.int(axis) }), opset });
      expect(steps).toEqual(['Softmax:wasm']);
    });
  }
});
