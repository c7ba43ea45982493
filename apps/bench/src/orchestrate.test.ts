import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ppocrModelPath } from '@lastmile/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileModel, type ModelSpec } from './models.js';
import { noiseReasons, rotate, runBench, type BenchConfig } from './orchestrate.js';
import { readOutputs } from './outputs-file.js';
import type { AnyCellRequest, CellRequest, CellResult, OcrCellRequest } from './protocol.js';
import { summarize } from './stats.js';

const benchRoot = fileURLToPath(new URL('..', import.meta.url));
let workDir: string;
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'bench-orchestrate-'));
});
afterAll(() => rm(workDir, { recursive: true, force: true }));

const tiny: ModelSpec = {
  id: 'squeezenet11',
  label: 'SqueezeNet 1.1 32x32',
  source: { kind: 'architecture', name: 'squeezenet11', resolution: 32 },
};

const config = (models: ModelSpec[], passes = 3): BenchConfig => ({
  models,
  contestants: ['reference', 'ort-node-1t', 'ort-web-1t'],
  method: { minWarmupMs: 0, maxWarmupMs: 0, minRuns: 3, minTimedMs: 0, maxCellMs: 1000 },
  passes,
  seed: 7,
  profile: true,
  projectRoot: benchRoot,
  workDir,
  cores: 2,
});

const ok = (times: number[], extra: Partial<CellResult> = {}): CellResult => ({
  status: 'ok',
  samples: times,
  summary: summarize(times),
  createMs: 1,
  firstRunMs: 2,
  foreignCores: 0,
  ...extra,
});

describe('a bench run', () => {
  it('interleaves contestants, keeps the fastest pass, and does not repeat wrong or budget-bound cells', async () => {
    const calls: CellRequest[] = [];
    const medians: Record<number, number> = { 0: 10, 1: 8, 2: 9 };
    const runCell = async (request: CellRequest): Promise<CellResult> => {
      const pass = calls.filter((c) => c.contestant.id === request.contestant.id).length;
      calls.push(request);
      if (request.contestant.id === 'reference')
        return { status: 'wrong', reason: "output 'output': 3 of 10 elements outside" };
      if (request.contestant.id === 'ort-web-1t') return ok([50, 60], { budgetBound: true });
      return ok([medians[pass] - 1, medians[pass], medians[pass] + 1]);
    };
    const run = await runBench(config([tiny]), { runCell });

    expect(calls.map((c) => c.contestant.id)).toEqual([
      'reference',
      'ort-node-1t',
      'ort-web-1t',
      'ort-node-1t',
      'ort-node-1t',
    ]);
    expect(calls.map((c) => c.profile)).toEqual([true, true, true, false, false]);
    const node = run.cells.find((c) => c.contestant === 'ort-node-1t');
    expect(node?.best.pass).toBe(1);
    expect(node?.best.summary?.median).toBe(8);
    expect(node?.passes.map((p) => p.median)).toEqual([10, 8, 9]);
    expect(run.cells.find((c) => c.contestant === 'reference')).toMatchObject({
      status: 'wrong',
      passes: [{ status: 'wrong' }],
    });
    expect(run.cells.find((c) => c.contestant === 'ort-web-1t')?.best.budgetBound).toBe(true);
    expect(run.models[0]).toMatchObject({ id: 'squeezenet11', inputs: [{ name: 'input', dims: [1, 3, 32, 32] }] });
    expect(run.models[0].macs).toBeGreaterThan(1e6);
    expect(run.skipped.map((s) => s.id)).toEqual([]);
  });

  it('writes onnxruntime-node outputs as the expected values, and reports a model it cannot prepare', async () => {
    const seen: CellRequest[] = [];
    const symbolic = fileModel(ppocrModelPath('cls'), {}, new Set());
    const run = await runBench(
      { ...config([tiny, symbolic], 1), contestants: ['ort-node-1t'] },
      {
        runCell: async (r) => {
          seen.push(r as CellRequest);
          return ok([1, 2, 3]);
        },
      },
    );
    expect(run.models[1]).toMatchObject({
      id: 'ch_ppocr_mobile_v2.0_cls_infer',
      error: expect.stringMatching(/--shape x=/),
    });
    expect(seen).toHaveLength(1);
    const expected = await readOutputs(seen[0].expectedPath);
    expect(expected.output.dims).toEqual([1, 1000]);
    expect(Array.from(expected.output.data as Float32Array).every(Number.isFinite)).toBe(true);
  });

  it("runs the OCR pipeline after the models in each pass, on its own contestants, expecting onnxruntime-node's reading", async () => {
    const calls: AnyCellRequest[] = [];
    const imagePath = fileURLToPath(new URL('../../ocr/samples/sample.png', import.meta.url));
    const run = await runBench(
      { ...config([tiny], 2), ocr: { imagePath, label: 'sample.png', onePerEngine: false } },
      {
        runCell: async (r) => {
          calls.push(r);
          return ok([3, 4, 5], r.kind === 'ocr' ? { stages: [{ stage: 'det', ms: 1 }] } : {});
        },
      },
    );
    const order = calls.map((c) => `${c.kind === 'ocr' ? 'ocr' : 'model'}:${c.contestant.id}`);
    expect(order).toEqual([
      'model:reference',
      'model:ort-node-1t',
      'model:ort-web-1t',
      'ocr:ort-node-1t',
      'ocr:ort-web-1t',
      'model:ort-node-1t',
      'model:ort-web-1t',
      'model:reference',
      'ocr:ort-web-1t',
      'ocr:ort-node-1t',
    ]);
    const request = calls.find((c): c is OcrCellRequest => c.kind === 'ocr');
    expect(request?.expectedLines).toEqual(['Order 2024-0193', 'Total due: 418.50 EUR', 'Thank you for your order']);
    expect(run.cells.map((c) => c.model)).toEqual(['squeezenet11', 'squeezenet11', 'squeezenet11']);
    expect(run.ocr).toMatchObject({
      image: 'sample.png',
      width: 600,
      height: 212,
      contestants: ['ort-node-1t', 'ort-web-1t'],
      skipped: [{ id: 'reference' }],
    });
    expect(run.ocr?.cells.map((c) => [c.model, c.contestant, c.best.stages])).toEqual([
      ['ocr-pipeline', 'ort-node-1t', [{ stage: 'det', ms: 1 }]],
      ['ocr-pipeline', 'ort-web-1t', [{ stage: 'det', ms: 1 }]],
    ]);
  });

  it('reports an OCR pipeline it cannot prepare, and runs the models still', async () => {
    const run = await runBench(
      {
        ...config([tiny], 1),
        contestants: ['ort-node-1t'],
        ocr: { imagePath: '/no/such.png', label: 'such.png', onePerEngine: true },
      },
      { runCell: async () => ok([1, 2, 3]) },
    );
    expect(run.cells).toHaveLength(1);
    expect(run.ocr).toMatchObject({ error: expect.stringContaining('/no/such.png'), cells: [] });
  });

  it('rotates the contestant order by one each pass', () => {
    expect(rotate(['a', 'b', 'c'], 0)).toEqual(['a', 'b', 'c']);
    expect(rotate(['a', 'b', 'c'], 1)).toEqual(['b', 'c', 'a']);
    expect(rotate(['a', 'b', 'c'], 4)).toEqual(['b', 'c', 'a']);
  });

  it('marks cells noisy for foreign load or a wide spread', () => {
    expect(noiseReasons(ok([10, 10, 10, 10, 10]), 0.5, 2)).toEqual([]);
    expect(noiseReasons(ok([10, 10, 10, 10, 10], { foreignCores: 0.8 }), 0.5, 2)).toEqual([
      'other processes kept 0.80 cores busy',
    ]);
    expect(noiseReasons(ok([10, 10, 10, 10, 10], { foreignCores: undefined }), 3.1, 2)).toEqual([
      'load average 3.10 on 2 cores',
    ]);
    expect(noiseReasons(ok([10, 10, 10, 20, 20]), 0, 2)[0]).toMatch(/^wide spread \(p90\/p10 = 2\.00\)$/);
  });
});
