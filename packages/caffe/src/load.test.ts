import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCodes, evaluateGraph, SeededRandom, Tensor } from '@lastmile/core';
import protobuf from 'protobufjs/minimal.js';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { batchNorm, convolution } from './caffe-reference.js';
import {
  caffemodelBytes,
  checkNet,
  expectClose,
  expectLastmileError,
  randomBlob,
  randomInput,
  runBoth,
  type TestBlob,
} from './support.js';
import { caffe } from './generated/caffe.js';
import { type CaffeWarning, decodeCaffe, loadCaffe } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'lastmile-caffe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The known-good net of every liveness probe: conv -> in-place ReLU.
const rng = new SeededRandom(61);
const goodWeights = { conv: [randomBlob(rng, [2, 1, 2, 2]), randomBlob(rng, [2])] };
const GOOD = `name: "good"
layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 1 dim: 3 dim: 3 } } }
layer { name: "conv" type: "Convolution" bottom: "data" top: "conv" convolution_param { num_output: 2 kernel_size: 2 } }
layer { name: "relu" type: "ReLU" bottom: "conv" top: "conv" }
`;
const goodInput = randomInput(62, [1, 1, 3, 3]);
const goodExpected = () => {
  const c = convolution(goodInput.data, [1, 1, 3, 3], goodWeights.conv[0].data, goodWeights.conv[1].data, 2, {
    kernel: [2, 2],
    pad: [0, 0],
    stride: [1, 1],
  });
  return { dims: c.dims, data: c.data.map((v) => Math.max(v, 0)) };
};

/** The liveness probe: a good net still imports and gives the right answer in this process. */
async function expectAlive(): Promise<void> {
  const model = decodeCaffe({ prototxt: GOOD, caffemodel: caffemodelBytes(goodWeights) });
  const out = evaluateGraph(model, { data: goodInput });
  expectClose(out.conv.data as Float32Array, goodExpected().data);
}

describe('loading', () => {
  it('reads prototxt and caffemodel from paths, text or bytes', async () => {
    const prototxt = join(dir, 'good.prototxt');
    const caffemodel = join(dir, 'good.caffemodel');
    writeFileSync(prototxt, GOOD);
    writeFileSync(caffemodel, caffemodelBytes(goodWeights));
    for (const source of [
      { prototxt, caffemodel },
      { prototxt: GOOD, caffemodel: caffemodelBytes(goodWeights) },
      { prototxt: new TextEncoder().encode(GOOD), caffemodel },
    ]) {
      const model = await loadCaffe(source);
      expectClose(evaluateGraph(model, { data: goodInput }).conv.data as Float32Array, goodExpected().data);
    }
    await expectLastmileError(
      () => loadCaffe({ prototxt: join(dir, 'missing.prototxt') }),
      ErrorCodes.ModelFormat,
      /cannot open prototxt '.*missing.prototxt' \(ENOENT\)/,
    );
    await expectLastmileError(
      () => loadCaffe({ prototxt, caffemodel: dir }),
      ErrorCodes.ModelFormat,
      /caffemodel '.*' is not a regular file/,
    );
    await expectLastmileError(
      () => loadCaffe({ prototxt, caffemodel }, { maxFileBytes: 10 }),
      ErrorCodes.ModelLimit,
      /over the limit of 10/,
    );
  });

  it('renames in-place layers into SSA values; the last version keeps the blob name', async () => {
    const model = decodeCaffe({ prototxt: GOOD, caffemodel: caffemodelBytes(goodWeights) });
    expect(model.graph.nodes.map((n) => `${n.opType}:${n.inputs[0]}->${n.outputs[0]}`)).toEqual([
      'Conv:data->conv/conv',
      'Relu:conv/conv->conv',
    ]);
    expect(model.graph.outputs).toEqual([{ name: 'conv', type: 'float32', shape: [1, 2, 2, 2] }]);
    // An in-place rewrite of a net input keeps the input's name for the feed.
    const onInput = decodeCaffe({
      prototxt:
        'input: "x" input_dim: 1 input_dim: 2 input_dim: 1 input_dim: 1\nlayer { name: "p" type: "Power" bottom: "x" top: "x" power_param { scale: 3 } }',
    });
    expect(onInput.graph.inputs.map((i) => i.name)).toEqual(['x']);
    expect([...evaluateGraph(onInput, { x: new Tensor('float32', [1, 2], [1, 2, 1, 1]) })['x/p'].data]).toEqual([3, 6]);
  });

  it('takes net-level inputs (input_shape, input_dim) and inputShapes; a shapeless input is an error', async () => {
    const body = 'layer { name: "s" type: "Sigmoid" bottom: "x" top: "y" }';
    expect(decodeCaffe({ prototxt: `input: "x" input_shape { dim: 2 dim: 3 }\n${body}` }).graph.inputs).toEqual([
      { name: 'x', type: 'float32', shape: [2, 3] },
    ]);
    expect(
      decodeCaffe({ prototxt: `input: "x"\n${body}` }, { inputShapes: { x: [4, 5] } }).graph.inputs[0].shape,
    ).toEqual([4, 5]);
    await expectLastmileError(
      () => decodeCaffe({ prototxt: `input: "x"\n${body}` }),
      ErrorCodes.Shape,
      /input 'x' has no shape in the prototxt; pass it as options.inputShapes/,
    );
    await expectLastmileError(
      () => decodeCaffe({ prototxt: `input: "x" input_dim: 1 input_dim: 0 input_dim: 1 input_dim: 1\n${body}` }),
      ErrorCodes.Shape,
      /input 'x' has shape \[1, 0, 1, 1\]/,
    );
    await expectLastmileError(
      () => decodeCaffe({ prototxt: `input: "x"\n${body}` }, { inputShapes: { z: [1] } }),
      ErrorCodes.Shape,
      /inputShapes names 'z'/,
    );
  });

  it('leaves out layers whose include/exclude rules do not meet the TEST phase', async () => {
    const model = decodeCaffe({
      prototxt: `input: "x" input_shape { dim: 1 dim: 2 }
layer { name: "train_only" type: "Data" top: "label" include { phase: TRAIN } }
layer { name: "s" type: "Sigmoid" bottom: "x" top: "y" exclude { phase: TRAIN } }
layer { name: "loss" type: "SoftmaxWithLoss" bottom: "y" bottom: "label" top: "loss" include { phase: TRAIN } }`,
    });
    expect(model.graph.nodes.map((n) => n.opType)).toEqual(['Sigmoid']);
  });

  it('upgrades a legacy V1 net (layers with enum types) and matches V1 weights by name', async () => {
    const w = randomBlob(new SeededRandom(63), [3, 4]);
    const v1Weights = caffe.NetParameter.encode({
      layers: [
        {
          name: 'fc',
          type: caffe.V1LayerParameter.LayerType.INNER_PRODUCT,
          blobs: [{ num: 1, channels: 1, height: 3, width: 4, data: Array.from(w.data) }],
        },
      ],
    }).finish();
    const model = decodeCaffe({
      prototxt: `input: "x" input_shape { dim: 2 dim: 4 }
layers { name: "fc" type: INNER_PRODUCT bottom: "x" top: "fc" inner_product_param { num_output: 3 bias_term: false } }
layers { name: "relu" type: RELU bottom: "fc" top: "fc" }
layers { name: "prob" type: SOFTMAX bottom: "fc" top: "prob" }`,
      caffemodel: v1Weights,
    });
    expect(model.graph.nodes.map((n) => n.opType)).toEqual(['Gemm', 'Relu', 'Softmax']);
    const out = evaluateGraph(model, { x: randomInput(64, [2, 4]) });
    expect(out.prob.dims).toEqual([2, 3]);
  });
});

describe('bad inputs', () => {
  afterEach(expectAlive);

  it('row 10: a prototxt syntax error names line:column', async () => {
    await expectLastmileError(
      () => loadCaffe({ prototxt: 'name: "x"\nlayer {\n  name: "a" type: Convolution\n}\n' }),
      ErrorCodes.ModelFormat,
      /^prototxt 3:19: field 'type' expects a quoted string/,
    );
  });

  it('row 10: an unknown layer type is UnsupportedOpError naming layer and type', async () => {
    const error = await expectLastmileError(
      () =>
        decodeCaffe({
          prototxt: 'input: "x" input_shape { dim: 1 }\nlayer { name: "odd" type: "Crop" bottom: "x" top: "y" }',
        }),
      ErrorCodes.UnsupportedOp,
      /layer 'odd' has type 'Crop', which @lastmile\/caffe cannot lower/,
    );
    expect(error.details).toMatchObject({ layer: 'odd', op: 'Crop' });
  });

  it('row 10: legacy nets are upgraded or refused explicitly', async () => {
    await expectLastmileError(
      () =>
        decodeCaffe({
          prototxt:
            'input: "x" input_shape { dim: 1 }\nlayers { name: "a" type: RELU bottom: "x" top: "y" }\nlayer { name: "b" type: "ReLU" bottom: "y" top: "z" }',
        }),
      ErrorCodes.ModelFormat,
      /both 'layer' \(1\) and legacy V1 'layers' \(1\)/,
    );
    await expectLastmileError(
      () => decodeCaffe({ prototxt: 'layers { name: "a" type: NONE }' }),
      ErrorCodes.ModelFormat,
      /legacy V1 layer #0 'a' has type 0, which has no upgrade/,
    );
    await expectLastmileError(
      () => decodeCaffe({ prototxt: 'layers { name: "a" layer { name: "v0" } }' }),
      ErrorCodes.ModelFormat,
      /prototxt 1:20: unknown field 'layer' in caffe.V1LayerParameter/,
    );
  });

  it('row 11: a packed float field whose length is not a multiple of 4', async () => {
    const w = protobuf.Writer.create();
    const blob = protobuf.Writer.create()
      .uint32((7 << 3) | 2)
      .fork()
      .uint32(8)
      .int64(7)
      .ldelim()
      .uint32((5 << 3) | 2)
      .bytes(new Uint8Array(7))
      .finish();
    const layer = protobuf.Writer.create()
      .uint32((1 << 3) | 2)
      .string('conv')
      .uint32((7 << 3) | 2)
      .bytes(blob)
      .finish();
    const bytes = w
      .uint32((100 << 3) | 2)
      .bytes(layer)
      .finish();
    const error = await expectLastmileError(
      () => decodeCaffe({ prototxt: GOOD, caffemodel: bytes }),
      ErrorCodes.ModelFormat,
      /layer #0 'conv' blob 0: packed data has 7 bytes, not a multiple of 4/,
    );
    expect(error.details).toMatchObject({ layer: 'conv', field: 'data', got: 7 });
  });

  it('row 11: truncated, empty or swapped files', async () => {
    const good = caffemodelBytes(goodWeights);
    await expectLastmileError(
      () => decodeCaffe({ prototxt: GOOD, caffemodel: good.subarray(0, good.length - 5) }),
      ErrorCodes.ModelFormat,
      /runs past the end/,
    );
    await expectLastmileError(
      () => decodeCaffe({ prototxt: GOOD, caffemodel: new Uint8Array() }),
      ErrorCodes.ModelFormat,
      /caffemodel is empty/,
    );
    await expectLastmileError(() => decodeCaffe({ prototxt: good }), ErrorCodes.ModelFormat, /the prototxt is binary/);
    await expectLastmileError(
      () => decodeCaffe({ prototxt: GOOD, caffemodel: new TextEncoder().encode(GOOD) }),
      ErrorCodes.ModelFormat,
      /not a valid caffemodel/,
    );
  });

  const conv = (blobs: TestBlob[]) => () =>
    decodeCaffe({ prototxt: GOOD, caffemodel: caffemodelBytes({ conv: blobs }) });
  it.each([
    [
      'too few blobs',
      conv([goodWeights.conv[0]]),
      /Convolution layer 'conv' has 1 weight blob\(s\), expected 2 \(weights, bias\)/,
    ],
    ['too many blobs', conv([...goodWeights.conv, goodWeights.conv[1]]), /has 3 weight blob\(s\), expected 2/],
    [
      'a blob shape that differs from the prototxt',
      conv([randomBlob(rng, [2, 1, 3, 3]), goodWeights.conv[1]]),
      /blob 0 \(weights\) has shape \[2, 1, 3, 3\], expected \[2, 1, 2, 2\] from the prototxt/,
    ],
    [
      'data shorter than the shape',
      conv([{ dims: [2, 1, 2, 2], data: [1, 2, 3] }, goodWeights.conv[1]]),
      /blob 0 \(weights\) holds 3 values, but its shape \[2, 1, 2, 2\] needs 8/,
    ],
    [
      'weights for a layer that takes none',
      () =>
        decodeCaffe({ prototxt: GOOD, caffemodel: caffemodelBytes({ ...goodWeights, relu: [goodWeights.conv[1]] }) }),
      /ReLU layer 'relu' takes no weights, but has 1 blob/,
    ],
  ])('row 12: %s is a ModelFormatError naming the layer', async (_, fn, message) => {
    const error = await expectLastmileError(fn, ErrorCodes.ModelFormat, message);
    expect(error.details.layer).toMatch(/conv|relu/);
  });

  it('row 13: weights naming a layer the net lacks are an error, or a warning with ignoreUnknownWeights', async () => {
    const extra = caffemodelBytes({ ...goodWeights, fc9: [randomBlob(rng, [3])] });
    await expectLastmileError(
      () => decodeCaffe({ prototxt: GOOD, caffemodel: extra }),
      ErrorCodes.ModelFormat,
      /weights for layer 'fc9', which the net does not have \(set ignoreUnknownWeights/,
    );
    const warnings: CaffeWarning[] = [];
    const model = decodeCaffe(
      { prototxt: GOOD, caffemodel: extra },
      { ignoreUnknownWeights: true, onWarning: (w) => warnings.push(w) },
    );
    expect(warnings).toEqual([
      {
        code: 'unknown-weights',
        layer: 'fc9',
        message: "the caffemodel has weights for layer 'fc9', which the net does not have",
      },
    ]);
    expectClose(evaluateGraph(model, { data: goodInput }).conv.data as Float32Array, goodExpected().data);
  });

  it('row 13: a layer that needs weights and has none is an error, never zeros', async () => {
    await expectLastmileError(
      () => decodeCaffe({ prototxt: GOOD }),
      ErrorCodes.ModelFormat,
      /Convolution layer 'conv' needs 2 weight blob\(s\) \(weights, bias\) but has none/,
    );
    await expectLastmileError(
      () =>
        decodeCaffe(
          { prototxt: GOOD, caffemodel: caffemodelBytes({ other: goodWeights.conv }) },
          { ignoreUnknownWeights: true },
        ),
      ErrorCodes.ModelFormat,
      /'conv' needs 2 weight blob/,
    );
  });

  it('row 12: a graph that reads an unknown blob or writes a blob twice', async () => {
    await expectLastmileError(
      () =>
        decodeCaffe({
          prototxt: 'input: "x" input_shape { dim: 1 }\nlayer { name: "a" type: "ReLU" bottom: "nope" top: "y" }',
        }),
      ErrorCodes.Graph,
      /layer 'a' reads bottom #0 'nope'/,
    );
    await expectLastmileError(
      () =>
        decodeCaffe({
          prototxt:
            'input: "x" input_shape { dim: 1 }\nlayer { name: "a" type: "ReLU" bottom: "x" top: "y" }\nlayer { name: "b" type: "ReLU" bottom: "x" top: "y" }',
        }),
      ErrorCodes.Graph,
      /top blob 'y' of layer 'b' is produced by multiple sources/,
    );
  });

  describe('row 36: BatchNorm statistics as Caffe computes them', () => {
    const bnNet = (eps: number) => `input: "x" input_dim: 1 input_dim: 2 input_dim: 1 input_dim: 2
layer { name: "bn" type: "BatchNorm" bottom: "x" top: "y" batch_norm_param { eps: ${eps} } }`;
    const x = new Tensor('float32', [1, -2, 3, 4], [1, 2, 1, 2]);
    const mean = { dims: [2], data: [10, 20] };
    const variance = { dims: [2], data: [4, 0] };

    it('scale factor 0 means zero mean and variance', async () => {
      await checkNet(
        bnNet(0.25),
        { bn: [mean, variance, { dims: [1], data: [0] }] },
        { x },
        { y: { dims: [1, 2, 1, 2], data: [2, -4, 6, 8] } },
      );
    });

    it('a factor other than 1 divides the statistics', async () => {
      const expected = batchNorm(x.data, [1, 2, 1, 2], mean.data, variance.data, 2, 0.25);
      await checkNet(
        bnNet(0.25),
        { bn: [mean, variance, { dims: [1], data: [2] }] },
        { x },
        { y: { dims: [1, 2, 1, 2], data: expected } },
      );
    });

    it('eps 0 with a zero variance divides by zero: non-finite outputs in that channel only', async () => {
      // Caffe gives (x - mean) / 0 = -Inf here; ONNX BatchNormalization kernels (ours and onnxruntime's)
      // fold the division into a scale and may give NaN instead. Either way, never a finite number.
      const expected = batchNorm(x.data, [1, 2, 1, 2], mean.data, variance.data, 1, 0);
      expect([...expected.slice(2)]).toEqual([-Infinity, -Infinity]);
      const model = decodeCaffe({
        prototxt: bnNet(0),
        caffemodel: caffemodelBytes({ bn: [mean, variance, { dims: [1], data: [1] }] }),
      });
      const { ours, ort } = await runBoth(model, { x });
      for (const y of [ours.y.data as Float32Array, ort.y]) {
        expectClose(y.slice(0, 2), expected.slice(0, 2));
        expect([...y.slice(2)].every((v) => !Number.isFinite(v))).toBe(true);
      }
    });

    it('a negative variance gives NaN and a warning', async () => {
      const warnings: CaffeWarning[] = [];
      const model = decodeCaffe(
        {
          prototxt: bnNet(1e-5),
          caffemodel: caffemodelBytes({ bn: [mean, { dims: [2], data: [4, -1] }, { dims: [1], data: [1] }] }),
        },
        { onWarning: (w) => warnings.push(w) },
      );
      expect(warnings.map((w) => w.code)).toEqual(['negative-variance']);
      expect(warnings[0].message).toMatch(/layer 'bn' has a negative variance \(-1\) at channel 1/);
      const y = evaluateGraph(model, { x }).y.data;
      expect([Number.isNaN(y[0]), Number.isNaN(y[2])]).toEqual([false, true]);
    });

    it('use_global_stats: false (batch statistics) is refused', async () => {
      await expectLastmileError(
        () =>
          decodeCaffe({
            prototxt: bnNet(1e-5).replace('eps: 0.00001', 'use_global_stats: false'),
            caffemodel: caffemodelBytes({ bn: [mean, variance, { dims: [1], data: [1] }] }),
          }),
        ErrorCodes.UnsupportedOp,
        /BatchNorm layer 'bn' sets use_global_stats: false/,
      );
    });
  });

  it('options of the wrong type are refused', async () => {
    await expectLastmileError(
      () => loadCaffe({ prototxt: GOOD }, { ignoreUnknownWeights: 'yes' as unknown as boolean }),
      ErrorCodes.Input,
      /ignoreUnknownWeights must be a boolean/,
    );
    await expectLastmileError(
      () => loadCaffe(null as unknown as { prototxt: string }),
      ErrorCodes.Input,
      /loadCaffe needs \{ prototxt, caffemodel\? \}/,
    );
  });
});
