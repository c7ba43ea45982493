/**
 * Convolution on cpu-neon (igemm through indirection, grouped, depthwise, fused epilogues) against the
 * reference over many shapes: odd channel counts, strides, pads, dilations, groups and tails.
 */
import { a, makeNode, Tensor } from '@lastmile/core';
import { describe, expect, it } from 'vitest';
import { CONV_SHAPES, convCase as tableCase } from '@lastmile/testing';
import { expectMatchesReference, graphCaseOf, oneNode, rng } from './harness.js';

/** A 2-D Conv of this file's own tests (the shared table covers the general cases). */
interface ConvShape {
  n?: number;
  c: number;
  m: number;
  h: number;
  w: number;
  k: [number, number];
  stride?: number;
  pad?: [number, number, number, number];
  dilation?: number;
  group?: number;
  bias?: boolean;
  autoPad?: string;
}

function convCase(
  { n = 1, c, m, h, w, k, stride = 1, pad = [0, 0, 0, 0], dilation = 1, group = 1, bias = true, autoPad }: ConvShape,
  seed: number,
) {
  const r = rng(seed);
  const attributes = {
    kernel_shape: a.ints(k),
    strides: a.ints([stride, stride]),
    dilations: a.ints([dilation, dilation]),
    group: a.int(group),
    ...(autoPad ? { auto_pad: a.string(autoPad) } : { pads: a.ints(pad) }),
  };
  const constants: Record<string, Tensor> = { W: r.floatTensor([m, c / group, ...k]) };
  if (bias) constants.B = r.floatTensor([m]);
  return { x: r.floatTensor([n, c, h, w]), constants, attributes, order: bias ? ['x', 'W', 'B'] : ['x', 'W'] };
}

// Shapes the wasm kernels leave to core's reference kernel on the host: other ranks, an empty batch.
const ON_HOST = new Set(['1-D', '1-D dilated', '3-D', 'an empty batch']);

describe('Conv on cpu-neon matches the reference (the shared Conv table)', () => {
  CONV_SHAPES.forEach((shape, i) => {
    it(shape.label, async () => {
      // Winograd (3x3, stride 1, many channels) rounds differently from direct convolution: 1e-4 both ways.
      const c = graphCaseOf(tableCase(shape, 100 + i));
      await expectMatchesReference(c, { host: ON_HOST.has(shape.label), rtol: 1e-4, atol: 1e-4 });
    });
  });

  it('fuses Conv + Add (residual) + Relu, with the residual computed after the Conv', async () => {
    const r = rng(7);
    const x = r.floatTensor([1, 6, 5, 5]);
    const constants = { W: r.floatTensor([10, 6, 3, 3]), B: r.floatTensor([10]), W2: r.floatTensor([10, 6, 1, 1]) };
    const pads = a.ints([1, 1, 1, 1]);
    const steps = await expectMatchesReference({
      inputs: { x },
      constants,
      nodes: [
        makeNode('Conv', ['x', 'W', 'B'], ['c'], { pads }, 'conv'),
        makeNode('Conv', ['x', 'W2'], ['r'], {}, 'shortcut'),
        makeNode('Add', ['r', 'c'], ['s'], {}, 'add'),
        makeNode('Relu', ['s'], ['y'], {}, 'relu'),
      ],
      outputs: ['y'],
    });
    expect(steps).toEqual(['Conv:wasm', 'Conv:wasm']);
  });

  it('folds per-channel Mul/Add after a Conv and fuses HardSwish written out (Paddle style)', async () => {
    const r = rng(8);
    const x = r.floatTensor([1, 5, 6, 6], -3, 3);
    const scalar = (v: number) => new Tensor('float32', [v], []);
    const steps = await expectMatchesReference({
      inputs: { x },
      constants: {
        W: r.floatTensor([9, 5, 3, 3]),
        B: r.floatTensor([9]),
        s: r.floatTensor([9, 1, 1]),
        t: scalar(0.5),
        three: scalar(3),
        zero: scalar(0),
        six: scalar(6),
      },
      nodes: [
        makeNode('Conv', ['x', 'W', 'B'], ['c'], { pads: a.ints([1, 1, 1, 1]) }, 'conv'),
        makeNode('Mul', ['s', 'c'], ['m'], {}, 'scale'),
        makeNode('Add', ['m', 't'], ['h'], {}, 'shift'),
        makeNode('Add', ['h', 'three'], ['h3'], {}, 'hs_add'),
        makeNode('Clip', ['h3', 'zero', 'six'], ['hc'], {}, 'hs_clip'),
        makeNode('Mul', ['h', 'hc'], ['hm'], {}, 'hs_mul'),
        makeNode('Div', ['hm', 'six'], ['y'], {}, 'hs_div'),
      ],
      outputs: ['y'],
    });
    expect(steps).toEqual(['Conv:wasm']);
  });

  for (const [activation, params] of [
    ['Relu', []],
    ['Clip', [0, 6]],
    ['LeakyRelu', [0.1]],
    ['HardSigmoid', [0.2, 0.5]],
    ['HardSwish', []],
    ['Sigmoid', []],
    ['Tanh', []],
  ] as [string, number[]][]) {
    it(`runs FusedConv with ${activation}`, async () => {
      const { x, constants, attributes, order } = convCase(
        { c: 7, m: 11, h: 5, w: 6, k: [3, 3], pad: [1, 1, 1, 1] },
        9,
      );
      const fused = {
        ...attributes,
        activation: a.string(activation),
        ...(params.length ? { activation_params: a.floats(params) } : {}),
      };
      await expectMatchesReference(oneNode('FusedConv', { x }, constants, order, fused, 'lastmile'));
    });
  }
});

describe('3x3 stride-1 convolutions through Winograd match the reference', () => {
  const winograd: ConvShape[] = [
    // F(2x2): small maps, odd sizes (edge tiles), channel tails on both sides.
    { c: 8, m: 8, h: 4, w: 4, k: [3, 3], pad: [1, 1, 1, 1] },
    { c: 13, m: 10, h: 7, w: 5, k: [3, 3], pad: [1, 1, 1, 1] },
    { c: 9, m: 17, h: 3, w: 3, k: [3, 3] },
    // F(4x4): maps of 8 and more, no padding, asymmetric padding, two images.
    { c: 16, m: 24, h: 8, w: 8, k: [3, 3], pad: [1, 1, 1, 1] },
    { c: 11, m: 9, h: 13, w: 10, k: [3, 3] },
    { n: 2, c: 20, m: 12, h: 12, w: 9, k: [3, 3], pad: [0, 1, 2, 1] },
    { c: 32, m: 40, h: 17, w: 19, k: [3, 3], pad: [1, 1, 1, 1], bias: false },
  ];
  winograd.forEach((shape, i) => {
    it(`${JSON.stringify(shape)}`, async () => {
      const { x, constants, attributes, order } = convCase(shape, 300 + i);
      const steps = await expectMatchesReference(oneNode('Conv', { x }, constants, order, attributes), {
        rtol: 1e-4,
        atol: 1e-4,
      });
      expect(steps).toEqual(['WinogradConv:wasm']);
    });
  });

  it('fuses the residual Add and Relu into the output transform', async () => {
    const r = rng(310);
    const x = r.floatTensor([1, 12, 10, 11]);
    const steps = await expectMatchesReference(
      {
        inputs: { x },
        constants: { W: r.floatTensor([12, 12, 3, 3]), B: r.floatTensor([12]) },
        nodes: [
          makeNode('Conv', ['x', 'W', 'B'], ['c'], { pads: a.ints([1, 1, 1, 1]) }, 'conv'),
          makeNode('Add', ['c', 'x'], ['s'], {}, 'add'),
          makeNode('Relu', ['s'], ['y'], {}, 'relu'),
        ],
        outputs: ['y'],
      },
      { rtol: 1e-4, atol: 1e-4 },
    );
    expect(steps).toEqual(['WinogradConv:wasm']);
  });

  /** `t` with NaN, +Inf and -Inf planted at three scattered elements. */
  const planted = (t: Tensor): Tensor => {
    const data = Float32Array.from(t.data as Float32Array);
    [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY].forEach((v, i) => {
      data[Math.floor(((i * 2 + 1) * data.length) / 7)] = v;
    });
    return new Tensor('float32', data, t.dims);
  };

  it('makes non-finite exactly the outputs whose window reads a NaN or Inf, as direct convolution does (issue 13)', async () => {
    for (const arch of [undefined, 'arm64']) {
      for (const [shape, seed] of [
        [{ c: 16, m: 24, h: 12, w: 12, k: [3, 3], pad: [1, 1, 1, 1] }, 330], // F(4x4)
        [{ c: 8, m: 8, h: 4, w: 5, k: [3, 3], pad: [1, 1, 1, 1] }, 331], // F(2x2)
      ] as [ConvShape, number][]) {
        const { x, constants, attributes, order } = convCase(shape, seed);
        const c = oneNode('Conv', { x: planted(x) }, constants, order, attributes);
        expect(await expectMatchesReference(c, { arch, rtol: 1e-4, atol: 1e-4 })).toEqual(['WinogradConv:wasm']);
      }
      // The repair runs the fused epilogue (residual, Relu) and writes at the Concat's row pitch.
      const r = rng(332);
      const x = planted(r.floatTensor([1, 12, 10, 11]));
      const nodes = [
        makeNode('Conv', ['x', 'W', 'B'], ['c'], { pads: a.ints([1, 1, 1, 1]) }, 'conv'),
        makeNode('Add', ['c', 'x'], ['s'], {}, 'add'),
        makeNode('Relu', ['s'], ['y'], {}, 'relu'),
        makeNode('Conv', ['x', 'W', 'B'], ['d'], { pads: a.ints([1, 1, 1, 1]) }, 'conv2'),
        makeNode('Concat', ['d', 'x'], ['z'], { axis: a.int(1) }, 'concat'),
      ];
      const constants = { W: r.floatTensor([12, 12, 3, 3]), B: r.floatTensor([12]) };
      const steps = await expectMatchesReference(
        { inputs: { x }, constants, nodes, outputs: ['y', 'z'] },
        { arch, rtol: 1e-4, atol: 1e-4 },
      );
      expect(steps.filter((s) => s.startsWith('WinogradConv'))).toHaveLength(2);
    }
  });

  it('leaves strided, dilated, grouped and few-channel 3x3 convolutions to the direct kernel', async () => {
    for (const shape of [
      { c: 16, m: 16, h: 8, w: 8, k: [3, 3], stride: 2 },
      { c: 16, m: 16, h: 9, w: 9, k: [3, 3], dilation: 2 },
      { c: 16, m: 16, h: 8, w: 8, k: [3, 3], group: 2 },
      { c: 3, m: 16, h: 8, w: 8, k: [3, 3] },
    ] as ConvShape[]) {
      const { x, constants, attributes, order } = convCase(shape, 320);
      expect(await expectMatchesReference(oneNode('Conv', { x }, constants, order, attributes))).toEqual(['Conv:wasm']);
    }
  });
});

describe('the arm64 tile (6x8 with FMA, 5x8 without) runs every igemm path', () => {
  const arm = { arch: 'arm64' };
  it('direct, grouped, Winograd and fused-residual convolutions', async () => {
    const table = ['3x3 stride 2 pad 1, odd sizes', 'asymmetric pads, 17 channels', 'grouped'];
    for (const [i, shape] of CONV_SHAPES.filter((s) => table.includes(s.label)).entries()) {
      const c = graphCaseOf(tableCase(shape, 400 + i));
      await expectMatchesReference(c, { ...arm, rtol: 1e-4, atol: 1e-4 });
    }
    const cases: ConvShape[] = [
      { c: 16, m: 20, h: 9, w: 13, k: [3, 3], pad: [1, 1, 1, 1] },
      { c: 12, m: 10, h: 4, w: 5, k: [3, 3] },
    ];
    for (const [i, shape] of cases.entries()) {
      const { x, constants, attributes, order } = convCase(shape, 410 + i);
      await expectMatchesReference(oneNode('Conv', { x }, constants, order, attributes), {
        ...arm,
        rtol: 1e-4,
        atol: 1e-4,
      });
    }
  });

  it('Gemm, MatMul of two runtime tensors and ConvTranspose', async () => {
    const r = rng(410);
    await expectMatchesReference(
      oneNode(
        'Gemm',
        { a: r.floatTensor([13, 9]) },
        { b: r.floatTensor([9, 11]), c: r.floatTensor([11]) },
        ['a', 'b', 'c'],
        {},
      ),
      arm,
    );
    await expectMatchesReference(
      {
        inputs: { a: r.floatTensor([2, 7, 5]), b: r.floatTensor([2, 5, 9]) },
        nodes: [makeNode('MatMul', ['a', 'b'], ['y'], {}, 'mm')],
        outputs: ['y'],
      },
      arm,
    );
    await expectMatchesReference(
      oneNode('ConvTranspose', { x: r.floatTensor([1, 6, 5, 7]) }, { W: r.floatTensor([6, 4, 2, 2]) }, ['x', 'W'], {
        strides: a.ints([2, 2]),
      }),
      arm,
    );
    // A one-channel head (its KW taps share a GEMM tile) and a 3x2 kernel with 3 channels and a bias.
    await expectMatchesReference(
      oneNode('ConvTranspose', { x: r.floatTensor([2, 10, 3, 9]) }, { W: r.floatTensor([10, 1, 2, 2]) }, ['x', 'W'], {
        strides: a.ints([2, 2]),
      }),
      arm,
    );
    const w32 = { W: r.floatTensor([5, 3, 3, 2]), B: r.floatTensor([3]) };
    await expectMatchesReference(
      oneNode('ConvTranspose', { x: r.floatTensor([1, 5, 4, 6]) }, w32, ['x', 'W', 'B'], { strides: a.ints([3, 2]) }),
      arm,
    );
  });
});
