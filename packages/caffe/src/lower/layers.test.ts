import { SeededRandom, Tensor } from '@lastmile/core';
import { describe, expect, it } from 'vitest';
import { batchNorm, convolution, deconvolution, innerProduct, lrnAcrossChannels } from '../caffe-reference.js';
import { checkNet, randomBlob, randomInput } from '../support.js';

/** A prototxt with one Input layer `data` of `dims` followed by `layers`. */
const net = (dims: number[], layers: string, extraInputs = '') =>
  `name: "t"\nlayer { name: "data" type: "Input" top: "data" ${extraInputs} input_param { shape { ${dims.map((d) => `dim: ${d}`).join(' ')} } } }\n${layers}`;

const map = (x: ArrayLike<number>, f: (v: number, i: number) => number) => Float64Array.from(x, f);

describe('Convolution and Deconvolution', () => {
  it.each([
    ['3x3 pad 1 stride 1', 'kernel_size: 3 pad: 1', { kernel: [3, 3], pad: [1, 1], stride: [1, 1] }, 1, true],
    [
      'kernel_h/w, pad_h/w, stride_h/w',
      'kernel_h: 3 kernel_w: 2 pad_h: 1 pad_w: 0 stride_h: 2 stride_w: 1',
      { kernel: [3, 2], pad: [1, 0], stride: [2, 1] },
      1,
      true,
    ],
    [
      'dilation 2, no bias',
      'kernel_size: 3 dilation: 2 pad: 2 bias_term: false',
      { kernel: [3, 3], pad: [2, 2], stride: [1, 1], dilation: [2, 2] },
      1,
      false,
    ],
    [
      'group 2 (per-axis lists)',
      'kernel_size: 3 kernel_size: 1 stride: 1 stride: 2 group: 2',
      { kernel: [3, 1], pad: [0, 0], stride: [1, 2], group: 2 },
      2,
      true,
    ],
  ] as const)('%s', async (_, param, g, group, bias) => {
    const rng = new SeededRandom(11);
    const dims = [2, 4, 7, 6];
    const m = 6;
    const w = randomBlob(rng, [m, 4 / group, g.kernel[0], g.kernel[1]]);
    const b = randomBlob(rng, [m]);
    const x = randomInput(12, dims);
    const expected = convolution(x.data, dims, w.data, bias ? b.data : undefined, m, {
      ...g,
      kernel: [...g.kernel],
      pad: [...g.pad],
      stride: [...g.stride],
      dilation: 'dilation' in g ? [...g.dilation] : undefined,
      group,
    });
    const proto = net(
      dims,
      `layer { name: "conv" type: "Convolution" bottom: "data" top: "conv" convolution_param { num_output: ${m} ${param} } }`,
    );
    await checkNet(proto, { conv: bias ? [w, b] : [w] }, { data: x }, { conv: expected });
  });

  it('Deconvolution with stride, pad and groups', async () => {
    const rng = new SeededRandom(13);
    const dims = [1, 4, 5, 4];
    const w = randomBlob(rng, [4, 3, 3, 3]); // C_in x num_output/group x kh x kw
    const b = randomBlob(rng, [6]);
    const x = randomInput(14, dims);
    const expected = deconvolution(x.data, dims, w.data, b.data, 6, {
      kernel: [3, 3],
      pad: [1, 1],
      stride: [2, 2],
      group: 2,
    });
    const proto = net(
      dims,
      'layer { name: "up" type: "Deconvolution" bottom: "data" top: "up" convolution_param { num_output: 6 kernel_size: 3 stride: 2 pad: 1 group: 2 } }',
    );
    await checkNet(proto, { up: [w, b] }, { data: x }, { up: expected });
  });
});

describe('InnerProduct', () => {
  it.each([
    ['axis 1 on a 4-D blob', [2, 3, 2, 2], 1, false],
    ['axis 2 keeps the leading axes', [2, 3, 4], 2, false],
    ['transpose: the weights are K x N', [3, 5], 1, true],
  ] as const)('%s', async (_, dims, axis, transpose) => {
    const rng = new SeededRandom(21);
    const k = dims.slice(axis).reduce((p, d) => p * d, 1);
    const w = randomBlob(rng, transpose ? [k, 4] : [4, k]);
    const b = randomBlob(rng, [4]);
    const x = randomInput(22, [...dims]);
    const expected = innerProduct(x.data, [...dims], axis, w.data, b.data, 4, transpose);
    const proto = net(
      [...dims],
      `layer { name: "fc" type: "InnerProduct" bottom: "data" top: "fc" inner_product_param { num_output: 4 axis: ${axis} transpose: ${transpose} } }`,
    );
    await checkNet(proto, { fc: [w, b] }, { data: x }, { fc: expected });
  });

  it('accepts legacy 4-D blobs (num, channels, height, width) as Caffe does', async () => {
    const rng = new SeededRandom(23);
    const w = randomBlob(rng, [3, 6]);
    const b = randomBlob(rng, [3]);
    const x = randomInput(24, [2, 6]);
    const proto = net(
      [2, 6],
      'layer { name: "fc" type: "InnerProduct" bottom: "data" top: "fc" inner_product_param { num_output: 3 } }',
    );
    const { caffemodelBytes } = await import('../support.js');
    const { caffe } = await import('../generated/caffe.js');
    const { decodeCaffe } = await import('../load.js');
    const legacy = caffe.NetParameter.encode({
      layer: [
        {
          name: 'fc',
          blobs: [
            { num: 1, channels: 1, height: 3, width: 6, data: Array.from(w.data) },
            { num: 1, channels: 1, height: 1, width: 3, data: Array.from(b.data) },
          ],
        },
      ],
    }).finish();
    const model = decodeCaffe({ prototxt: proto, caffemodel: legacy });
    const modern = decodeCaffe({ prototxt: proto, caffemodel: caffemodelBytes({ fc: [w, b] }) });
    expect(model.graph.initializers.get('fc.weight')?.data).toEqual(modern.graph.initializers.get('fc.weight')?.data);
    await checkNet(proto, { fc: [w, b] }, { data: x }, { fc: innerProduct(x.data, [2, 6], 1, w.data, b.data, 3) });
  });
});

describe('activations and element-wise layers', () => {
  const dims = [2, 3, 2, 2];
  const x = randomInput(31, dims, -3, 8);
  const one = (type: string, param = '') =>
    net(dims, `layer { name: "act" type: "${type}" bottom: "data" top: "out" ${param} }`);

  it.each([
    ['ReLU', '', (v: number) => Math.max(v, 0)],
    ['ReLU', 'relu_param { negative_slope: 0.1 }', (v: number) => (v > 0 ? v : Math.fround(0.1) * v)],
    ['Sigmoid', '', (v: number) => 1 / (1 + Math.exp(-v))],
    ['TanH', '', Math.tanh],
    ['AbsVal', '', Math.abs],
    ['ReLU6', '', (v: number) => Math.min(Math.max(v, 0), 6)],
    ['Clip', 'clip_param { min: -1 max: 2.5 }', (v: number) => Math.min(Math.max(v, -1), 2.5)],
    ['Dropout', 'dropout_param { dropout_ratio: 0.3 }', (v: number) => v],
    ['Power', 'power_param { power: 2 scale: 0.5 shift: 4 }', (v: number) => (4 + 0.5 * v) ** 2],
    ['Power', '', (v: number) => v],
  ] as const)('%s %s', async (type, param, f) => {
    await checkNet(one(type, param), undefined, { data: x }, { out: { dims, data: map(x.data, f) } });
  });

  it('PReLU, per channel and channel_shared', async () => {
    const slopes = { dims: [3], data: [0.1, -0.5, 2] };
    await checkNet(
      one('PReLU'),
      { act: [slopes] },
      { data: x },
      { out: { dims, data: map(x.data, (v, i) => (v > 0 ? v : Math.fround(slopes.data[Math.floor(i / 4) % 3]) * v)) } },
    );
    await checkNet(
      one('PReLU', 'prelu_param { channel_shared: true }'),
      { act: [{ dims: [1], data: [0.25] }] },
      { data: x },
      { out: { dims, data: map(x.data, (v) => (v > 0 ? v : 0.25 * v)) } },
    );
  });

  it('Eltwise SUM with coefficients, PROD and MAX (Caffe keeps the first on ties and NaN)', async () => {
    const d = [1, 2, 2, 2];
    const a = new Tensor('float32', [1, -2, 3, Number.NaN, 5, 0, -7, 8], d);
    const b = new Tensor('float32', [2, -3, 3, 1, Number.NaN, -0, 7, -8], d);
    const c = new Tensor('float32', [0, 9, 0, 9, 0, 9, 0, 9], d);
    const proto = (op: string) =>
      `layer { name: "in" type: "Input" top: "a" top: "b" top: "c" input_param { shape { dim: 1 dim: 2 dim: 2 dim: 2 } } }\n` +
      `layer { name: "e" type: "Eltwise" bottom: "a" bottom: "b" bottom: "c" top: "e" eltwise_param { ${op} } }`;
    const feeds = { a, b, c };
    const sum = map(a.data, (v, i) => 0.5 * v - 2 * b.data[i] + c.data[i]);
    await checkNet(proto('operation: SUM coeff: 0.5 coeff: -2 coeff: 1'), undefined, feeds, {
      e: { dims: d, data: sum },
    });
    await checkNet(proto('operation: PROD'), undefined, feeds, {
      e: { dims: d, data: map(a.data, (v, i) => v * b.data[i] * c.data[i]) },
    });
    const max = map(a.data, (v, i) => {
      // biome-ignore lint/complexity/useMathMinMax: Caffe's comparison, which Math.max is not for NaN
      const first = v > b.data[i] ? v : b.data[i];
      // biome-ignore lint/complexity/useMathMinMax: as above
      return c.data[i] > first ? c.data[i] : first;
    });
    await checkNet(proto('operation: MAX'), undefined, feeds, { e: { dims: d, data: max } });
  });
});

describe('normalization', () => {
  it('BatchNorm + Scale fold into one BatchNormalization, with Caffe’s moving-average factor', async () => {
    const rng = new SeededRandom(41);
    const dims = [2, 3, 3, 2];
    const mean = randomBlob(rng, [3]);
    const variance = randomBlob(rng, [3], 0.5, 3);
    const gamma = randomBlob(rng, [3]);
    const beta = randomBlob(rng, [3]);
    const x = randomInput(42, dims);
    const normalized = batchNorm(x.data, dims, mean.data, variance.data, 0.5, 1e-3);
    const expected = map(
      normalized,
      (v, i) => v * gamma.data[Math.floor(i / 6) % 3] + beta.data[Math.floor(i / 6) % 3],
    );
    const proto = net(
      dims,
      `
layer { name: "bn" type: "BatchNorm" bottom: "data" top: "bn" batch_norm_param { use_global_stats: true eps: 0.001 } }
layer { name: "scale" type: "Scale" bottom: "bn" top: "bn" scale_param { bias_term: true } }`,
    );
    const model = await checkNet(
      proto,
      { bn: [mean, variance, { dims: [1], data: [0.5] }], scale: [gamma, beta] },
      { data: x },
      { bn: { dims, data: expected } },
      { rtol: 1e-4, atol: 1e-4 },
    );
    expect(model.graph.nodes.map((n) => n.opType)).toEqual(['BatchNormalization']);
  });

  it('BatchNorm whose output is also read elsewhere keeps Scale as Mul + Add', async () => {
    const rng = new SeededRandom(43);
    const dims = [1, 2, 2, 2];
    const mean = randomBlob(rng, [2]);
    const variance = randomBlob(rng, [2], 0.5, 2);
    const gamma = randomBlob(rng, [2]);
    const beta = randomBlob(rng, [2]);
    const x = randomInput(44, dims);
    const bn = batchNorm(x.data, dims, mean.data, variance.data, 1, 1e-5);
    const scaled = map(bn, (v, i) => v * gamma.data[Math.floor(i / 4) % 2] + beta.data[Math.floor(i / 4) % 2]);
    const proto = net(
      dims,
      `
layer { name: "bn" type: "BatchNorm" bottom: "data" top: "bn" }
layer { name: "scale" type: "Scale" bottom: "bn" top: "scaled" scale_param { bias_term: true } }
layer { name: "sum" type: "Eltwise" bottom: "bn" bottom: "scaled" top: "sum" }`,
    );
    const model = await checkNet(
      proto,
      { bn: [mean, variance, { dims: [1], data: [1] }], scale: [gamma, beta] },
      { data: x },
      { sum: { dims, data: map(bn, (v, i) => v + scaled[i]) } },
      { atol: 1e-4 },
    );
    expect(model.graph.nodes.map((n) => n.opType)).toEqual(['BatchNormalization', 'Mul', 'Add', 'Add']);
  });

  it('Scale without bias over axes 1..2, Scale by a second bottom, and Bias', async () => {
    const dims = [2, 3, 2, 2];
    const x = randomInput(45, dims);
    const s = { dims: [3, 2], data: [1, 2, 3, 4, 5, 6] };
    const proto = net(
      dims,
      `
layer { name: "scale" type: "Scale" bottom: "data" top: "scaled" scale_param { axis: 1 num_axes: 2 } }
layer { name: "bias" type: "Bias" bottom: "scaled" top: "biased" bias_param { axis: -3 num_axes: 1 } }`,
    );
    const bias = { dims: [3], data: [10, 20, 30] };
    const expected = map(x.data, (v, i) => v * s.data[Math.floor(i / 2) % 6] + bias.data[Math.floor(i / 4) % 3]);
    await checkNet(proto, { scale: [s], bias: [bias] }, { data: x }, { biased: { dims, data: expected } });

    const two = `layer { name: "in" type: "Input" top: "x" top: "s" input_param { shape { dim: 2 dim: 3 dim: 2 dim: 2 } shape { dim: 2 dim: 3 } } }
layer { name: "scale" type: "Scale" bottom: "x" bottom: "s" top: "y" scale_param { axis: 0 bias_term: true } }`;
    const sv = randomInput(46, [2, 3]);
    const b2 = { dims: [2, 3], data: [1, 2, 3, 4, 5, 6] };
    await checkNet(
      two,
      { scale: [b2] },
      { x, s: sv },
      { y: { dims, data: map(x.data, (v, i) => v * sv.data[Math.floor(i / 4)] + b2.data[Math.floor(i / 4)]) } },
    );
  });

  it('LRN across channels', async () => {
    const dims = [1, 5, 2, 3];
    const x = randomInput(47, dims, -2, 2);
    const proto = net(
      dims,
      'layer { name: "norm" type: "LRN" bottom: "data" top: "norm" lrn_param { local_size: 3 alpha: 0.5 beta: 0.75 k: 2 } }',
    );
    await checkNet(
      proto,
      undefined,
      { data: x },
      { norm: { dims, data: lrnAcrossChannels(x.data, dims, 3, Math.fround(0.5), 0.75, 2) } },
    );
  });
});

describe('blob layers', () => {
  const x = new Tensor(
    'float32',
    Float32Array.from({ length: 24 }, (_, i) => i),
    [1, 4, 3, 2],
  );

  it('Concat (axis and concat_dim), Slice (slice_point and equal parts), Split', async () => {
    const proto = net(
      [1, 4, 3, 2],
      `
layer { name: "slice" type: "Slice" bottom: "data" top: "s0" top: "s1" top: "s2" slice_param { axis: 1 slice_point: 1 slice_point: 3 } }
layer { name: "split" type: "Split" bottom: "s2" top: "c0" top: "c1" }
layer { name: "cat" type: "Concat" bottom: "c0" bottom: "s0" bottom: "c1" top: "cat" concat_param { concat_dim: 1 } }
layer { name: "halves" type: "Slice" bottom: "s1" top: "h0" top: "h1" slice_param { slice_dim: 1 } }
layer { name: "cat2" type: "Concat" bottom: "h1" bottom: "h0" top: "cat2" concat_param { axis: -1 } }`,
    );
    const channel = (c: number) => Array.from({ length: 6 }, (_, i) => c * 6 + i);
    await checkNet(
      proto,
      undefined,
      { data: x },
      {
        cat: { dims: [1, 3, 3, 2], data: [...channel(3), ...channel(0), ...channel(3)] },
        cat2: { dims: [1, 1, 3, 4], data: [12, 13, 6, 7, 14, 15, 8, 9, 16, 17, 10, 11] },
      },
    );
  });

  it('Flatten (axis / end_axis), Reshape (0, -1, axis, num_axes) and Softmax (axis)', async () => {
    const proto = net(
      [1, 4, 3, 2],
      `
layer { name: "flat" type: "Flatten" bottom: "data" top: "flat" }
layer { name: "flat2" type: "Flatten" bottom: "data" top: "flat2" flatten_param { axis: 1 end_axis: 2 } }
layer { name: "r" type: "Reshape" bottom: "data" top: "r" reshape_param { shape { dim: 0 dim: -1 dim: 3 } } }
layer { name: "r2" type: "Reshape" bottom: "data" top: "r2" reshape_param { shape { dim: 2 dim: 2 } axis: 1 num_axes: 1 } }
layer { name: "sm" type: "Softmax" bottom: "r" top: "sm" softmax_param { axis: 2 } }`,
    );
    const data = Array.from({ length: 24 }, (_, i) => i);
    const softmax = data.map((v, i) => {
      const row = data.slice(Math.floor(i / 3) * 3, Math.floor(i / 3) * 3 + 3);
      return Math.exp(v - Math.max(...row)) / row.reduce((s, r) => s + Math.exp(r - Math.max(...row)), 0);
    });
    await checkNet(
      proto,
      undefined,
      { data: x },
      {
        flat: { dims: [1, 24], data },
        flat2: { dims: [1, 12, 2], data },
        r2: { dims: [1, 2, 2, 3, 2], data },
        sm: { dims: [1, 8, 3], data: softmax },
      },
    );
  });
});
