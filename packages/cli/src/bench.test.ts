import { beforeAll, describe, expect, it } from 'vitest';
import type { BenchResult } from './bench-command.js';
import { CLS_MODEL, convModel, fakeProject, lastmile, tempDir, writeModel } from './testing.js';

let conv: string;

beforeAll(() => {
  conv = writeModel(tempDir(), 'conv.onnx', convModel());
});

describe('lastmile bench (built CLI as a process)', () => {
  it('prints session, first-run and median/p10/p90 latency per backend', async () => {
    const r = await lastmile(['bench', conv, '--runs', '5', '--warmup-ms', '0']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^backend +session ms +first ms +median ms +p10 ms +p90 ms +runs +device$/m);
    expect(r.stdout).toMatch(/^reference +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+ +5 +reference kernels/m);
  });

  it('writes ordered statistics as JSON, and measures each backend on its own', async () => {
    const r = await lastmile([
      'bench',
      conv,
      '--runs',
      '4',
      '--warmup-ms',
      '20',
      '--json',
      '--project-root',
      fakeProject(),
      '--backends',
      'reference,lastmile-backend-fakesim',
    ]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as BenchResult;
    expect(result.inputs).toEqual([{ name: 'x', dtype: 'float32', shape: [1, 3, 8, 8], source: 'random (seed 0)' }]);
    const [reference, fake] = result.results;
    expect(reference).toMatchObject({ backend: 'reference', ok: true, runs: 4, kind: 'software' });
    if (!reference.ok) throw new Error('unreachable');
    expect(reference.p10Ms).toBeLessThanOrEqual(reference.medianMs);
    expect(reference.medianMs).toBeLessThanOrEqual(reference.p90Ms);
    expect(reference.warmupRuns).toBeGreaterThan(0);
    // Alone, the simulator cannot place the Conv: reported, not fatal for the others.
    expect(fake).toMatchObject({ backend: 'lastmile-backend-fakesim', ok: false, code: 'LM_UNSUPPORTED_OP' });
    expect(r.stderr).toMatch(/notice: backend lastmile-backend-fakesim: LM_UNSUPPORTED_OP: /);
  });

  it('benchmarks the PP-OCR classifier at a given shape', async () => {
    const r = await lastmile([
      'bench',
      CLS_MODEL,
      '--shape',
      'x=1x3x48x192',
      '--runs',
      '2',
      '--warmup-ms',
      '0',
      '--json',
    ]);
    expect(r.code).toBe(0);
    // No --backends: each backend of the library's default order, measured alone.
    const { results } = JSON.parse(r.stdout) as BenchResult;
    expect(results.map((x) => [x.backend, x.ok])).toEqual([
      ['cpu-neon', true],
      ['reference', true],
    ]);
    expect(results[0]).toMatchObject({ runs: 2 });
  });

  it('exits 4 when no backend can be measured, 2 for a bad --runs, 3 for a missing model', async () => {
    const none = await lastmile(['bench', conv, '--backends', 'lastmile-backend-nosuch', '--runs', '1']);
    expect(none.code).toBe(4);
    expect(none.stdout).toMatch(
      /^lastmile-backend-nosuch +failed: LM_BACKEND_UNAVAILABLE: no usable backend: lastmile-backend-nosuch: backend 'lastmile-backend-nosuch' is not installed/m,
    );
    const runs = await lastmile(['bench', conv, '--runs', '0']);
    expect(runs.code).toBe(2);
    expect(runs.stderr).toMatch(/--runs must be an integer >= 1, got '0'/);
    const missing = await lastmile(['bench', '/nonexistent/model.onnx']);
    expect(missing.code).toBe(3);
  });
});
