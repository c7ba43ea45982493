import { describe, expect, it } from 'vitest';
import { latencyChartSvg } from './chart.js';
import { markdownReport } from './markdown.js';
import type { CellOutcome } from './orchestrate.js';
import { summarizeProfile } from './profile.js';
import { type BenchReport, gflopsOf, ratioRows } from './report.js';
import { summarize } from './stats.js';
import { terminalReport } from './terminal.js';

function cell(
  model: string,
  contestant: string,
  times: number[] | 'wrong',
  extra: Partial<CellOutcome['best']> = {},
): CellOutcome {
  if (times === 'wrong') {
    return {
      model,
      contestant,
      status: 'wrong',
      reason: "output 'output': 5 of 1000 elements outside rtol 0.001 / atol 0.0001",
      best: { status: 'wrong', pass: 0 },
      passes: [],
      noise: [],
    };
  }
  const summary = summarize(times);
  return {
    model,
    contestant,
    status: 'ok',
    best: {
      status: 'ok',
      pass: 0,
      samples: times,
      summary,
      createMs: 50,
      firstRunMs: 2 * summary.median,
      warmupRuns: 4,
      warmupMs: 1000,
      ownCores: 1,
      foreignCores: 0,
      ...extra,
    },
    passes: [{ pass: 0, status: 'ok', median: summary.median, runs: times.length, loadBefore: 0.1, loadAfter: 0.9 }],
    noise: [],
  };
}

const report: BenchReport = {
  command: 'pnpm bench',
  date: '2026-01-02T03:04:05.000Z',
  durationS: 42,
  quick: false,
  machine: {
    cpu: 'Test CPU',
    cores: 2,
    memoryGiB: 8,
    os: 'linux',
    node: 'v20.0.0',
    versions: { 'onnxruntime-node': '1.30.0' },
  },
  method: { minWarmupMs: 1000, maxWarmupMs: 10_000, minRuns: 20, minTimedMs: 2000, maxCellMs: 60_000 },
  passes: 3,
  seed: 7,
  models: [
    { id: 'resnet18', label: 'ResNet-18 224x224', inputs: [{ name: 'input', dims: [1, 3, 224, 224] }], macs: 1.814e9 },
    { id: 'ppocr-cls', label: 'PP-OCR cls 48x192', inputs: [{ name: 'x', dims: [1, 3, 48, 192] }], macs: 1e8 },
  ],
  contestants: [
    { id: 'reference', label: 'lastmile reference', family: 'lastmile', backend: 'reference' },
    { id: 'ort-node-1t', label: 'onnxruntime-node 1t', family: 'ort-node', threads: 1 },
    { id: 'ort-web-2t', label: 'onnxruntime-web wasm SIMD 2t', family: 'ort-web', threads: 2 },
  ],
  skipped: [{ id: 'cpu-neon', reason: 'not installed' }],
  cells: [
    cell('resnet18', 'reference', [4000, 4100, 3900], {
      budgetBound: true,
      profile: summarizeProfile(
        [
          { name: 'conv1', op: 'Conv', ms: 300 },
          { name: 'layer1.0.conv1', op: 'Conv', ms: 200 },
          { name: 'relu', op: 'Relu', ms: 10 },
        ],
        2,
      ),
    }),
    cell('resnet18', 'ort-node-1t', [40, 41, 39, 40]),
    cell('resnet18', 'ort-web-2t', [80, 82, 78]),
    cell('ppocr-cls', 'reference', 'wrong'),
    cell('ppocr-cls', 'ort-node-1t', [2, 2, 2]),
    cell('ppocr-cls', 'ort-web-2t', [4, 4, 4]),
  ],
};

/** A strict enough well-formedness check: every tag closes in order, attributes are quoted, entities known. */
function expectWellFormedXml(text: string): void {
  const stack: string[] = [];
  const body = text.replace(/<\?xml[^>]*\?>/, '').replace(/<!--[\s\S]*?-->/g, '');
  const tag = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(body); m !== null; m = tag.exec(body)) {
    const between = body.slice(last, m.index);
    expect(between, `stray markup before <${m[2]}>`).not.toMatch(/[<>]/);
    expect(between.replace(/&(?:amp|lt|gt|quot|apos|#\d+|#x[\da-fA-F]+);/g, '')).not.toContain('&');
    if (m[1] === '/') expect(stack.pop(), `closing </${m[2]}>`).toBe(m[2]);
    else if (m[4] !== '/') stack.push(m[2]);
    last = tag.lastIndex;
  }
  expect(body.slice(last).trim()).toBe('');
  expect(stack).toEqual([]);
}

describe('report writers', () => {
  it('derives GFLOP/s and ratios against each peer', () => {
    expect(gflopsOf(report, report.cells[1])).toBeCloseTo(90.7, 6);
    const rows = ratioRows(report);
    expect(rows.find((r) => r.model === 'resnet18' && r.contestant === 'reference')?.ratios).toEqual({
      'ort-node-1t': 100,
      'ort-web-2t': 50,
    });
    expect(rows.find((r) => r.model === 'resnet18' && r.contestant === 'ort-node-1t')?.ratios).toEqual({
      'ort-web-2t': 0.5,
    });
    expect(rows.some((r) => r.model === 'ppocr-cls' && r.contestant === 'reference')).toBe(false);
  });

  it('writes Markdown with the machine, every contestant, ratios, marks and profiles', () => {
    const md = markdownReport(report, { chart: 'latency.svg' });
    expect(md).toContain('| CPU | Test CPU |');
    expect(md).toContain('Timings on 2 cores are noisy');
    for (const c of report.contestants) expect(md).toContain(`| ${c.id}`);
    expect(md).toContain('- `cpu-neon`: not run (not installed)');
    expect(md).toContain('![median latency per model and contestant](latency.svg)');
    expect(md).toContain('| ResNet-18 224x224 | 4000 (3920-4080) b | 40.0 (39.3-40.7) | 80.0 (78.4-81.6) |');
    expect(md).toContain('| PP-OCR cls 48x192 | WRONG | 2.00 (2.00-2.00) | 4.00 (4.00-4.00) |');
    expect(md).toContain('| ResNet-18 224x224 | reference | 100x slower | 50.0x slower |');
    expect(md).toContain('| ResNet-18 224x224 | 0.91 | 90.7 | 45.4 |');
    expect(md).toMatch(/WRONG: output 'output': 5 of 1000 elements/);
    expect(md).toContain('`~`: noisy (0 of 6 cells)');
    expect(md).toContain('| resnet18 | ort-node-1t | 40.0 | 4 | 5 runs, 1.1 s | 1.00 | 0.00 | 40.0 |  |');
    expect(md).toContain('<details><summary>reference on ResNet-18 224x224: 3 nodes, 510 ms profiled</summary>');
    expect(md).toContain('| conv1 | Conv | 300 | 58.8% |');
    expect(md).toContain('| Conv | 2 | 500 | 98.0% |');
  });

  it('prints a terminal table with the baseline ratio and the reasons a cell did not count', () => {
    const text = terminalReport(report);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^model\s+contestant\s+median ms\s+p10-p90\s+runs\s+GFLOP\/s\s+vs ort-node-1t/);
    expect(lines.find((l) => l.startsWith('resnet18   reference'))).toMatch(
      /4000\s+3920-4080\s+3\s+0\.91\s+100x slower .*time budget bound \(3 runs\)/,
    );
    expect(text).toMatch(/ppocr-cls\s+reference\s+-.*WRONG: output 'output'/);
    expect(text).toContain('not run: cpu-neon: not installed');
  });

  it('renders an SVG chart that is well-formed XML and shows every contestant that ran', async () => {
    const svg = await latencyChartSvg(report);
    expect(svg.startsWith('<svg')).toBe(true);
    expectWellFormedXml(svg);
    for (const c of report.contestants) expect(svg).toContain(`>${c.id}</text>`);
    expect(svg).toContain('ResNet-18 224x224');
    expect(svg).toContain('median latency (ms)');
  });
});
