import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DEFAULT_BACKENDS,
  BackendUnavailableError,
  ModelFormatError,
  PluginError,
  Session,
  Tensor,
  defaultProjectRoot,
  parseBackendSpec,
  resolveBackend,
  searchRoots,
  validateBackend,
} from '@lastmile/core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { cpuBackend, expectAlive } from './fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'lastmile-discovery-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(async () => {
  await expectAlive();
});

declare global {
  var lastmileImported: string[] | undefined;
}
const imported = () => globalThis.lastmileImported ?? [];

// A plain-JS backend that runs Relu, as a third-party package would ship it. `marker` records the import.
function backendSource(name: string, marker: string, extra = ''): string {
  return `
(globalThis.lastmileImported ??= []).push(${JSON.stringify(marker)});
${extra}
export const backend = {
  apiVersion: 1,
  name: ${JSON.stringify(name)},
  probe: () => ({ available: true, kind: 'software', device: 'third-party relu' }),
  supports: (node) => node.opType === 'Relu' ? { supported: true } : { supported: false, reason: 'only Relu' },
  async compile(partition) {
    const g = partition.model.graph;
    return {
      inputs: g.inputs, outputs: g.outputs,
      async run(inputs) {
        const values = { ...inputs };
        for (const n of g.nodes) {
          const x = values[n.inputs[0]];
          values[n.outputs[0]] = new x.constructor(x.type, x.data.map((v) => Math.max(v, 0)), x.dims);
        }
        return Object.fromEntries(g.outputs.map((o) => [o.name, values[o.name]]));
      },
      dispose() {},
    };
  },
};`;
}

/** Writes node_modules/<name> under `dir` with a package.json and index.js. */
function installPackage(dir: string, name: string, manifest: Record<string, unknown>, source: string): void {
  const pkg = join(dir, 'node_modules', name);
  mkdirSync(pkg, { recursive: true });
  writeFileSync(
    join(pkg, 'package.json'),
    JSON.stringify({ name, version: '1.0.0', type: 'module', main: 'index.js', ...manifest }),
  );
  writeFileSync(join(pkg, 'index.js'), source);
}

function project(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true }));
  return dir;
}

const reluModel = () => ({
  irVersion: 8,
  opsets: new Map([['', 13]]),
  metadata: new Map<string, string>(),
  graph: {
    name: 'relu',
    nodes: [{ name: 'relu', opType: 'Relu', domain: '', inputs: ['x'], outputs: ['y'], attributes: new Map() }],
    inputs: [{ name: 'x', type: 'float32' as const, shape: [4] }],
    outputs: [{ name: 'y', type: 'float32' as const }],
    initializers: new Map(),
    valueInfo: new Map(),
  },
});
const reluInput = () => new Tensor('float32', [-1, 2, -3, 4], [4]);

describe('backend specs (row 68)', () => {
  it.each([
    ['./evil', 'path'],
    ['../evil', 'path'],
    ['/tmp/evil', 'path'],
    ['evil\\x', 'path'],
    ['file:///tmp/evil.js', 'URL'],
    ['data:text/javascript,export const backend = 1', 'URL'],
    ['https://example.com/evil.js', 'URL'],
    ['node:fs', 'URL'],
    ['C:evil', 'URL'],
    ['my npu', 'whitespace'],
    ['My-Npu', 'lowercase'],
    ['a..b', "'..'"],
    ['evil\0', 'NUL'],
    ['', 'empty'],
    ['@scope', 'valid npm package name'],
    ['_private', 'valid npm package name'],
    ['a/b/c', 'valid npm package name'],
    ['fs', 'builtin'],
    ['cpu-neom', "misspelling of the built-in backend 'cpu-neon'"],
  ])('refuses %j (%s) with PluginError, importing nothing', async (spec, why) => {
    const before = imported().length;
    await expect(resolveBackend(spec, { projectRoot: root })).rejects.toThrow(PluginError);
    await expect(resolveBackend(spec, { projectRoot: root })).rejects.toThrow(why);
    expect(imported().length).toBe(before);
  });

  it('maps short names to first-party packages and accepts package names', () => {
    expect(parseBackendSpec('cpu-neon')).toEqual({ packageName: '@lastmile/backend-cpu-neon', builtin: true });
    expect(parseBackendSpec('npu-nnie')).toEqual({ packageName: '@lastmile/backend-npu-nnie', builtin: true });
    expect(parseBackendSpec('@acme/lastmile-npu')).toEqual({ packageName: '@acme/lastmile-npu', builtin: false });
    expect(() => parseBackendSpec(42)).toThrow(PluginError);
  });

  it('says which first-party package to install when a short name is missing', async () => {
    const dir = project('no-backends');
    const error = await resolveBackend('dsp-vp6', { projectRoot: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toContain('@lastmile/backend-dsp-vp6');
  });
});

describe('third-party backends', () => {
  it('loads a package that declares itself with a lastmile field, scoped or not, and runs with it', async () => {
    const dir = project('third-party');
    installPackage(dir, 'my-npu', { lastmile: { backend: 'my-npu' } }, backendSource('my-npu', 'my-npu'));
    installPackage(
      dir,
      '@acme/npu',
      { lastmile: { backend: '@acme/npu' }, exports: { '.': { import: './index.js' } } },
      backendSource('@acme/npu', 'acme'),
    );
    expect((await resolveBackend('my-npu', { projectRoot: dir })).name).toBe('my-npu');
    expect((await resolveBackend('@acme/npu', { projectRoot: dir })).name).toBe('@acme/npu');
    const session = await Session.init(reluModel(), { backends: ['my-npu'], projectRoot: dir });
    expect([...(await session.run({ x: reluInput() })).y.data]).toEqual([0, 2, 0, 4]);
    expect(session.assignment?.nodes).toEqual([{ node: 'relu', op: 'Relu', backend: 'my-npu', declinedBy: [] }]);
    await session.destroy();
  });

  it('refuses a package without the lastmile field before importing it (PluginError)', async () => {
    const dir = project('no-field');
    installPackage(dir, 'left-pad-npu', {}, backendSource('left-pad-npu', 'left-pad-npu'));
    await expect(resolveBackend('left-pad-npu', { projectRoot: dir })).rejects.toThrow(PluginError);
    expect(imported()).not.toContain('left-pad-npu');
  });

  it('reports a module that throws on import as BackendUnavailableError with the cause (row 69)', async () => {
    const dir = project('throws');
    installPackage(dir, 'bad-npu', { lastmile: { backend: 'bad-npu' } }, "throw new Error('driver exploded');");
    const error = await resolveBackend('bad-npu', { projectRoot: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toMatch(/bad-npu.*driver exploded/);
    expect(((error as Error).cause as Error).message).toBe('driver exploded');
  });

  it.each([
    [
      'a wrong apiVersion',
      'export const backend = { apiVersion: 3, name: "x-npu", probe() {}, supports() {}, compile() {} };',
      /apiVersion 3 is not one this core loads \(1, 2\)/,
    ],
    [
      'an empty version',
      'export const backend = { apiVersion: 2, name: "x-npu", version: "", probe() {}, supports() {}, compile() {} };',
      /'version' must be a non-empty string when present/,
    ],
    [
      'a load that is not a function',
      'export const backend = { apiVersion: 2, name: "x-npu", version: "1", probe() {}, supports() {}, compile() {}, load: 1 };',
      /'load' must be a function when present/,
    ],
    [
      'no compile function',
      'export const backend = { apiVersion: 1, name: "x-npu", probe() {}, supports() {} };',
      /'compile' must be a function/,
    ],
    [
      'a non-string name',
      'export const backend = { apiVersion: 1, name: 7, probe() {}, supports() {}, compile() {} };',
      /'name' must be a non-empty string/,
    ],
    ['no backend export', 'export const notBackend = 1;', /expected an object exported as 'backend', got undefined/],
    [
      'a throwing getter',
      'export const backend = { get apiVersion() { throw new Error("gotcha"); } };',
      /reading its members threw: gotcha/,
    ],
    [
      'another name than it declares',
      'export const backend = { apiVersion: 1, name: "cpu-neon", probe() {}, supports() {}, compile() {} };',
      /declares backend 'x-npu'.*exports 'cpu-neon'/,
    ],
  ])('refuses a descriptor with %s (BackendUnavailableError naming the package)', async (_, source, message) => {
    const dir = project(`shape-${_.replace(/\W+/g, '-')}`);
    installPackage(dir, 'x-npu', { lastmile: { backend: 'x-npu' } }, source);
    const error = await resolveBackend('x-npu', { projectRoot: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain('x-npu');
  });

  it('validates Backend objects passed directly the same way', async () => {
    await expect(resolveBackend({ ...cpuBackend(), apiVersion: 0 })).rejects.toThrow(BackendUnavailableError);
    expect(() => validateBackend(null, 'the test')).toThrow(/the test is not a valid lastmile backend/);
    expect((await resolveBackend(cpuBackend())).name).toBe('test-cpu');
  });

  it('refuses a name claimed twice in one session (PluginError)', async () => {
    const dir = project('claims');
    installPackage(dir, 'dup-npu', { lastmile: { backend: 'dup-npu' } }, backendSource('dup-npu', 'dup-npu'));
    await expect(Session.init(reluModel(), { backends: [cpuBackend(), cpuBackend()] })).rejects.toThrow(
      /'test-cpu' is claimed twice/,
    );
    const impostor = { ...cpuBackend(), name: 'dup-npu' };
    await expect(Session.init(reluModel(), { backends: ['dup-npu', impostor], projectRoot: dir })).rejects.toThrow(
      PluginError,
    );
  });

  it('names no backend: cpu-neon where installed (skipped with an event here), then the reference', async () => {
    const dir = project('defaults');
    installPackage(
      dir,
      '@lastmile/backend-reference',
      { lastmile: { backend: 'reference' } },
      backendSource('reference', 'default-reference'),
    );
    const events: string[] = [];
    const session = await Session.init(reluModel(), {
      projectRoot: dir,
      onEvent: (e) => e.type === 'backend-skipped' && events.push(e.backend),
    });
    expect(DEFAULT_BACKENDS).toEqual(['cpu-neon', 'reference']);
    expect(session.backends.map((b) => b.name)).toEqual(['reference']);
    expect(events).toEqual(['cpu-neon']);
    await session.destroy();
  });

  it('skips missing or broken backends with an event and falls back by priority', async () => {
    const dir = project('skips');
    installPackage(dir, 'broken-npu', { lastmile: { backend: 'broken-npu' } }, "throw new Error('no device');");
    const events: string[] = [];
    const absent = {
      ...cpuBackend({ name: 'absent' }),
      probe: () => ({ available: false, kind: 'hardware' as const, device: 'none', reason: 'no NNIE found' }),
    };
    const session = await Session.init(reluModel(), {
      backends: ['broken-npu', 'npu-nnie', absent, cpuBackend()],
      projectRoot: dir,
      onEvent: (e) => e.type === 'backend-skipped' && events.push(`${e.backend}: ${e.reason}`),
    });
    expect(session.backends.map((b) => b.name)).toEqual(['test-cpu']);
    expect(events).toHaveLength(3);
    expect(events[0]).toMatch(/broken-npu.*no device/);
    expect(events[1]).toMatch(/npu-nnie.*@lastmile\/backend-npu-nnie/);
    expect(events[2]).toBe('absent: probe: no NNIE found');
    await session.destroy();
    await expect(Session.init(reluModel(), { backends: ['npu-nnie', absent], projectRoot: dir })).rejects.toThrow(
      /no usable backend:\n {2}npu-nnie: .*\n {2}absent: probe: no NNIE found/,
    );
  });
});

describe('resolution root (row 70)', () => {
  it("ignores node_modules in the model's folder and below the root; ancestors of the root count", async () => {
    const outer = join(root, 'outer');
    const app = join(outer, 'app');
    mkdirSync(join(app, 'models'), { recursive: true });
    writeFileSync(join(app, 'package.json'), '{"name":"app"}');
    installPackage(
      outer,
      'good-npu',
      { lastmile: { backend: 'good-npu' } },
      backendSource('good-npu', 'good-npu from the ancestor'),
    );
    installPackage(
      join(app, 'models'),
      'good-npu',
      { lastmile: { backend: 'good-npu' } },
      backendSource('good-npu', 'SHADOW good-npu'),
    );
    installPackage(
      join(app, 'models'),
      'shadow-only',
      { lastmile: { backend: 'shadow-only' } },
      backendSource('shadow-only', 'SHADOW shadow-only'),
    );
    expect((await resolveBackend('good-npu', { projectRoot: app })).name).toBe('good-npu');
    await expect(resolveBackend('shadow-only', { projectRoot: app })).rejects.toThrow(BackendUnavailableError);
    expect(imported()).toContain('good-npu from the ancestor');
    expect(imported().filter((m) => m.startsWith('SHADOW'))).toEqual([]);
  });

  it('does not look in NODE_PATH', async () => {
    const global = join(root, 'global');
    installPackage(
      global,
      'global-npu',
      { lastmile: { backend: 'global-npu' } },
      backendSource('global-npu', 'global-npu'),
    );
    const saved = process.env.NODE_PATH;
    process.env.NODE_PATH = join(global, 'node_modules');
    try {
      await expect(resolveBackend('global-npu', { projectRoot: project('no-global') })).rejects.toThrow(
        BackendUnavailableError,
      );
    } finally {
      if (saved === undefined) delete process.env.NODE_PATH;
      else process.env.NODE_PATH = saved;
    }
  });

  it('defaults to the working directory when the entry script is a tool inside node_modules', () => {
    // Under vitest the entry script is vitest's own, inside node_modules.
    expect(defaultProjectRoot()).toBe(process.cwd());
  });
});

describe('model import by content', () => {
  it('names @lastmile/caffe for a Caffe prototxt when it is not installed', async () => {
    const prototxt = new TextEncoder().encode('# LeNet\nname: "LeNet"\nlayer {\n  name: "data"\n  type: "Input"\n}\n');
    const error = await Session.init(prototxt, { backends: [cpuBackend()], projectRoot: project('no-caffe') }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ModelFormatError);
    expect((error as Error).message).toMatch(
      /Caffe net \(prototxt\); reading it needs @lastmile\/caffe, which is not installed/,
    );
  });

  it('imports Caffe with the @lastmile/caffe installed: a .prototxt path with its sibling .caffemodel, or { prototxt, caffemodel }', async () => {
    const dir = project('fake-caffe');
    const model = `{ irVersion: 8, opsets: new Map([['', 13]]), metadata: new Map(), graph: { name: 'g', initializers: new Map(), valueInfo: new Map(),
      nodes: [{ name: 'relu', opType: 'Relu', domain: '', inputs: ['x'], outputs: ['y'], attributes: new Map() }],
      inputs: [{ name: 'x', type: 'float32', shape: [4] }], outputs: [{ name: 'y', type: 'float32' }] } }`;
    installPackage(
      dir,
      '@lastmile/caffe',
      {},
      `export async function loadCaffe(source, options) { (globalThis.caffeCalls ??= []).push({ source, options }); return ${model}; }`,
    );
    const calls = () => (globalThis as { caffeCalls?: { source: unknown; options: unknown }[] }).caffeCalls ?? [];
    const prototxt = join(dir, 'lenet.prototxt');
    writeFileSync(prototxt, 'name: "LeNet"\nlayer { name: "data" type: "Input" top: "x" }\n');
    const events: string[] = [];
    const options = {
      backends: [cpuBackend()],
      projectRoot: dir,
      importOptions: { ignoreUnknownWeights: true },
      onEvent: (e: { type: string }) => events.push(e.type),
    };

    let session = await Session.init(prototxt, options);
    expect(calls().at(-1)).toEqual({ source: { prototxt }, options: { ignoreUnknownWeights: true } });
    expect([...(await session.run({ x: reluInput() })).y.data]).toEqual([0, 2, 0, 4]);
    await session.destroy();

    writeFileSync(join(dir, 'lenet.caffemodel'), new Uint8Array([10, 0]));
    session = await Session.init(prototxt, options);
    expect(calls().at(-1)?.source).toEqual({ prototxt, caffemodel: join(dir, 'lenet.caffemodel') });
    await session.destroy();

    const weights = new Uint8Array([1, 2, 3]);
    session = await Session.init({ prototxt: 'layer {}\n', caffemodel: weights }, options);
    expect(calls().at(-1)?.source).toEqual({ prototxt: 'layer {}\n', caffemodel: weights });
    await session.destroy();
    expect(events.filter((e) => e === 'model-imported')).toHaveLength(3);

    // Weights found by name must be in the folder: a sibling that is a symlink out of it is refused.
    const outside = join(project('elsewhere'), 'secret.caffemodel');
    writeFileSync(outside, new Uint8Array([10, 0]));
    rmSync(join(dir, 'lenet.caffemodel'));
    symlinkSync(outside, join(dir, 'lenet.caffemodel'));
    const before = calls().length;
    await expect(Session.init(prototxt, options)).rejects.toThrow(
      /lenet\.caffemodel, are a symbolic link, which is not followed; name them with \{ prototxt, caffemodel \}/,
    );
    expect(calls()).toHaveLength(before);
  });

  it('refuses a model path that is a FIFO, a folder or a device at once, and stays usable (bad-inputs)', async () => {
    const dir = project('not-files');
    const fifo = join(dir, 'model.onnx');
    execFileSync('mkfifo', [fifo]);
    // More than libuv's four threads: a blocking open of each would wedge every later file operation.
    const refusals = await Promise.allSettled(
      Array.from({ length: 6 }, () => Session.init(fifo, { backends: [cpuBackend()], projectRoot: dir })),
    );
    for (const r of refusals) expect(r).toMatchObject({ status: 'rejected', reason: expect.any(ModelFormatError) });
    expect((refusals[0] as PromiseRejectedResult).reason.message).toBe(`model path '${fifo}' is not a regular file`);
    await expect(Session.init(dir, { backends: [cpuBackend()], projectRoot: dir })).rejects.toThrow(
      /is not a regular file/,
    );
    await expect(Session.init('/dev/zero', { backends: [cpuBackend()], projectRoot: dir })).rejects.toThrow(
      /is not a regular file/,
    );
    // The thread pool is free: a real file operation still completes.
    await expect(readFile(join(dir, 'package.json'), 'utf8')).resolves.toContain('not-files');
  });

  it('needs @lastmile/onnx in the project for ONNX bytes, and uses the one installed there', async () => {
    const bare = project('no-importer');
    await expect(Session.init(new Uint8Array([8, 7]), { backends: [cpuBackend()], projectRoot: bare })).rejects.toThrow(
      /@lastmile\/onnx.*not installed/,
    );
    const dir = project('fake-importer');
    const model = `{ irVersion: 8, opsets: new Map([['', 13]]), metadata: new Map(), graph: { name: 'g', initializers: new Map(), valueInfo: new Map(),
      nodes: [{ name: 'relu', opType: 'Relu', domain: '', inputs: ['x'], outputs: ['y'], attributes: new Map() }],
      inputs: [{ name: 'x', type: 'float32', shape: [4] }], outputs: [{ name: 'y', type: 'float32' }] } }`;
    installPackage(
      dir,
      '@lastmile/onnx',
      {},
      `export async function loadModel(source) { globalThis.lastSource = source; return ${model}; }`,
    );
    const modelPath = join(dir, 'model.onnx');
    writeFileSync(modelPath, new Uint8Array([8, 7, 0]));
    const session = await Session.init(modelPath, { backends: [cpuBackend()], projectRoot: dir });
    expect((globalThis as { lastSource?: unknown }).lastSource).toBe(modelPath);
    expect([...(await session.run({ x: reluInput() })).y.data]).toEqual([0, 2, 0, 4]);
    await session.destroy();
  });
});

describe('discovery however lastmile is installed', () => {
  it('finds a backend beside a tool that names itself in resolveFrom (pnpm store, npx cache, global folder)', async () => {
    // pnpm's layout: the tool and its dependencies are siblings in a virtual store folder, not in the project.
    const store = join(root, 'store', 'node_modules');
    installPackage(
      join(root, 'store'),
      'tool-npu',
      { lastmile: { backend: 'tool-npu' } },
      backendSource('tool-npu', 'tool-npu'),
    );
    const toolEntry = join(store, '@acme', 'tool', 'dist', 'cli.js');
    mkdirSync(join(store, '@acme', 'tool', 'dist'), { recursive: true });
    writeFileSync(toolEntry, '');
    const elsewhere = project('tool-user');
    await expect(resolveBackend('tool-npu', { projectRoot: elsewhere })).rejects.toThrow(BackendUnavailableError);
    const backend = await resolveBackend('tool-npu', {
      projectRoot: elsewhere,
      resolveFrom: [pathToFileURL(toolEntry).href],
    });
    expect(backend.name).toBe('tool-npu');
    expect(
      searchRoots({ projectRoot: elsewhere, resolveFrom: [toolEntry, join(store, '@acme', 'tool', 'dist')] }),
    ).toEqual([elsewhere, join(store, '@acme', 'tool', 'dist')]);
  });

  it('prefers the project root over the tool when both have the package', async () => {
    const tool = project('tool-with-dep');
    installPackage(tool, 'both-npu', { lastmile: { backend: 'both-npu' } }, backendSource('both-npu', 'tool-copy'));
    const user = project('user-with-dep');
    installPackage(user, 'both-npu', { lastmile: { backend: 'both-npu' } }, backendSource('both-npu', 'project-copy'));
    await resolveBackend('both-npu', { projectRoot: user, resolveFrom: [tool] });
    expect(imported()).toContain('project-copy');
    expect(imported()).not.toContain('tool-copy');
  });

  it('finds a backend package run in its own folder (the project is the package)', async () => {
    const dir = join(root, 'self-npu');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({
        name: 'self-npu',
        version: '1.0.0',
        type: 'module',
        main: 'index.js',
        lastmile: { backend: 'self-npu' },
      }),
    );
    writeFileSync(join(dir, 'index.js'), backendSource('self-npu', 'self-npu'));
    expect((await resolveBackend('self-npu', { projectRoot: dir })).name).toBe('self-npu');
    // A project of another name is not the package, and a broken package.json there is not a match.
    writeFileSync(join(dir, 'package.json'), '{ not json');
    await expect(resolveBackend('self-npu', { projectRoot: dir })).rejects.toThrow(/npm install self-npu/);
  });
});
