import { SeededRandom } from '@lastmile/core';
import { describe, expect, it } from 'vitest';
import { pooling } from '../caffe-reference.js';
import { checkNet, randomInput } from '../support.js';

describe("Pooling with Caffe's output size", () => {
  // Fixed-seed sweep over sizes, kernels, strides and pads; each case is checked against a port of
  // pooling_layer.cpp, by both the interpreter and onnxruntime.
  const rng = new SeededRandom(51);
  const cases: {
    h: number;
    w: number;
    k: [number, number];
    s: [number, number];
    p: [number, number];
    method: 'MAX' | 'AVE';
    ceil: boolean;
  }[] = [];
  // Hand-picked: ceiling adds a window on top of Caffe's padding (Pad + AveragePool not counting the extra).
  cases.push(
    { h: 6, w: 7, k: [3, 3], s: [2, 2], p: [1, 1], method: 'AVE', ceil: true },
    { h: 8, w: 5, k: [3, 2], s: [3, 2], p: [1, 1], method: 'AVE', ceil: true },
    { h: 6, w: 7, k: [3, 3], s: [2, 2], p: [1, 1], method: 'MAX', ceil: true },
  );
  while (cases.length < 50) {
    const k: [number, number] = [rng.int(1, 4), rng.int(1, 4)];
    const s: [number, number] = [rng.int(1, 3), rng.int(1, 3)];
    const p: [number, number] = [rng.int(0, k[0] - 1), rng.int(0, k[1] - 1)];
    const h = rng.int(k[0], 9);
    const w = rng.int(k[1], 9);
    // Skip shapes where Caffe places a window wholly outside the input (refused, tested below).
    const outside = [0, 1].some((i) => {
      const size = [h, w][i];
      let pooled = Math.ceil((size + 2 * p[i] - k[i]) / s[i]) + 1;
      if (p[i] > 0 && (pooled - 1) * s[i] >= size + p[i]) pooled--;
      return (pooled - 1) * s[i] >= size + p[i];
    });
    if (outside) continue;
    cases.push({ h, w, k, s, p, method: rng.next() < 0.5 ? 'MAX' : 'AVE', ceil: rng.next() < 0.8 });
  }

  it.each(cases)('$method h=$h w=$w kernel=$k stride=$s pad=$p ceil=$ceil', async ({ h, w, k, s, p, method, ceil }) => {
    const dims = [1, 2, h, w];
    const x = randomInput(h * 100 + w, dims);
    const proto = `layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 2 dim: ${h} dim: ${w} } } }
layer { name: "pool" type: "Pooling" bottom: "data" top: "pool" pooling_param { pool: ${method} kernel_h: ${k[0]} kernel_w: ${k[1]} stride_h: ${s[0]} stride_w: ${s[1]} pad_h: ${p[0]} pad_w: ${p[1]} ${ceil ? '' : 'round_mode: FLOOR'} } }`;
    await checkNet(
      proto,
      undefined,
      { data: x },
      { pool: pooling(x.data, dims, method, { kernel: k, pad: p, stride: s }, ceil) },
    );
  });

  it('the sweep covers average pooling where ceiling adds windows on top of Caffe padding', () => {
    const extra = (size: number, k: number, s: number, p: number) =>
      Math.ceil((size + 2 * p - k) / s) * s + k - size - 2 * p > 0 ? 1 : 0;
    const covered = cases.filter(
      (c) => c.method === 'AVE' && c.ceil && c.p[0] > 0 && extra(c.h, c.k[0], c.s[0], c.p[0]),
    );
    expect(covered.length).toBeGreaterThan(1);
  });

  it('the classic case: 3x3/2 on 6x6 gives 3x3 in Caffe (ONNX floor would give 2x2)', async () => {
    const dims = [1, 1, 6, 6];
    const x = randomInput(52, dims);
    const proto = `layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 1 dim: 6 dim: 6 } } }
layer { name: "pool" type: "Pooling" bottom: "data" top: "pool" pooling_param { pool: MAX kernel_size: 3 stride: 2 } }`;
    const model = await checkNet(
      proto,
      undefined,
      { data: x },
      { pool: pooling(x.data, dims, 'MAX', { kernel: [3, 3], pad: [0, 0], stride: [2, 2] }) },
    );
    expect(model.graph.outputs[0].shape).toEqual([1, 1, 3, 3]);
  });

  it('global pooling (MAX and AVE)', async () => {
    const dims = [2, 3, 4, 5];
    const x = randomInput(53, dims);
    const proto = (
      m: string,
    ) => `layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 2 dim: 3 dim: 4 dim: 5 } } }
layer { name: "pool" type: "Pooling" bottom: "data" top: "pool" pooling_param { pool: ${m} global_pooling: true } }`;
    await checkNet(
      proto('MAX'),
      undefined,
      { data: x },
      { pool: pooling(x.data, dims, 'MAX', { kernel: [4, 5], pad: [0, 0], stride: [1, 1] }) },
    );
    await checkNet(
      proto('AVE'),
      undefined,
      { data: x },
      { pool: pooling(x.data, dims, 'AVE', { kernel: [4, 5], pad: [0, 0], stride: [1, 1] }) },
    );
  });
});
