/**
 * Artifacts and bundles: a model image keeps every bit of the IR; a session exported and loaded runs
 * bit-identically without its model; damaged files are SerializationErrors and files built for another
 * backend, version, numeric contract or target are ArtifactMismatchErrors, and in every refused case
 * nothing runs and nothing stays allocated.
 */
import {
  type Backend,
  BackendError,
  type Model,
  PluginError,
  SerializationError,
  Session,
  SessionStateError,
  type SessionOptions,
  Tensor,
  decodeArtifact,
  decodeBundle,
  a,
  decodeModel,
  emptyGraph,
  encodeModel,
  makeNode,
} from '@lastmile/core';
import { describe, expect, it } from 'vitest';
import { convInput, convNet, cpuBackend, sameValues } from '../fixtures.js';
import { createTestDevice } from '../test-device.js';
import { readContainer, writeContainer } from './container.js';

const calibration = [1, 2, 3].map((seed) => ({ x: convInput(seed) }));

/** A session over the test device and the interpreter, prepared, run once on `x`. */
async function exported(device = createTestDevice(), options: SessionOptions = {}) {
  const session = await Session.init(convNet(), {
    backends: [device.backend, cpuBackend()],
    minPartitionNodes: 1,
    calibration,
    ...options,
  });
  const x = convInput(5);
  const want = await session.run({ x });
  const bytes = await session.export();
  const boundaries = session.boundaries;
  await session.destroy();
  return { device, bytes, x, want, boundaries };
}

/** The bundle with its header rewritten by `edit` and its hash made good again (a crafted file). */
function rewrite(bytes: Uint8Array, edit: (header: Record<string, unknown>) => void, magic = 'LMBUNDLE'): Uint8Array {
  const { header, body } = readContainer(bytes, magic, 'test');
  edit(header as Record<string, unknown>);
  return writeContainer(magic, header, body);
}

/** The bundle with partition `index`'s artifact replaced by `make(old artifact)`. */
function withArtifact(bytes: Uint8Array, index: number, make: (artifact: Uint8Array) => Uint8Array): Uint8Array {
  const { header, body } = readContainer(bytes, 'LMBUNDLE', 'test');
  const h = header as { partitions: { artifact: { at: number; bytes: number } }[] };
  const range = h.partitions[index].artifact;
  const replaced = make(body.slice(range.at, range.at + range.bytes));
  const grown = new Uint8Array(body.length + replaced.length);
  grown.set(body);
  grown.set(replaced, body.length);
  h.partitions[index].artifact = { at: body.length, bytes: replaced.length };
  return writeContainer('LMBUNDLE', h, grown);
}

function flip(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  copy[index] ^= 0x20;
  return copy;
}

describe('the model image', () => {
  it('keeps every attribute kind, value type and initializer bit for bit', () => {
    const g = emptyGraph('all-kinds');
    g.inputs.push({ name: 'x', type: 'float32', shape: ['N', 3] });
    g.outputs.push({ name: 'y', type: 'float32', shape: ['N', 3] });
    g.initializers.set('h', new Tensor('float16', new Uint16Array([0x3c00, 0x7e00]), [2]));
    g.initializers.set('i', new Tensor('int64', new BigInt64Array([-(2n ** 62n), 3n]), [2]));
    g.initializers.set('b', new Tensor('bool', new Uint8Array([1, 0, 1]), [3]));
    g.initializers.set('e', new Tensor('float32', new Float32Array(0), [0, 4]));
    const branch = emptyGraph('then');
    branch.outputs.push({ name: 't', type: 'float32' });
    branch.nodes.push(makeNode('Identity', ['x'], ['t']));
    g.nodes.push(
      makeNode('Clip', ['x'], ['y'], {
        f: a.float(Number.NaN),
        fs: a.floats([-0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1.5]),
        s: a.string('ünïcode'),
        ss: a.strings(['', 'b']),
        n: a.int(-(2 ** 40)),
        ns: a.ints([1, 2]),
        t: a.tensor(new Tensor('float32', new Float32Array([Number.NaN, -0]), [2])),
        g: { type: 'graph', value: branch },
      }),
    );
    const model: Model = {
      irVersion: 9,
      opsets: new Map([
        ['', 17],
        ['com.microsoft', 1],
      ]),
      graph: g,
      producerName: 'test',
      metadata: new Map([['k', 'v']]),
    };
    // Not validated: Clip takes no graph attribute; the image must keep it all the same.
    const back = decodeModel(encodeModel(model), 'test', false);
    expect(back.opsets).toEqual(model.opsets);
    expect(back.metadata).toEqual(model.metadata);
    expect(back.producerName).toBe('test');
    expect(back.graph.inputs).toEqual(g.inputs);
    for (const [name, t] of g.initializers) expect(sameValues(back.graph.initializers.get(name)!, t)).toBe(true);
    const attrs = back.graph.nodes[0].attributes;
    expect(Number.isNaN(attrs.get('f')!.value as number)).toBe(true);
    expect((attrs.get('fs')!.value as number[]).map((v) => (Object.is(v, -0) ? '-0' : v))).toEqual([
      '-0',
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      1.5,
    ]);
    expect(attrs.get('s')!.value).toBe('ünïcode');
    expect(attrs.get('ss')!.value).toEqual(['', 'b']);
    expect(attrs.get('n')!.value).toBe(-(2 ** 40));
    const t = attrs.get('t')!.value as Tensor;
    expect(Number.isNaN(t.data[0] as number) && Object.is(t.data[1], -0)).toBe(true);
    expect((attrs.get('g')!.value as Model['graph']).nodes[0].opType).toBe('Identity');
  });

  it('refuses a crafted image field by field (SerializationError naming the field)', () => {
    const bytes = encodeModel(convNet());
    const crafted = (edit: (h: { graph: Record<string, unknown> }) => void) => {
      const { header, body } = readContainer(bytes, 'LMMODEL', 'test');
      edit(header as { graph: Record<string, unknown> });
      return writeContainer('LMMODEL', header, body);
    };
    expect(() => decodeModel(crafted((h) => (h.graph.nodes = 7)))).toThrow(/graph.nodes must be an array/);
    expect(() =>
      decodeModel(crafted((h) => ((h.graph.initializers as [string, { at: number }][])[0][1].at = 1e9))),
    ).toThrow(SerializationError);
    expect(() => decodeModel(crafted((h) => ((h.graph.inputs as { type: string }[])[0].type = 'float128')))).toThrow(
      /graph.inputs\[0\].type must be a tensor type/,
    );
    expect(() => decodeModel(crafted((h) => (h.graph.outputs = [{ name: 'nowhere', type: 'float32' }])))).toThrow(
      /its graph is not valid/,
    );
    // Every initializer pointed at the same bytes: a reader would allocate without bound.
    const shared = crafted((h) => {
      const inits = h.graph.initializers as [string, { at: number }][];
      for (const entry of inits) entry[1].at = 0;
      inits.push(...inits.map(([n, t]) => [`${n}_again`, { ...t }] as [string, { at: number }]));
    });
    expect(() => decodeModel(shared, 'test', false)).toThrow(/ranges claim more bytes than the body has/);
    const huge = crafted(
      (h) => ((h.graph.initializers as [string, { dims: number[] }][])[0][1].dims = [2 ** 53 - 1, 0]),
    );
    expect(() => decodeModel(huge, 'test', false)).toThrow(/a size from 0 to 2\^31 - 1/);
    // Graph attributes nested past any real model's depth.
    const deep = crafted((h) => {
      let g = h.graph;
      for (let i = 0; i < 100; i++) {
        const inner = { ...g, nodes: [] as unknown[] };
        g.nodes = [
          {
            name: 'if',
            opType: 'If',
            domain: '',
            inputs: [],
            outputs: [],
            attributes: [['b', { type: 'graph', value: inner }]],
          },
        ];
        g = inner;
      }
    });
    expect(() => decodeModel(deep, 'test', false)).toThrow(SerializationError);
  });

  it('keeps int64 attributes past 2^53 (INT64_MAX as the ONNX reader holds it)', () => {
    const model = convNet();
    model.graph.nodes[0].attributes.set('big', a.int(2 ** 63));
    expect(decodeModel(encodeModel(model), 'test', false).graph.nodes[0].attributes.get('big')?.value).toBe(2 ** 63);
  });
});

describe('bundles', () => {
  it('run without the model, bit-identical, crossing the same boundaries', async () => {
    const { device, bytes, x, want, boundaries } = await exported();
    const session = await Session.load(bytes, { backends: [device.backend, cpuBackend()] });
    const got = await session.run({ x });
    expect(Object.keys(got)).toEqual(Object.keys(want));
    for (const name of Object.keys(want)) expect(sameValues(got[name], want[name])).toBe(true);
    expect(session.boundaries).toEqual(boundaries);
    expect(session.partitions.map((p) => p.backend)).toEqual(['test-npu', 'test-cpu', 'test-npu', 'test-cpu']);
    // No calibration at load: the artifacts carry what compiling computed.
    expect(device.stats.calibrations).toHaveLength(2);
    await expect(session.run({ x: convInput(1, [1, 2, 16, 16]) })).rejects.toThrow(/input 'x': dimension 2 must be 8/);
    await session.destroy();
    expect(device.stats.liveBuffers).toBe(0);
  });

  it('keep int8 boundaries: the quantization of every boundary value travels in the signatures', async () => {
    const device = createTestDevice();
    const { bytes, x, want } = await exported(device, { precision: { 'test-npu': 'int8' } });
    const session = await Session.load(bytes, { backends: [device.backend, cpuBackend()] });
    const got = await session.run({ x });
    for (const name of Object.keys(want)) expect(sameValues(got[name], want[name])).toBe(true);
    const [first] = decodeBundle(bytes).partitions;
    const { header } = decodeArtifact(first.artifact);
    expect(header.signature.outputs[0]).toMatchObject({
      name: 'r1',
      type: 'int8',
      quant: { zeroPoint: [expect.any(Number)] },
    });
    await session.destroy();
  });

  it('refuses export before prepare, and a backend that cannot serialize', async () => {
    const session = await Session.init(convNet(), { backends: [cpuBackend()] });
    await expect(session.export()).rejects.toBeInstanceOf(SessionStateError);
    await session.destroy();
    const plain = cpuBackend();
    const mute: Backend = {
      ...plain,
      compile: async (p, o) => {
        const { serialize: __, ...exe } = await cpuBackend().compile(p, o);
        return exe;
      },
    };
    const other = await Session.init(convNet(), { backends: [mute] });
    await other.run({ x: convInput(1) });
    const error = await other.export().catch((e) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as Error).message).toMatch(/cannot write its compiled partitions/);
    await other.destroy();
  });

  it.each([
    ['empty', () => new Uint8Array(0), /too short/],
    ['truncated', (b: Uint8Array) => b.subarray(0, b.length - 100), /truncated/],
    ['padded', (b: Uint8Array) => Uint8Array.from([...b, 0]), /extra bytes/],
    ['one flipped byte', (b: Uint8Array) => flip(b, b.length >> 1), /content hash does not match/],
    ['another kind of file', (b: Uint8Array) => flip(b, 0), /not a LMBUNDLE file/],
    ['a newer layout', (b: Uint8Array) => flip(b, 9), /layout version/],
    [
      'a damaged artifact inside',
      (b: Uint8Array) => withArtifact(b, 0, (art) => flip(art, art.length - 40)),
      /partition 0 of bundle.*hash/,
    ],
    ['a crafted header', (b: Uint8Array) => rewrite(b, (h) => (h.partitions = 'all')), /partitions must be an array/],
    [
      'a crafted report',
      (b: Uint8Array) => rewrite(b, (h) => ((h.report as { partitions: unknown[] }).partitions = [null])),
      /report.partitions\[0\] must be an object/,
    ],
    [
      'a boundary its artifact does not have',
      (b: Uint8Array) =>
        rewrite(b, (h) => {
          const [first] = h.partitions as { boundary: { outputs: { shape: number[] }[] } }[];
          first.boundary.outputs[0].shape = [1, 4, 8, 8].map((d) => d * 2);
        }),
      /reads 'r1' as .*, it is|do not match its artifact's signature/,
    ],
    [
      'partitions out of order',
      (b: Uint8Array) => rewrite(b, (h) => (h.partitions as unknown[]).reverse()),
      /plan is broken: partition \d reads/,
    ],
  ])('refuse %s with SerializationError, and nothing runs', async (_, damage, message) => {
    const { device, bytes } = await exported();
    const compiled = device.stats.calibrations.length;
    const error = await Session.load(damage(bytes), { backends: [device.backend, cpuBackend()] }).catch((e) => e);
    expect(error).toBeInstanceOf(SerializationError);
    expect((error as Error).message).toMatch(message);
    expect(device.stats.liveBuffers).toBe(0);
    expect(device.stats.calibrations).toHaveLength(compiled);
  });

  it.each([
    ['another backend version', { version: '2.0.0' }, /backendVersion "1.0.0", this one is "2.0.0"/],
    [
      'another numeric contract',
      { numerics: 'test-npu@fp16' },
      /numerics "test-npu@1.0.0", this one is "test-npu@fp16"/,
    ],
  ])('refuse an artifact built for %s with ArtifactMismatchError', async (_, change, message) => {
    const { device, bytes } = await exported();
    const newer = { ...device.backend, ...change };
    const error = await Session.load(bytes, { backends: [newer, cpuBackend()] }).catch((e) => e);
    expect(error).toMatchObject({ code: 'LM_ARTIFACT_MISMATCH' });
    expect((error as Error).message).toMatch(message);
    expect(device.stats.liveBuffers).toBe(0);
  });

  it('refuses an envelope of another contract or target, and a hostile backend name', async () => {
    const { device, bytes } = await exported();
    const backends = [device.backend, cpuBackend()];
    const recontract = withArtifact(bytes, 0, (art) => rewrite(art, (h) => (h.contract = 1), 'LMARTIF'));
    await expect(Session.load(recontract, { backends })).rejects.toThrow(/contract 1, this one is 2/);
    const retarget = withArtifact(bytes, 0, (art) => rewrite(art, (h) => (h.target = 'NNIE 1.1'), 'LMARTIF'));
    await expect(Session.load(retarget, { backends })).rejects.toThrow(/artifact is for 'NNIE 1.1'/);
    const hostile = rewrite(bytes, (h) => ((h.partitions as { backend: string }[])[1].backend = '../../evil'));
    await expect(Session.load(hostile, { backends })).rejects.toBeInstanceOf(PluginError);
    expect(device.stats.liveBuffers).toBe(0);
  });

  it('compile for a device that is not here, and run where it is, bit-identically', async () => {
    const options = { minPartitionNodes: 1, calibration };
    const skipped = await Session.init(convNet(), {
      backends: [createTestDevice({ absent: true }).backend, cpuBackend()],
    });
    expect(skipped.backends.map((b) => b.name)).toEqual(['test-cpu']);
    await skipped.destroy();

    const host = createTestDevice({ absent: true });
    const compiler = await Session.init(convNet(), {
      ...options,
      backends: [host.backend, cpuBackend()],
      purpose: 'compile',
    });
    await compiler.prepare();
    const x = convInput(8);
    await expect(compiler.run({ x })).rejects.toThrow(/runs on 'test-npu', whose device is not here/);
    const bytes = await compiler.export();
    await compiler.destroy();

    const board = createTestDevice();
    const direct = await Session.init(convNet(), { ...options, backends: [board.backend, cpuBackend()] });
    const want = await direct.run({ x });
    await direct.destroy();
    const deployed = await Session.load(bytes, { backends: [board.backend, cpuBackend()] });
    expect(sameValues((await deployed.run({ x })).z, want.z)).toBe(true);
    await deployed.destroy();
  });

  it('load version-1 backends through the adapter: bare-bytes serialize and load still round-trip', async () => {
    const v2 = cpuBackend({ name: 'old-cpu' });
    const v1 = {
      apiVersion: 1,
      name: 'old-cpu',
      probe: v2.probe,
      supports: v2.supports,
      async compile(p: Parameters<Backend['compile']>[0], o: Parameters<Backend['compile']>[1]) {
        const exe = await v2.compile(p, o);
        return { ...exe, serialize: () => encodeModel(p.model) };
      },
      load: async (bytes: Uint8Array) => v2.load!({ header: {} as never, bytes }, {}),
    } as unknown as Backend;
    const session = await Session.init(convNet(), { backends: [v1] });
    const x = convInput(3);
    const want = await session.run({ x });
    const bytes = await session.export();
    expect(session.backends[0].version).toBeUndefined();
    await session.destroy();
    const loaded = await Session.load(bytes, { backends: [v1] });
    expect(sameValues((await loaded.run({ x })).z, want.z)).toBe(true);
    await loaded.destroy();
  });
});
