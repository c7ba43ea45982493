/**
 * Test fixtures: the built CLI run as a process, small models written as ONNX files, and a project root
 * with a fake simulator backend. Used by the *.test.ts files only (not part of the build).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Dim, type Model, Tensor, emptyGraph, makeNode } from '@lastmile/core';
import { ModelBuilder, ppocrModelPath } from '@lastmile/models';
import { encodeModel } from '@lastmile/onnx';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
/** The built executable the tests run. */
export const CLI = join(PACKAGE_DIR, 'dist', 'cli.js');
export const CLS_MODEL = ppocrModelPath('cls');

/** What a CLI process left behind. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `lastmile ...args` and resolves with its exit status and output (never rejects on a failing command). */
export function lastmile(args: readonly string[], options: { cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { timeout: 60_000, maxBuffer: 16 << 20, ...options },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(error);
        else resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
  });
}

/** A fresh temporary folder. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'lastmile-cli-test-'));
}

/** A conv net: x float32[1x3x8x8] -> Conv(4, 3x3, pad 1, bias) -> Relu -> y float32[1x4x8x8]. */
export function convModel(): Model {
  const b = new ModelBuilder({ opset: 17, seed: 7, name: 'tiny-conv' });
  const x = b.input('x', [1, 3, 8, 8]);
  b.output(b.relu(b.conv(x, { outChannels: 4, kernel: 3, pad: 1, bias: true, name: 'conv' }), 'relu'), 'y');
  return b.build();
}

/**
 * y = Relu(x) + bias and z = Relu(x) with x float32[N x 4] (a symbolic batch), bias = [1, 2, 3, 4]: values
 * a test can check by hand.
 */
export function reluAddModel(): Model {
  const graph = emptyGraph('relu-add');
  graph.inputs.push({ name: 'x', type: 'float32', shape: ['N', 4] });
  graph.initializers.set('bias', new Tensor('float32', [1, 2, 3, 4], [4]));
  graph.nodes.push(makeNode('Relu', ['x'], ['z'], {}, 'relu'), makeNode('Add', ['z', 'bias'], ['y'], {}, 'add'));
  graph.outputs.push({ name: 'y', type: 'float32', shape: ['N', 4] }, { name: 'z', type: 'float32', shape: ['N', 4] });
  return { irVersion: 8, opsets: new Map([['', 17]]), graph, metadata: new Map() };
}

/** y = Relu(x), x float32 of `shape` (dims may be symbolic): an image input shows through unchanged. */
export function reluModel(shape: Dim[]): Model {
  const graph = emptyGraph('relu');
  graph.inputs.push({ name: 'x', type: 'float32', shape });
  graph.nodes.push(makeNode('Relu', ['x'], ['y'], {}, 'relu'));
  graph.outputs.push({ name: 'y', type: 'float32', shape });
  return { irVersion: 8, opsets: new Map([['', 17]]), graph, metadata: new Map() };
}

/** Writes `model` as ONNX into `dir` and returns its path. */
export function writeModel(dir: string, name: string, model: Model): string {
  const path = join(dir, name);
  writeFileSync(path, encodeModel(model));
  return path;
}

const FAKE_SIMULATOR = `import { backend as reference } from '@lastmile/backend-reference';
export const backend = {
  apiVersion: 1,
  name: 'lastmile-backend-fakesim',
  probe: () => ({ available: true, kind: 'simulator', device: 'FakeNPU 1.0 simulator', details: { cores: 2 } }),
  supports: (node) => (['Relu', 'Add'].includes(node.opType) ? { supported: true } : { supported: false, reason: 'FakeNPU has no ' + node.opType + ' unit' }),
  compile: (partition, options) => reference.compile(partition, options),
};
`;

function writePackage(root: string, name: string, manifest: Record<string, unknown>, source: string): void {
  const dir = join(root, 'node_modules', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name, version: '1.0.0', type: 'module', main: 'index.js', ...manifest }),
  );
  writeFileSync(join(dir, 'index.js'), source);
}

/**
 * A project root with the reference backend installed (linked), a third-party simulator backend
 * (`lastmile-backend-fakesim`: Relu and Add only) and a broken one (`lastmile-backend-broken`: exports
 * no descriptor).
 */
export function fakeProject(): string {
  const root = tempDir();
  const scope = join(root, 'node_modules', '@lastmile');
  mkdirSync(scope, { recursive: true });
  const reference = realpathSync(join(PACKAGE_DIR, 'node_modules', '@lastmile', 'backend-reference'));
  symlinkSync(reference, join(scope, 'backend-reference'), 'dir');
  writePackage(root, 'lastmile-backend-fakesim', { lastmile: { backend: 'lastmile-backend-fakesim' } }, FAKE_SIMULATOR);
  writePackage(
    root,
    'lastmile-backend-broken',
    { lastmile: { backend: 'lastmile-backend-broken' } },
    'export const notABackend = 1;\n',
  );
  writeFileSync(
    join(root, 'package.json'),
    JSON.stringify({
      name: 'app',
      private: true,
      dependencies: {
        'lastmile-backend-fakesim': '1.0.0',
        'lastmile-backend-broken': '1.0.0',
        '@lastmile/backend-reference': '*',
      },
    }),
  );
  return root;
}
