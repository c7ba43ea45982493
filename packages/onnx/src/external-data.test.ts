/**
 * External data, rows 14-22 of shared/specs/bad-inputs.md: good references load; every unsafe one is
 * refused with ExternalDataError (or TensorDataError for a size mismatch), then a good model still loads.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, openSync } from 'node:fs';
import { link, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCodes, ExternalDataError, ModelLimitError, TensorDataError } from '@lastmile/core';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeProto, expectAlive, expectError, floatBytes } from './fixtures.js';
import type { onnx } from './generated/onnx.js';
import { numberToLong } from './int64.js';
import { decodeModel, loadModel } from './index.js';

const L = numberToLong;
const WEIGHTS = [1, 2, 3, 4];
const roots: string[] = [];
let dir: string;
let outside: string;

beforeEach(async () => {
  const root = await mkdtemp(join(tmpdir(), 'lastmile-onnx-ext-'));
  roots.push(root);
  dir = join(root, 'model');
  outside = join(root, 'outside');
  await mkdir(join(dir, 'sub'), { recursive: true });
  await mkdir(outside);
  await writeFile(join(dir, 'weights.bin'), floatBytes([0, 0, ...WEIGHTS]));
  await writeFile(join(dir, 'sub', 'w.bin'), floatBytes(WEIGHTS));
  await writeFile(join(outside, 'secret.bin'), floatBytes(WEIGHTS));
});
afterEach(() => expectAlive());
afterAll(async () => {
  for (const r of roots) await rm(r, { recursive: true, force: true });
});

type Entries = [string, string][];

function externalTensor(entries: Entries, name = 'w'): onnx.TensorProto.$Properties {
  return {
    name,
    dataType: 1,
    dims: [L(4)],
    dataLocation: 1,
    externalData: entries.map(([key, value]) => ({ key, value })),
  };
}

/** A model whose initializer 'w' (float32 [4]) is external data described by `entries`. */
function modelBytes(graph: Partial<onnx.GraphProto.$Properties>): Uint8Array {
  return encodeProto({
    irVersion: L(8),
    opsetImport: [{ version: L(13) }],
    graph: {
      name: 'g',
      node: [{ opType: 'Identity', input: ['w'], output: ['y'], name: 'id' }],
      output: [{ name: 'y', type: { tensorType: { elemType: 1 } } }],
      ...graph,
    },
  });
}

async function load(entries: Entries) {
  const path = join(dir, 'model.onnx');
  await writeFile(path, modelBytes({ initializer: [externalTensor(entries)] }));
  return loadModel(path);
}

async function refused(entries: Entries, message?: RegExp) {
  const e = await expectError(() => load(entries), ExternalDataError, ErrorCodes.ExternalData);
  if (message) expect(e.message).toMatch(message);
  expect(e.details.tensor).toBe("initializer 'w'");
  return e;
}

describe('good external data', () => {
  it('reads with offset and length, in a subfolder, and to the end of the file', async () => {
    for (const entries of [
      [
        ['location', 'weights.bin'],
        ['offset', '8'],
        ['length', '16'],
      ],
      [
        ['location', 'weights.bin'],
        ['offset', '8'],
      ],
      [['location', './sub/w.bin']],
      [
        ['location', 'sub\\w.bin'],
        ['checksum', 'ignored'],
      ],
    ] as Entries[]) {
      const m = await load(entries);
      expect([...m.graph.initializers.get('w')!.data]).toEqual(WEIGHTS);
    }
  });
  it('reads from bytes when a baseDir is given', () => {
    const bytes = modelBytes({ initializer: [externalTensor([['location', 'sub/w.bin']])] });
    expect([...decodeModel(bytes, { baseDir: dir }).graph.initializers.get('w')!.data]).toEqual(WEIGHTS);
  });
});

describe('row 14: parent references', () => {
  it.each(['../outside/secret.bin', 'sub/../../outside/secret.bin', 'sub/../weights.bin', '..\\outside\\secret.bin'])(
    'refuses %s',
    async (location) => {
      await refused([['location', location]], /'\.\.' is not allowed/);
    },
  );
});

describe('row 15: absolute, drive, UNC, NUL', () => {
  it.each([
    ['/etc/passwd', /absolute/],
    ['C:\\weights.bin', /absolute|drive/],
    ['C:weights.bin', /drive/],
    ['\\\\server\\share\\w.bin', /UNC/],
    ['//server/share/w.bin', /UNC/],
    ['weights.bin\u0000.txt', /NUL/],
    ['', /empty/],
    ['weights.bin:stream', /characters/],
  ])('refuses %j', async (location, message) => {
    await refused([['location', location]], message);
  });
});

describe('row 16: links', () => {
  it('refuses a symlinked file, inside or escaping', async () => {
    await symlink(join(outside, 'secret.bin'), join(dir, 'escape.bin'));
    await symlink(join(dir, 'weights.bin'), join(dir, 'inside.bin'));
    await refused([['location', 'escape.bin']], /symbolic link/);
    await refused(
      [
        ['location', 'inside.bin'],
        ['offset', '8'],
      ],
      /symbolic link/,
    );
  });
  it('refuses a symlinked parent folder', async () => {
    await symlink(outside, join(dir, 'linked'));
    await refused([['location', 'linked/secret.bin']], /symbolic link/);
  });
  it('refuses hard links, escaping or not', async () => {
    await link(join(outside, 'secret.bin'), join(dir, 'hard.bin'));
    await refused([['location', 'hard.bin']], /hard link/);
    await link(join(dir, 'sub', 'w.bin'), join(dir, 'sub', 'w2.bin'));
    await refused([['location', 'sub/w.bin']], /hard link/);
  });
});

describe('row 17: bytes without a base folder', () => {
  it('refuses external data unless baseDir is given', async () => {
    const bytes = modelBytes({ initializer: [externalTensor([['location', 'sub/w.bin']])] });
    const e = await expectError(() => decodeModel(bytes), ExternalDataError, ErrorCodes.ExternalData);
    expect(e.message).toMatch(/baseDir/);
    await expectError(() => loadModel(bytes), ExternalDataError, ErrorCodes.ExternalData);
  });
});

describe('row 18: offsets and lengths', () => {
  it.each([
    [[['offset', '-1']], /non-negative/],
    [[['offset', 'abc']], /non-negative/],
    [[['length', '1e3']], /non-negative/],
    [[['offset', '99999999999999999999']], /non-negative|too large/],
    [[['offset', '9007199254740993']], /too large/],
    [[['offset', '100']], /past the end/],
    [
      [
        ['offset', '8'],
        ['length', '4294967296'],
      ],
      /past the end/,
    ],
  ] as [Entries, RegExp][])('refuses %j', async (extra, message) => {
    await refused([['location', 'weights.bin'], ...extra], message);
  });
  it('refuses a tensor over maxTensorBytes before reading it (8 GiB sparse file)', async () => {
    const fd = openSync(join(dir, 'huge.bin'), 'w');
    ftruncateSync(fd, 2 ** 33);
    closeSync(fd);
    const tensor = { ...externalTensor([['location', 'huge.bin']]), dims: [L(2 ** 31)] };
    const path = join(dir, 'model.onnx');
    await writeFile(path, modelBytes({ initializer: [tensor] }));
    const e = await expectError(() => loadModel(path), ModelLimitError, ErrorCodes.ModelLimit);
    expect(e.details).toMatchObject({ option: 'maxTensorBytes', got: 2 ** 33 });
  });
  it('refuses a length that does not match the dims', async () => {
    const path = join(dir, 'model.onnx');
    await writeFile(
      path,
      modelBytes({
        initializer: [
          externalTensor([
            ['location', 'weights.bin'],
            ['length', '8'],
          ]),
        ],
      }),
    );
    const e = await expectError(() => loadModel(path), TensorDataError, ErrorCodes.TensorData);
    expect(e.details).toMatchObject({ expected: 16, got: 8 });
  });
});

describe('row 19: keys', () => {
  it('ignores __proto__, constructor and unknown keys without assigning them anywhere', async () => {
    const m = await load([
      ['__proto__', '{"polluted":1}'],
      ['constructor', 'x'],
      ['toString', 'y'],
      ['location', 'sub/w.bin'],
      ['whatever', '1'],
    ]);
    expect([...m.graph.initializers.get('w')!.data]).toEqual(WEIGHTS);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  it('refuses duplicated keys and a missing location', async () => {
    await refused(
      [
        ['location', 'sub/w.bin'],
        ['location', 'weights.bin'],
      ],
      /twice/,
    );
    await refused(
      [
        ['location', 'weights.bin'],
        ['offset', '8'],
        ['offset', '0'],
      ],
      /twice/,
    );
    await refused([['offset', '0']], /no 'location'/);
  });
});

describe('row 20: magic locations', () => {
  it.each(['*/_ORT_MEM_ADDR_/*', '*'])('refuses %s', async (location) => {
    await refused([['location', location]], /magic/);
  });
});

describe('row 21: external data outside initializers follows the same rules', () => {
  const constant = (attribute: onnx.AttributeProto.$Properties): Partial<onnx.GraphProto.$Properties> => ({
    node: [{ opType: 'Constant', output: ['y'], name: 'const', attribute: [attribute] }],
  });
  const sparse = (location: string): onnx.SparseTensorProto.$Properties => ({
    dims: [L(8)],
    values: { ...externalTensor([['location', location]], 'w') },
    indices: { dataType: 7, dims: [L(4)], int64Data: [0, 2, 4, 6].map(L) },
  });
  it('reads them when safe', () => {
    const tensorAttr = decodeModel(
      modelBytes(constant({ name: 'value', type: 4, t: externalTensor([['location', 'sub/w.bin']]) })),
      { baseDir: dir },
    );
    expect(tensorAttr.graph.nodes[0].attributes.get('value')).toMatchObject({ type: 'tensor', value: { dims: [4] } });
    const sparseAttr = decodeModel(
      modelBytes(constant({ name: 'sparse_value', type: 11, sparseTensor: sparse('sub/w.bin') })),
      { baseDir: dir },
    );
    const dense = sparseAttr.graph.nodes[0].attributes.get('sparse_value');
    expect(dense?.type === 'tensor' && [...dense.value.data]).toEqual([1, 0, 2, 0, 3, 0, 4, 0]);
    const init = decodeModel(modelBytes({ sparseInitializer: [sparse('sub/w.bin')] }), { baseDir: dir });
    expect([...init.graph.initializers.get('w')!.data]).toEqual([1, 0, 2, 0, 3, 0, 4, 0]);
  });
  it('refuses them when not', async () => {
    const cases = [
      modelBytes(constant({ name: 'value', type: 4, t: externalTensor([['location', '../outside/secret.bin']]) })),
      modelBytes(constant({ name: 'sparse_value', type: 11, sparseTensor: sparse('*/_ORT_MEM_ADDR_/*') })),
      modelBytes({ sparseInitializer: [sparse('/etc/passwd')] }),
    ];
    for (const bytes of cases)
      await expectError(() => decodeModel(bytes, { baseDir: dir }), ExternalDataError, ErrorCodes.ExternalData);
  });
});

describe('row 22: only regular files', () => {
  it('refuses a FIFO without blocking, and a folder', async () => {
    execFileSync('mkfifo', [join(dir, 'pipe.bin')]);
    await refused([['location', 'pipe.bin']], /regular file/);
    await refused([['location', 'sub']], /regular file/);
    await refused([['location', 'missing.bin']], /ENOENT/);
  });
});
