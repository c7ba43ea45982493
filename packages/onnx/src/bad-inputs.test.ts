/**
 * Rows 1-9, 11 and 32-35 of shared/specs/bad-inputs.md, and the graph rows (24-26, 28, 33) on imported
 * models: each case asserts the error class and code, then checks that a good model still loads and
 * computes the right answer (the liveness probe).
 */
import { closeSync, openSync, ftruncateSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttributeError,
  ErrorCodes,
  GraphError,
  ModelFormatError,
  ModelLimitError,
  SeededRandom,
  ShapeError,
  TensorDataError,
  UnsupportedOpError,
  UnsupportedOpsetError,
  validateGraph,
} from '@lastmile/core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  encodeProto,
  expectAlive,
  expectError,
  floatBytes,
  goodModel,
  goodProto,
  initializerProto,
} from './fixtures.js';
import { onnx } from './generated/onnx.js';
import { numberToLong } from './int64.js';
import { decodeModel, encodeModel, loadModel } from './index.js';

const L = numberToLong;
const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lastmile-onnx-bad-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
afterEach(() => expectAlive());

/** Bytes of a length-delimited field: tag, varint length, payload. */
function field(number: number, payload: Uint8Array): Uint8Array {
  const len: number[] = [];
  for (let n = payload.length; ; n >>>= 7) {
    if (n < 0x80) {
      len.push(n);
      break;
    }
    len.push((n & 0x7f) | 0x80);
  }
  return Uint8Array.from([(number << 3) | 2, ...len, ...payload]);
}

/** A model header (IR 8, opset 13, no graph) followed by `graph` as raw GraphProto bytes. */
function withRawGraph(graph: Uint8Array): Uint8Array {
  const head = encodeProto({ irVersion: L(8), opsetImport: [{ domain: '', version: L(13) }] });
  return Uint8Array.from([...head, ...field(7, graph)]);
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** `depth` If nodes nested inside each other's then_branch, encoded by hand (protobufjs's encoder stops at 100 levels). */
function nestedIfs(depth: number): Uint8Array {
  let graph = onnx.GraphProto.encode({
    name: 'leaf',
    node: [{ opType: 'Identity', input: ['x'], output: ['y'] }],
  }).finish();
  for (let i = 0; i < depth; i++) {
    const attribute = Uint8Array.from([...field(1, utf8('then_branch')), 0xa0, 0x01, 5, ...field(6, graph)]);
    const node = Uint8Array.from([
      ...field(1, utf8('c')),
      ...field(2, utf8('y')),
      ...field(4, utf8('If')),
      ...field(5, attribute),
    ]);
    graph = field(1, node);
  }
  return withRawGraph(graph);
}

describe('row 1: empty input', () => {
  it('refuses a zero-length buffer', async () => {
    const e = await expectError(() => decodeModel(new Uint8Array()), ModelFormatError, ErrorCodes.ModelFormat);
    expect(e.message).toMatch(/empty/);
  });
  it('refuses an empty file', async () => {
    const path = join(await tempDir(), 'empty.onnx');
    await writeFile(path, new Uint8Array());
    await expectError(() => loadModel(path), ModelFormatError, ErrorCodes.ModelFormat);
  });
});

describe('row 2: not ONNX', () => {
  it('refuses random bytes', async () => {
    const rng = new SeededRandom(2);
    for (let i = 0; i < 20; i++) {
      const bytes = Uint8Array.from({ length: 64 + i * 13 }, () => rng.int(0, 255));
      await expectError(() => decodeModel(bytes), ModelFormatError, ErrorCodes.ModelFormat);
    }
  });
  it('names a Caffe prototxt, a binary caffemodel, ONNX text, a zip', async () => {
    const cases: [Uint8Array, RegExp][] = [
      [new TextEncoder().encode('name: "LeNet"\nlayer {\n  name: "data"\n  type: "Input"\n}\n'), /Caffe prototxt/],
      [
        Uint8Array.from([
          ...field(1, new TextEncoder().encode('net')),
          ...field(100, field(1, new TextEncoder().encode('conv'))),
        ]),
        /binary Caffe model/,
      ],
      [
        new TextEncoder().encode('ir_version: 8\ngraph {\n  node { op_type: "Relu" }\n}\n'),
        /ONNX in protobuf text format/,
      ],
      [Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), /zip archive/],
    ];
    for (const [bytes, message] of cases) {
      const e = await expectError(() => decodeModel(bytes), ModelFormatError, ErrorCodes.ModelFormat);
      expect(e.message).toMatch(message);
    }
  });
});

describe('row 3: truncated protobuf', () => {
  it('gives the byte offset for every cut inside the graph', async () => {
    const bytes = withRawGraph(onnx.GraphProto.encode(goodProto().graph!).finish());
    for (let cut = 1; cut <= 40; cut++) {
      const e = await expectError(
        () => decodeModel(bytes.subarray(0, bytes.length - cut)),
        ModelFormatError,
        ErrorCodes.ModelFormat,
      );
      expect(e.details.offset).toEqual(expect.any(Number));
      expect(e.message).toMatch(/at byte \d+/);
    }
  });
});

describe('row 4: length larger than the bytes left', () => {
  it('fails on a 2^32-1 length before allocating', async () => {
    const head = encodeProto({ irVersion: L(8), opsetImport: [{ version: L(13) }] });
    const bytes = Uint8Array.from([...head, 0x3a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]);
    const e = await expectError(() => decodeModel(bytes), ModelFormatError, ErrorCodes.ModelFormat);
    expect(e.details.offset).toBeLessThanOrEqual(bytes.length);
    // The same inside a tensor's raw_data.
    const raw = withRawGraph(field(5, Uint8Array.from([0x4a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0])));
    await expectError(() => decodeModel(raw), ModelFormatError, ErrorCodes.ModelFormat);
  });
});

describe('row 5: file over the size limit', () => {
  it('refuses a 2 GiB file from its size alone (sparse file, nothing read)', async () => {
    const path = join(await tempDir(), 'huge.onnx');
    const fd = openSync(path, 'w');
    ftruncateSync(fd, 2 ** 31);
    closeSync(fd);
    const e = await expectError(() => loadModel(path), ModelLimitError, ErrorCodes.ModelLimit);
    expect(e.message).toMatch(/external data/);
    expect(e.details).toMatchObject({ limit: 2 ** 31 - 1, got: 2 ** 31 });
  });
  it('applies maxFileBytes to paths and bytes', async () => {
    const bytes = encodeModel(goodModel());
    const path = join(await tempDir(), 'm.onnx');
    await writeFile(path, bytes);
    await expectError(() => loadModel(path, { maxFileBytes: 10 }), ModelLimitError, ErrorCodes.ModelLimit);
    await expectError(() => decodeModel(bytes, { maxFileBytes: 10 }), ModelLimitError, ErrorCodes.ModelLimit);
  });
});

describe('row 6: start-group tags', () => {
  it('refuses 100k start-group tags without a stack overflow', async () => {
    for (const bytes of [new Uint8Array(100_000).fill(0x0b), withRawGraph(new Uint8Array(100_000).fill(0x0b))]) {
      let caught: unknown;
      try {
        decodeModel(bytes);
      } catch (error) {
        caught = error;
      }
      expect(caught).not.toBeInstanceOf(RangeError);
      expect(caught).toBeInstanceOf(ModelLimitError);
    }
  });
  it('refuses groups nested deeper than the limit inside a known field, and a lone end-group tag', async () => {
    await expectError(
      () => decodeModel(Uint8Array.from([0x08, 0x08, ...new Uint8Array(1000).fill(0x3b)])),
      ModelLimitError,
      ErrorCodes.ModelLimit,
    );
    await expectError(() => decodeModel(Uint8Array.from([0x08, 0x08, 0x0c])), ModelFormatError, ErrorCodes.ModelFormat);
  });
});

describe('row 7: subgraph nesting', () => {
  it('refuses If bodies nested 40 deep', async () => {
    await expectError(() => decodeModel(nestedIfs(40)), ModelLimitError, ErrorCodes.ModelLimit);
  });
  it('honours maxSubgraphDepth', async () => {
    const e = await expectError(
      () => decodeModel(nestedIfs(3), { maxSubgraphDepth: 2 }),
      ModelLimitError,
      ErrorCodes.ModelLimit,
    );
    expect(e.details).toMatchObject({ limit: 2, option: 'maxSubgraphDepth' });
    const ok = decodeModel(nestedIfs(2), { maxSubgraphDepth: 2 });
    expect(ok.graph.nodes[0].attributes.get('then_branch')?.type).toBe('graph');
  });
});

describe('row 8: local functions', () => {
  it('refuses a chain of 3000 functions and a self-recursive one, naming them', async () => {
    const proto = goodProto();
    proto.functions = Array.from({ length: 3000 }, (_, i) => ({
      name: `f${i}`,
      domain: 'local',
      input: ['x'],
      output: ['y'],
      node: [{ opType: i === 2999 ? 'f0' : `f${i + 1}`, domain: 'local', input: ['x'], output: ['y'] }],
    }));
    const e = await expectError(() => decodeModel(encodeProto(proto)), UnsupportedOpError, ErrorCodes.UnsupportedOp);
    expect(e.message).toMatch(/3000 local function.*local\.f0, local\.f1/);
    expect(e.details.count).toBe(3000);
  });
});

describe('row 9: versions', () => {
  const cases: [string, (p: onnx.ModelProto) => void][] = [
    [
      'IR version 11',
      (p) => {
        p.irVersion = L(11);
      },
    ],
    [
      'IR version 2',
      (p) => {
        p.irVersion = L(2);
      },
    ],
    [
      'opset 22',
      (p) => {
        p.opsetImport = [{ domain: '', version: L(22) }];
      },
    ],
    [
      'opset 6',
      (p) => {
        p.opsetImport = [{ domain: 'ai.onnx', version: L(6) }];
      },
    ],
    [
      'no opset_import',
      (p) => {
        p.opsetImport = [];
      },
    ],
    [
      'only a custom domain',
      (p) => {
        p.opsetImport = [{ domain: 'com.example', version: L(1) }];
      },
    ],
  ];
  it.each(cases)('refuses %s', async (_, change) => {
    const proto = goodProto();
    change(proto);
    const e = await expectError(
      () => decodeModel(encodeProto(proto)),
      UnsupportedOpsetError,
      ErrorCodes.UnsupportedOpset,
    );
    expect(e.message).toMatch(/(7 to 21|3 to 10)/);
  });
  it('keeps other domains', () => {
    const proto = goodProto();
    proto.opsetImport.push({ domain: 'com.microsoft', version: L(1) });
    expect(decodeModel(encodeProto(proto)).opsets.get('com.microsoft')).toBe(1);
  });
});

describe('row 11: packed floats of a length not a multiple of 4', () => {
  it('is a format error', async () => {
    const tensor = Uint8Array.from([0x08, 0x01, 0x10, 0x01, 0x22, 0x06, 0, 0, 0x80, 0x3f, 0, 0, 0x42, 0x01, 0x77]);
    await expectError(() => decodeModel(withRawGraph(field(5, tensor))), ModelFormatError, ErrorCodes.ModelFormat);
  });
});

describe('rows 32-35: shapes and tensor data', () => {
  it('row 32: negative dims in value_info and in tensor dims', async () => {
    const proto = goodProto();
    proto.graph!.input![0].type!.tensorType!.shape!.dim![1] = { dimValue: L(-2) };
    const e = await expectError(() => decodeModel(encodeProto(proto)), ShapeError, ErrorCodes.Shape);
    expect(e.details).toMatchObject({ value: 'x', axis: 1 });
    await expectError(
      () => decodeModel(encodeProto(initializerProto({ dataType: 1, dims: [L(-1)] }))),
      ShapeError,
      ErrorCodes.Shape,
    );
  });
  it('row 33: dims products past 2^53', async () => {
    for (const dims of [
      [2 ** 62, 4],
      [2 ** 30, 2 ** 30, 2 ** 30],
    ]) {
      const e = await expectError(
        () => decodeModel(encodeProto(initializerProto({ dataType: 1, dims: dims.map(L), rawData: floatBytes([1]) }))),
        ShapeError,
        ErrorCodes.Shape,
      );
      expect(e.message).toMatch(/initializer 'w'/);
    }
  });
  it('row 34: raw_data of the wrong length', async () => {
    const e = await expectError(
      () => decodeModel(encodeProto(initializerProto({ dataType: 1, dims: [L(3)], rawData: floatBytes([1, 2]) }))),
      TensorDataError,
      ErrorCodes.TensorData,
    );
    expect(e.details).toMatchObject({ tensor: "initializer 'w'", expected: 12, got: 8 });
  });
  it('row 35: two data fields, odd float16 bytes, unsupported types, invalid UTF-8', async () => {
    const bad: onnx.TensorProto.$Properties[] = [
      { dataType: 1, dims: [L(1)], rawData: floatBytes([1]), floatData: [1] },
      { dataType: 10, dims: [L(2)], rawData: Uint8Array.from([0, 0x3c, 0]) },
      { dataType: 1, dims: [L(2)], int64Data: [L(1), L(2)] },
      { dataType: 3, dims: [L(1)], int32Data: [300] },
      { dataType: 1, dims: [L(2)] },
    ];
    for (const t of bad)
      await expectError(() => decodeModel(encodeProto(initializerProto(t))), TensorDataError, ErrorCodes.TensorData);
    for (const [dataType, name] of [
      [11, 'DOUBLE'],
      [8, 'STRING'],
      [5, 'INT16'],
      [16, 'BFLOAT16'],
    ] as const) {
      const e = await expectError(
        () => decodeModel(encodeProto(initializerProto({ dataType, dims: [L(1)], rawData: new Uint8Array(8) }))),
        TensorDataError,
        ErrorCodes.TensorData,
      );
      expect(e.message).toContain(`initializer 'w' has data type ${name}`);
    }
    const proto = goodProto();
    proto.graph!.node![0].attribute = [{ name: 'mode', type: 3, s: Uint8Array.from([0xff, 0xfe]) }];
    await expectError(() => decodeModel(encodeProto(proto)), AttributeError, ErrorCodes.Attribute);
  });
});

describe('rows 24-26, 28, 33: graph checks on imported models', () => {
  // The importer keeps the graph as written; Session.init validates it (validateGraph) before anything runs.
  const decodeAndValidate = (proto: onnx.ModelProto) => validateGraph(decodeModel(encodeProto(proto)));
  it('row 24: a cycle', async () => {
    const proto = goodProto();
    proto.graph!.node![0].input = ['x', 'y'];
    const e = await expectError(() => decodeAndValidate(proto), GraphError, ErrorCodes.Graph);
    expect([...(e.details.nodes as string[])].sort()).toEqual(['add', 'relu']);
  });
  it('row 25: an input nothing produces', async () => {
    const proto = goodProto();
    proto.graph!.node![0].input = ['x', 'missing'];
    const e = await expectError(() => decodeAndValidate(proto), GraphError, ErrorCodes.Graph);
    expect(e.details).toMatchObject({ value: 'missing', node: 'add' });
  });
  it('row 26: duplicate initializers (at decode) and two nodes writing one name', async () => {
    const twice = goodProto();
    twice.graph!.initializer!.push(twice.graph!.initializer![0]);
    expect(
      (await expectError(() => decodeModel(encodeProto(twice)), GraphError, ErrorCodes.Graph)).details,
    ).toMatchObject({ initializer: 'b' });
    const proto = goodProto();
    proto.graph!.node![0].output = ['y'];
    const e = await expectError(() => decodeAndValidate(proto), GraphError, ErrorCodes.Graph);
    expect(e.details).toMatchObject({ value: 'y', node: 'relu' });
  });
  it('row 28: an initializer whose data_type differs from its value_info', async () => {
    const proto = goodProto();
    proto.graph!.valueInfo = [
      { name: 'b', type: { tensorType: { elemType: 6, shape: { dim: [{ dimValue: L(2) }] } } } },
    ];
    const e = await expectError(() => decodeAndValidate(proto), TensorDataError, ErrorCodes.TensorData);
    expect(e.details).toMatchObject({ value: 'b', expected: { type: 'int32' }, got: { type: 'float32' } });
  });
  it('row 33: value_info dims past 2^53, each or in product', async () => {
    const huge = goodProto();
    huge.graph!.valueInfo = [
      {
        name: 't',
        type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: L(2 ** 62) }, { dimValue: L(4) }] } } },
      },
    ];
    const e = await expectError(() => decodeModel(encodeProto(huge)), ShapeError, ErrorCodes.Shape);
    expect(e.details).toMatchObject({ value: 't', axis: 0 });
    const cube = goodProto();
    cube.graph!.valueInfo = [
      {
        name: 't',
        type: {
          tensorType: { elemType: 1, shape: { dim: [2 ** 26, 2 ** 26, 2 ** 26].map((d) => ({ dimValue: L(d) })) } },
        },
      },
    ];
    expect((await expectError(() => decodeAndValidate(cube), ShapeError, ErrorCodes.Shape)).details).toMatchObject({
      value: 't',
    });
  });
});
