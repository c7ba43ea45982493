/**
 * End to end: the built entry run as `pnpm bench --quick` would run it, on one tiny model and two
 * contestants, each cell in its own child process.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchReport } from './report.js';

const benchRoot = fileURLToPath(new URL('..', import.meta.url));
// Built apart from dist/ so a concurrent `pnpm build` is not disturbed; node_modules resolve the same way.
const testDist = join(benchRoot, '.test-dist');
const run = promisify(execFile);
let out: string;

beforeAll(async () => {
  await build({
    entry: [join(benchRoot, 'src/main.ts')],
    outDir: testDist,
    format: ['esm'],
    target: 'node20',
    clean: true,
    silent: true,
    config: false,
  });
  out = await mkdtemp(join(tmpdir(), 'bench-e2e-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
  await rm(testDist, { recursive: true, force: true });
});

describe('pnpm bench --quick', () => {
  it('runs every cell in a child, checks outputs, and writes the table, JSON, Markdown and SVG', async () => {
    const args = [
      '--quick',
      '--models',
      'squeezenet11',
      '--contestants',
      'reference,ort-node-1t,cpu-neon-1t,npu-nnie',
      '--out',
      out,
    ];
    const { stdout, stderr } = await run(process.execPath, [join(testDist, 'main.js'), ...args], {
      timeout: 60_000,
      env: { ...process.env, CI: '1' },
    });
    expect(stderr).toBe('');
    // How many timed runs fit a cell's time budget depends on the machine's load: 1 to 3 in a quick run.
    expect(stdout).toMatch(/squeezenet11\s+reference\s+[\d.]+\s+[\d.]+-[\d.]+\s+[1-3]\s+[\d.]+\s+[\d.]+x slower/);
    expect(stdout).toMatch(/squeezenet11\s+ort-node-1t\s+[\d.]+/);
    expect(stdout).toMatch(/squeezenet11\s+cpu-neon-1t\s+[\d.]+/);
    expect(stdout).toMatch(/not run: npu-nnie: backend 'npu-nnie' is not installed/);

    const report = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as BenchReport;
    expect(report.quick).toBe(true);
    expect(report.models).toMatchObject([{ id: 'squeezenet11', inputs: [{ name: 'input', dims: [1, 3, 64, 64] }] }]);
    const runsFit = (runs: number | undefined) => runs !== undefined && runs >= 1 && runs <= 3;
    expect(
      report.cells.map((c) => [c.contestant, c.status, c.best.verdict?.ok, runsFit(c.best.summary?.runs)]),
    ).toEqual([
      ['reference', 'ok', true, true],
      ['cpu-neon-1t', 'ok', true, true],
      ['ort-node-1t', 'ok', true, true],
    ]);
    expect(await readFile(join(out, 'report.md'), 'utf8')).toContain('# Benchmarks (quick smoke run');
    expect(await readFile(join(out, 'latency.svg'), 'utf8')).toMatch(
      /^<svg[\s\S]*reference[\s\S]*ort-node-1t[\s\S]*<\/svg>$/,
    );

    // The reports can be rewritten from the JSON alone.
    const again = join(out, 'again');
    await run(process.execPath, [
      join(testDist, 'main.js'),
      '--report-from',
      join(out, 'results.json'),
      '--out',
      again,
    ]);
    expect(await readFile(join(again, 'report.md'), 'utf8')).toBe(await readFile(join(out, 'report.md'), 'utf8'));
  });

  it("runs apps/ocr's whole pipeline once per engine, end to end with its parts, and the reports keep it", async () => {
    const dir = join(out, 'ocr');
    const args = [
      '--quick',
      '--models',
      'ocr-pipeline',
      '--contestants',
      'reference,cpu-neon,ort-node,ort-web',
      '--out',
      dir,
    ];
    const { stdout, stderr } = await run(process.execPath, [join(testDist, 'main.js'), ...args], {
      timeout: 110_000,
      env: { ...process.env, CI: '1' },
    });
    expect(stderr).toBe('');
    expect(stdout).toMatch(/OCR pipeline on apps\/ocr\/samples\/sample\.png \(600x212\)/);
    expect(stdout).toMatch(/cpu-neon-1t\s+[\d.]+\s+[\d.]+-[\d.]+\s+[1-3]\s+[\d.]+\s+[\d.]+/);
    const report = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as BenchReport;
    expect(report.cells).toEqual([]);
    expect(report.ocr?.skipped.map((s) => s.id)).toEqual(['reference']);
    expect(
      report.ocr?.cells.map((c) => [
        c.contestant,
        c.status,
        (c.best.summary?.runs ?? 0) >= 1 && (c.best.summary?.runs ?? 0) <= 3,
        c.best.stages?.map((s) => s.stage),
      ]),
    ).toEqual(
      ['cpu-neon-1t', 'ort-node-1t', 'ort-web-1t'].map((id) => [
        id,
        'ok',
        true,
        ['pre-processing', 'det', 'DB post', 'cls', 'rec', 'CTC'],
      ]),
    );
    const md = await readFile(join(dir, 'report.md'), 'utf8');
    expect(md).toMatch(/## OCR pipeline[\s\S]*\| cpu-neon-1t \| [\d.]+ \([\d.]+-[\d.]+\) \|/);
    const again = join(dir, 'again');
    await run(process.execPath, [
      join(testDist, 'main.js'),
      '--report-from',
      join(dir, 'results.json'),
      '--out',
      again,
    ]);
    expect(await readFile(join(again, 'report.md'), 'utf8')).toBe(md);
  }, 120_000);

  it('refuses an unknown contestant with a typed error and exit code 1', async () => {
    const failure = await run(process.execPath, [join(testDist, 'main.js'), '--contestants', 'tflite']).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toMatch(/^error LM_\w+: --contestants: unknown 'tflite'/);
  });
});
