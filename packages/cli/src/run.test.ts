import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tensor } from '@lastmile/core';
import { encodeTensor } from '@lastmile/onnx';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy } from './npy.js';
import type { RunResult } from './run-command.js';
import { CLS_MODEL, convModel, fakeProject, lastmile, reluAddModel, tempDir, writeModel } from './testing.js';

let dir: string;
let conv: string;
let reluAdd: string;
const X = new Tensor('float32', [-1, 2, -3, 4, 5, -6, 7, -8], [2, 4]);

beforeAll(() => {
  dir = tempDir();
  conv = writeModel(dir, 'conv.onnx', convModel());
  reluAdd = writeModel(dir, 'relu-add.onnx', reluAddModel());
  writeFileSync(join(dir, 'x.npy'), encodeNpy(X));
  writeFileSync(join(dir, 'x.pb'), encodeTensor(X, 'x'));
});

describe('lastmile run (built CLI as a process)', () => {
  it('runs a model on seeded random input and prints each output with its statistics', async () => {
    const r = await lastmile(['run', conv]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^input +x +float32\[1x3x8x8\] +from random \(seed 0\)$/m);
    // No --backends: the library's default order, cpu-neon (installed with the CLI here) then reference.
    expect(r.stdout).toMatch(/^backends +cpu-neon, reference$/m);
    expect(r.stdout).toMatch(/^partitions +cpu-neon \(\d+ nodes?\)$/m);
    expect(r.stdout).toMatch(/^y +float32\[1x4x8x8\] +min 0 +max [\d.]+ +mean [\d.]+\n +\[[\d., e-]+, \.\.\.\]$/m);
    expect(r.stderr).toBe('');
  });

  it('gives the same numbers for the same seed and different ones for another', async () => {
    const [a, b, c] = await Promise.all(
      [
        ['run', conv, '--json'],
        ['run', conv, '--json'],
        ['run', conv, '--json', '--seed', '1'],
      ].map((args) => lastmile(args)),
    );
    const first = (r: { stdout: string }) => (JSON.parse(r.stdout) as RunResult).outputs[0].first;
    expect(first(a)).toEqual(first(b));
    expect(first(a)).not.toEqual(first(c));
  });

  it.each([
    ['.npy', 'x.npy'],
    ['ONNX TensorProto .pb', 'x.pb'],
  ])('feeds an input from a %s file and saves the outputs as .npy', async (_kind, file) => {
    const out = join(tempDir(), 'out');
    const r = await lastmile(['run', reluAdd, '--input', `x=${join(dir, file)}`, '--output-dir', out, '--json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as RunResult;
    expect(result.inputs).toEqual([{ name: 'x', dtype: 'float32', shape: [2, 4], source: join(dir, file) }]);
    // z = relu(x); y = z + [1, 2, 3, 4].
    const y = decodeNpy(readFileSync(join(out, 'y.npy')), 'y.npy');
    const z = decodeNpy(readFileSync(join(out, 'z.npy')), 'z.npy');
    expect(y.dims).toEqual([2, 4]);
    expect([...y.data]).toEqual([1, 4, 3, 8, 6, 2, 10, 4]);
    expect([...z.data]).toEqual([0, 2, 0, 4, 5, 0, 7, 0]);
    expect(result.outputs.map((o) => [o.name, o.file, o.min, o.max, o.mean])).toEqual([
      ['y', join(out, 'y.npy'), 1, 10, 4.75],
      ['z', join(out, 'z.npy'), 0, 7, 2.25],
    ]);
  });

  it('takes the input name as optional for a one-input model', async () => {
    const r = await lastmile(['run', reluAdd, '--input', join(dir, 'x.npy'), '--json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as RunResult).outputs[1].first).toEqual([0, 2, 0, 4, 5, 0, 7, 0]);
  });

  it('sets a symbolic batch dim to 1 with a notice, or to the --shape given', async () => {
    const defaulted = await lastmile(['run', reluAdd, '--json']);
    expect(defaulted.code).toBe(0);
    expect(defaulted.stderr).toMatch(/notice: input 'x': symbolic batch dim 'N' set to 1/);
    expect((JSON.parse(defaulted.stdout) as RunResult).outputs[0].shape).toEqual([1, 4]);
    const given = await lastmile(['run', reluAdd, '--shape', 'x=3x4', '--json']);
    expect((JSON.parse(given.stdout) as RunResult).outputs[0].shape).toEqual([3, 4]);
  });

  it('runs the PP-OCR direction classifier: two probabilities summing to 1, as JSON', async () => {
    const r = await lastmile(['run', CLS_MODEL, '--shape', 'x=1x3x48x192', '--json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as RunResult;
    expect(Object.keys(result)).toEqual(['model', 'backends', 'inputs', 'partitions', 'timings', 'outputs']);
    expect(result.backends).toEqual(['cpu-neon', 'reference']);
    expect(result.outputs).toHaveLength(1);
    const [p] = result.outputs;
    expect(p).toMatchObject({ name: 'softmax_0.tmp_0', dtype: 'float32', shape: [1, 2], nanCount: 0 });
    expect(p.first[0] + p.first[1]).toBeCloseTo(1, 5);
    expect(result.timings.runMs).toBeGreaterThan(0);
  });

  it('runs on a third-party simulator backend, falling back to reference for what it declines', async () => {
    const args = ['run', conv, '--project-root', fakeProject(), '--backends', 'lastmile-backend-fakesim,reference'];
    const r = await lastmile([...args, '--min-partition-nodes', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^partitions +reference \(1 node\) -> lastmile-backend-fakesim \(1 node\)$/m);
    // By default a one-node piece is not worth its boundaries: it runs on the neighbouring backend.
    const merged = await lastmile(args);
    expect(merged.stdout).toMatch(/^partitions +reference \(2 nodes\)$/m);
  });
});

describe('lastmile run: errors and exit codes', () => {
  const noStack = (stderr: string) => expect(stderr).not.toMatch(/^\s+at /m);

  it('exits 3 for a missing model file, naming it in one line', async () => {
    const r = await lastmile(['run', join(dir, 'missing.onnx')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^lastmile: error LM_MODEL_FORMAT: cannot read model file '.*missing\.onnx' \(ENOENT\)$/m);
    noStack(r.stderr);
  });

  it('exits 3 for a corrupt model', async () => {
    const corrupt = join(dir, 'corrupt.onnx');
    writeFileSync(
      corrupt,
      Uint8Array.from({ length: 64 }, (_, i) => (i * 97 + 13) % 256),
    );
    const r = await lastmile(['run', corrupt]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^lastmile: error LM_MODEL_FORMAT: /m);
    noStack(r.stderr);
  });

  it('exits 4 for a backend that is not installed, and for a misspelt one', async () => {
    const missing = await lastmile(['run', conv, '--backends', 'lastmile-backend-nosuch']);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/^lastmile: error LM_BACKEND_UNAVAILABLE: no usable backend:$/m);
    expect(missing.stderr).toMatch(/lastmile-backend-nosuch: backend 'lastmile-backend-nosuch' is not installed/);
    const typo = await lastmile(['run', conv, '--backends', 'refrence']);
    expect(typo.code).toBe(4);
    expect(typo.stderr).toMatch(
      /^lastmile: error LM_PLUGIN: backend 'refrence' refused: it looks like a misspelling of the built-in backend 'reference'$/m,
    );
  });

  it('exits 3 with every declined node listed when --no-fallback leaves nodes unplaced', async () => {
    const r = await lastmile([
      'run',
      conv,
      '--project-root',
      fakeProject(),
      '--backends',
      'lastmile-backend-fakesim,reference',
      '--no-fallback',
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /^lastmile: error LM_UNSUPPORTED_OP: fallback is off and backend 'lastmile-backend-fakesim' does not support 1 node:$/m,
    );
    expect(r.stderr).toMatch(/conv \(Conv\): lastmile-backend-fakesim: FakeNPU has no Conv unit/);
  });

  it.each([
    [
      ['--shape', 'x=1x3xeightx8'],
      /--shape 'x=1x3xeightx8': dims '1x3xeightx8' must be positive integers joined by 'x'/,
    ],
    [['--shape', 'x=1x3x8'], /--shape 'x=1x3x8' does not fit input 'x', declared 1x3x8x8/],
    [['--shape', 'y=1x3x8x8'], /--shape 'y=1x3x8x8': the model has no input 'y' \(its inputs are 'x'\)/],
    [['--input', 'x=random', '--input', 'x=random'], /--input is given twice for input 'x'/],
    [['--backends', 'reference,,cpu-neon'], /--backends 'reference,,cpu-neon' must be names separated by commas/],
    [['--seed', '-1'], /--seed must be an integer >= 0, got '-1'/],
    [['--min-partition-nodes', '0'], /--min-partition-nodes must be an integer >= 1, got '0'/],
    [['--shape', 'x=100000x100000x3x8'], /does not fit input 'x'/],
    [['--shape', 'x=1x0x8x8'], /--shape 'x=1x0x8x8': dims '1x0x8x8': a dim of 0 leaves the tensor empty/],
    [['--output-dir', fileURLToPath(import.meta.url)], /--output-dir '.*run\.test\.ts' exists and is not a folder/],
  ])('exits 2 for bad options %j', async (args, message) => {
    const r = await lastmile(['run', conv, ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^lastmile: usage error: /m);
    expect(r.stderr).toMatch(message);
    noStack(r.stderr);
  });

  it('reports each compiled partition with --verbose (a bar on a terminal), on stderr only', async () => {
    const r = await lastmile(['run', conv, '--verbose', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^notice: compiled partition 1\/1 on cpu-neon \(\d+ nodes?\) in \d+ ms$/m);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
  });

  it('exits 2 when symbolic dims other than the batch have no --shape', async () => {
    const r = await lastmile(['run', CLS_MODEL]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /input 'x' has symbolic dims \[p2o\.DynamicDimension\.0, 3, p2o\.DynamicDimension\.1, p2o\.DynamicDimension\.2\]; give its shape with --shape x=Nx3xNxN/,
    );
  });

  it('exits 2 for an oversized random input', async () => {
    const r = await lastmile(['run', reluAdd, '--shape', 'x=100000000x4']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^lastmile: error LM_INPUT: random input of shape 100000000x4 has 400000000 elements, over the limit/m,
    );
  });

  it('exits 2 for a bad .npy, a missing input file and a wrong input dtype, naming the file', async () => {
    const truncated = join(dir, 'truncated.npy');
    writeFileSync(truncated, encodeNpy(X).subarray(0, 140));
    const bad = await lastmile(['run', reluAdd, '--input', `x=${truncated}`]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^lastmile: error LM_TENSOR_DATA: .*truncated\.npy: float32\[2x4\] needs 32 data bytes, the file has 12 \(truncated\)$/m,
    );
    const missing = await lastmile(['run', reluAdd, '--input', `x=${join(dir, 'nope.npy')}`]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^lastmile: error LM_INPUT: input 'x': cannot open '.*nope\.npy' \(ENOENT\)$/m);
    const ints = join(dir, 'ints.npy');
    writeFileSync(ints, encodeNpy(new Tensor('int32', [1, 2, 3, 4], [1, 4])));
    const dtype = await lastmile(['run', reluAdd, '--input', `x=${ints}`]);
    expect(dtype.code).toBe(2);
    expect(dtype.stderr).toMatch(/^lastmile: error LM_INPUT: input 'x': expected dtype float32, got int32$/m);
  });

  it('exits 2 for a FIFO or a folder given as an input file, without waiting on it', async () => {
    const fifo = join(dir, 'fifo.npy');
    execFileSync('mkfifo', [fifo]);
    const r = await lastmile(['run', reluAdd, '--input', `x=${fifo}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^lastmile: error LM_INPUT: input 'x': '.*fifo\.npy' is not a regular file$/m);
    const folder = await lastmile(['run', reluAdd, '--input', `x=${dir}`]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/is not a regular file$/m);
  });

  it('exits 2 for a file that is neither .npy nor a TensorProto', async () => {
    const junk = join(dir, 'junk.pb');
    writeFileSync(junk, new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]));
    const r = await lastmile(['run', reluAdd, '--input', `x=${junk}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^lastmile: error LM_TENSOR_DATA: .*junk\.pb: not a valid TensorProto/m);
  });

  it('writes the error as JSON on stdout with --json, and details and a stack with --verbose', async () => {
    const json = await lastmile(['run', join(dir, 'missing.onnx'), '--json']);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toEqual({
      error: {
        code: 'LM_MODEL_FORMAT',
        name: 'ModelFormatError',
        message: expect.stringContaining('missing.onnx'),
        exitCode: 3,
        details: { path: join(dir, 'missing.onnx') },
      },
    });
    const verbose = await lastmile(['run', join(dir, 'missing.onnx'), '--verbose']);
    expect(verbose.stderr).toMatch(/^details: \{/m);
    expect(verbose.stderr).toMatch(/^\s+at /m);
  });

  it('exits 2 for an unknown option or command, with a usage hint', async () => {
    const option = await lastmile(['run', conv, '--frobnicate']);
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/unknown option '--frobnicate'/);
    const command = await lastmile(['frobnicate']);
    expect(command.code).toBe(2);
    const none = await lastmile([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^Usage: lastmile/m);
  });
});
