/**
 * `lastmile compile` then `lastmile run <bundle>`: the bundle runs in a fresh process without the model,
 * bit-identical to running the model; a damaged bundle is refused with a typed error and exit status 3,
 * and nothing runs (no output is written).
 */
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CompileResult } from './compile-command.js';
import { CLS_MODEL, lastmile, tempDir } from './testing.js';

let dir: string;
let bundle: string;
let compiled: CompileResult;

beforeAll(async () => {
  dir = tempDir();
  const model = join(dir, 'cls.onnx');
  copyFileSync(CLS_MODEL, model);
  bundle = join(dir, 'cls.bundle');
  const shape = ['--shape', 'x=1x3x48x192'];
  const r = await lastmile(['compile', model, ...shape, '--backends', 'cpu-neon', '-o', bundle, '--json']);
  expect(r.code, r.stderr).toBe(0);
  compiled = JSON.parse(r.stdout) as CompileResult;
  rmSync(model);
}, 120_000);

describe('lastmile compile and run <bundle> (built CLI as processes)', () => {
  it('writes a bundle that runs without the model, bit-identical to the model on cpu-neon', async () => {
    expect(compiled.partitions.map((p) => p.backend)).toEqual(['cpu-neon']);
    expect(compiled.bytes).toBe(readFileSync(bundle).length);
    const fromBundle = join(dir, 'from-bundle');
    const fromModel = join(dir, 'from-model');
    const [a, b] = await Promise.all([
      lastmile(['run', bundle, '--seed', '3', '--output-dir', fromBundle, '--json']),
      lastmile([
        'run',
        CLS_MODEL,
        '--shape',
        'x=1x3x48x192',
        '--backends',
        'cpu-neon',
        '--seed',
        '3',
        '--output-dir',
        fromModel,
      ]),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const outputs = (JSON.parse(a.stdout) as { outputs: { name: string; file: string }[] }).outputs;
    expect(outputs.length).toBeGreaterThan(0);
    for (const { file } of outputs) {
      const name = file.slice(fromBundle.length);
      expect(readFileSync(file).equals(readFileSync(join(fromModel, name)))).toBe(true);
    }
  }, 120_000);

  it.each([
    [
      'one flipped byte',
      (b: Buffer) => Buffer.from(b.map((v, i) => (i === b.length >> 1 ? v ^ 1 : v))),
      /LM_SERIALIZATION.*hash/,
    ],
    ['a truncated file', (b: Buffer) => b.subarray(0, b.length - 64), /LM_SERIALIZATION.*truncated/],
  ])('refuses %s with exit status 3 and runs nothing', async (_, damage, message) => {
    const damaged = join(tempDir(), 'damaged.bundle');
    writeFileSync(damaged, damage(readFileSync(bundle)));
    const out = join(tempDir(), 'out');
    const r = await lastmile(['run', damaged, '--output-dir', out]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses compile options on a bundle (usage error)', async () => {
    const r = await lastmile(['run', bundle, '--backends', 'reference']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/a bundle is compiled/);
  });
});
