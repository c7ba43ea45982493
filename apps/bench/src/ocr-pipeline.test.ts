import { describe, expect, it } from 'vitest';
import { markdownReport } from './markdown.js';
import { ocrContestants, ocrOptionsOf, partMedians, partsOf } from './ocr-pipeline.js';
import type { CellOutcome, OcrRecord } from './orchestrate.js';
import type { ContestantSpec } from './protocol.js';
import type { BenchReport } from './report.js';
import { summarize } from './stats.js';
import { terminalReport } from './terminal.js';

const spec = (id: string, family: ContestantSpec['family'], threads?: number, backend?: string): ContestantSpec => ({
  id,
  label: id,
  family,
  threads,
  backend,
});
const all = [
  spec('reference', 'lastmile', undefined, 'reference'),
  spec('cpu-neon-1t', 'lastmile', 1, 'cpu-neon'),
  spec('cpu-neon-2t', 'lastmile', 2, 'cpu-neon'),
  spec('ort-node-1t', 'ort-node', 1),
  spec('ort-node-2t', 'ort-node', 2),
  spec('ort-web-1t', 'ort-web', 1),
  spec('ort-web-2t', 'ort-web', 2),
];

const run = (ms: Record<string, number>) => Object.entries(ms).map(([stage, v]) => ({ stage, ms: v }));

describe('the OCR pipeline as a bench subject', () => {
  it('sums the stages of a run into pre-processing, det, DB post, cls, rec and CTC', () => {
    const timings = run({
      decode: 5,
      'det.resize': 3,
      'det.normalize': 2,
      'det.model': 40,
      'det.post': 8,
      crop: 1,
      'cls.resize': 1,
      'cls.normalize': 1,
      'cls.model': 4,
      'cls.post': 0.5,
      'rec.resize': 2,
      'rec.normalize': 1,
      'rec.model': 200,
      'rec.post': 3,
    });
    expect(partsOf(timings)).toEqual([
      { stage: 'pre-processing', ms: 16 },
      { stage: 'det', ms: 40 },
      { stage: 'DB post', ms: 8 },
      { stage: 'cls', ms: 4.5 },
      { stage: 'rec', ms: 200 },
      { stage: 'CTC', ms: 3 },
    ]);
    const medians = partMedians([
      run({ 'det.model': 30, 'rec.model': 100 }),
      run({ 'det.model': 50, 'rec.model': 300 }),
      run({ 'det.model': 40, 'rec.model': 90 }),
    ]);
    expect(medians.find((m) => m.stage === 'det')?.ms).toBe(40);
    expect(medians.find((m) => m.stage === 'rec')?.ms).toBe(100);
    expect(partMedians([])).toEqual([]);
  });

  it('runs every contestant but the naive reference, and one per engine in a quick run', () => {
    const full = ocrContestants(all, false);
    expect(full.contestants.map((c) => c.id)).toEqual([
      'cpu-neon-1t',
      'cpu-neon-2t',
      'ort-node-1t',
      'ort-node-2t',
      'ort-web-1t',
      'ort-web-2t',
    ]);
    expect(full.skipped).toEqual([{ id: 'reference', reason: expect.stringMatching(/naive reference backend/) }]);
    expect(ocrContestants([...all].reverse(), true).contestants.map((c) => c.id)).toEqual([
      'ort-web-1t',
      'ort-node-1t',
      'cpu-neon-1t',
    ]);
  });

  it('maps each contestant to its OCR engine, backend and threads', () => {
    expect(ocrOptionsOf(all[2])).toEqual({ engine: 'lastmile', backends: ['cpu-neon'], threads: 2 });
    expect(ocrOptionsOf(all[3])).toEqual({ engine: 'onnxruntime', threads: 1 });
    expect(ocrOptionsOf(all[6])).toEqual({ engine: 'onnxruntime-web', threads: 2 });
  });
});

function cell(contestant: string, times: number[] | 'wrong'): CellOutcome {
  if (times === 'wrong')
    return {
      model: 'ocr-pipeline',
      contestant,
      status: 'wrong',
      reason: 'read ["0rder"], onnxruntime-node reads ["Order"]',
      best: { status: 'wrong', pass: 0 },
      passes: [],
      noise: [],
    };
  const summary = summarize(times);
  const stages = partMedians([run({ decode: 2, 'det.model': times[0] / 4, 'rec.model': times[0] / 2, 'rec.post': 1 })]);
  return {
    model: 'ocr-pipeline',
    contestant,
    status: 'ok',
    best: { status: 'ok', pass: 0, samples: times, summary, stages },
    passes: [{ pass: 0, status: 'ok', median: summary.median, runs: times.length, loadBefore: 0, loadAfter: 0 }],
    noise: [],
  };
}

const ocr: OcrRecord = {
  image: 'apps/ocr/samples/sample.png',
  width: 600,
  height: 212,
  lines: ['Order 2024-0193', 'Thank you'],
  parts: ['pre-processing', 'det', 'DB post', 'cls', 'rec', 'CTC'],
  contestants: ['cpu-neon-1t', 'ort-web-1t', 'gpu-opencl'],
  skipped: [
    { id: 'reference', reason: 'not run on the OCR pipeline: the naive reference backend takes about 30 s a run' },
  ],
  cells: [cell('cpu-neon-1t', [300, 310, 290]), cell('ort-web-1t', [600, 600, 600]), cell('gpu-opencl', 'wrong')],
};

const report: BenchReport = {
  command: 'pnpm bench --models ocr-pipeline',
  date: '2026-01-02T03:04:05.000Z',
  durationS: 42,
  quick: false,
  machine: { cpu: 'Test CPU', cores: 4, memoryGiB: 8, os: 'linux', node: 'v20.0.0', versions: {} },
  method: { minWarmupMs: 1000, maxWarmupMs: 10_000, minRuns: 20, minTimedMs: 2000, maxCellMs: 60_000 },
  passes: 3,
  seed: 7,
  models: [],
  contestants: [
    spec('cpu-neon-1t', 'lastmile', 1, 'cpu-neon'),
    spec('gpu-opencl', 'lastmile', undefined, 'gpu-opencl'),
    spec('ort-web-1t', 'ort-web', 1),
  ],
  skipped: [],
  cells: [],
  ocr,
};

describe('the OCR pipeline in the reports', () => {
  it('has its own Markdown section: image, text, end-to-end medians, parts, ratios to each peer, what did not count', () => {
    const md = markdownReport(report);
    expect(md).toContain('## OCR pipeline');
    expect(md).toContain('`apps/ocr/samples/sample.png` (600x212), 2 lines: "Order 2024-0193", "Thank you"');
    expect(md).toContain(
      '| contestant | end to end ms (p10-p90) | pre-processing | det | DB post | cls | rec | CTC | vs ort-web-1t | notes |',
    );
    expect(md).toContain('| cpu-neon-1t | 300 (292-308) | 2.00 | 75.0 | 0.00 | 0.00 | 150 | 1.00 | 2.00x faster |  |');
    expect(md).toContain('| ort-web-1t | 600 (600-600) | 2.00 | 150 | 0.00 | 0.00 | 300 | 1.00 | - |  |');
    expect(md).toMatch(/\| gpu-opencl \| WRONG \| - .* WRONG: read \["0rder"\]/);
    expect(md).toContain('- `reference`: not run on the OCR pipeline: the naive reference backend');
  });

  it('prints its own terminal table, compared with onnxruntime-web at one thread', () => {
    const text = terminalReport(report);
    expect(text).toContain(
      'OCR pipeline on apps/ocr/samples/sample.png (600x212), end to end (ms; parts are medians):',
    );
    expect(text).toMatch(
      /contestant\s+median ms\s+p10-p90\s+runs\s+pre-processing\s+det\s+DB post\s+cls\s+rec\s+CTC\s+vs ort-web-1t\s+notes/,
    );
    expect(text).toMatch(
      /cpu-neon-1t\s+300\s+292-308\s+3\s+2\.00\s+75\.0\s+0\.00\s+0\.00\s+150\s+1\.00\s+2\.00x faster/,
    );
    expect(text).toContain(
      'not run on the OCR pipeline: reference: the naive reference backend takes about 30 s a run',
    );
    expect(text.startsWith('model')).toBe(false);
  });

  it('says why the pipeline did not run', () => {
    const failed = { ...report, ocr: { ...ocr, error: 'no such image', cells: [] } };
    expect(markdownReport(failed)).toContain('Not run: no such image');
    expect(terminalReport(failed)).toContain('OCR pipeline not run: no such image');
  });
});
