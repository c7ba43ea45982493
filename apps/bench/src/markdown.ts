/**
 * The Markdown report (BENCHMARKS.md): machine and method first, then latency, GFLOP/s, ratios against
 * each peer, session creation and first run, the cells that did not count, and our backends' per-layer
 * profiles.
 */
import { formatGflops, formatMacs, formatMs, markdownTable } from './format.js';
import { formatRatio } from './metrics.js';
import { ocrMarkdown } from './ocr-writers.js';
import { type BenchReport, cellNotes, cellOf, gflopsOf, medianOf, ratioRows } from './report.js';

export interface MarkdownOptions {
  /** Link of the latency chart, relative to the Markdown file. */
  chart?: string;
}

function matrix(report: BenchReport, value: (model: string, contestant: string) => string): string {
  const headers = ['model', ...report.contestants.map((c) => c.id)];
  const rows = report.models
    .filter((m) => !m.error)
    .map((m) => [m.label, ...report.contestants.map((c) => value(m.id, c.id))]);
  return markdownTable(headers, rows, new Set(report.contestants.map((_, i) => i + 1)));
}

function statusMark(report: BenchReport, model: string, contestant: string): string | undefined {
  const cell = cellOf(report, model, contestant);
  if (cell === undefined) return 'not run';
  if (cell.status !== 'ok') return cell.status.toUpperCase();
  return undefined;
}

function method(report: BenchReport): string {
  const m = report.method;
  return [
    `Each cell (one model, one contestant) runs in its own Node process. It creates the session (timed), runs once (timed: the first run),`,
    `checks the outputs against onnxruntime-node (rtol 1e-3, atol 1e-4; a wrong contestant is not timed), warms up for at least`,
    `${m.minWarmupMs / 1000} s and until run times are steady (at most ${m.maxWarmupMs / 1000} s), then times at least ${m.minRuns} runs and`,
    `${m.minTimedMs / 1000} s. A cell's warm-up and timed runs get at most ${m.maxCellMs / 1000} s; a cell cut short by that budget reports fewer runs`,
    `and is marked. Contestants are interleaved and their order rotates each pass; of ${report.passes} pass${report.passes === 1 ? '' : 'es'} the`,
    `one with the lowest median counts. GFLOP/s = 2 x MACs / median time (MACs of Conv, Gemm and MatMul). Inputs are uniform in [0, 1)`,
    `from seed ${report.seed}; the CNNs have seeded random weights, the PP-OCR models are the trained ones. A cell is marked noisy when other`,
    `processes kept more than 0.25 cores busy during its timed runs (from /proc/stat) or its p90/p10 exceeds 1.25. Per-layer`,
    `profiles come from a separate session with profiling on: per node, the median of up to 5 runs after up to 5 warm-up runs.`,
  ].join('\n');
}

function profiles(report: BenchReport): string[] {
  const out: string[] = [];
  for (const cell of report.cells) {
    const p = cell.best.profile;
    if (p === undefined) continue;
    const label = report.models.find((m) => m.id === cell.model)?.label ?? cell.model;
    out.push(
      `<details><summary>${cell.contestant} on ${label}: ${p.nodes} nodes, ${formatMs(p.totalMs)} ms profiled${p.simulated ? ' (modelled)' : ''}</summary>\n`,
    );
    out.push(
      markdownTable(
        ['node', 'op', 'ms', 'share'],
        p.top.map((r) => [r.name, r.op, formatMs(r.ms), `${(r.share * 100).toFixed(1)}%`]),
        new Set([2, 3]),
      ),
    );
    out.push('');
    out.push(
      markdownTable(
        ['op', 'nodes', 'ms', 'share'],
        p.byOp.map((r) => [r.op, String(r.count), formatMs(r.ms), `${(r.share * 100).toFixed(1)}%`]),
        new Set([1, 2, 3]),
      ),
    );
    out.push('\n</details>\n');
  }
  return out;
}

export function markdownReport(report: BenchReport, options: MarkdownOptions = {}): string {
  const { machine } = report;
  const lines: string[] = [];
  lines.push(`# Benchmarks${report.quick ? ' (quick smoke run: small inputs, few runs)' : ''}`, '');
  lines.push(
    `Run on ${report.date.slice(0, 10)} (${report.date}), ${Math.round(report.durationS)} s in all${report.command ? `, by \`${report.command}\`` : ''}.`,
    '',
  );
  lines.push(
    markdownTable(
      ['machine', ''],
      [
        ['CPU', machine.cpu],
        ['cores', String(machine.cores)],
        ['memory', `${machine.memoryGiB} GiB`],
        ['OS', machine.os],
        ['Node', machine.node],
        ...Object.entries(machine.versions),
      ],
    ),
    '',
  );
  if (machine.cores <= 2) {
    lines.push(
      `> **Timings on ${machine.cores} cores are noisy**: a 2-thread contestant competes with the bench itself and anything else`,
    );
    lines.push(
      '> on the machine. Compare contestants within this run only, and treat differences under ~10% as noise.',
      '',
    );
  }
  lines.push('## Method', '', method(report), '');
  lines.push('## Models', '');
  lines.push(
    markdownTable(
      ['model', 'inputs', 'MACs'],
      report.models.map((m) => [
        m.label,
        m.error ? `not run: ${m.error}` : (m.inputs ?? []).map((i) => `${i.name} ${i.dims.join('x')}`).join(', '),
        m.macs !== undefined ? formatMacs(m.macs) : 'n/a',
      ]),
      new Set([2]),
    ),
    '',
  );
  lines.push('## Contestants', '');
  for (const c of report.contestants) lines.push(`- \`${c.id}\`: ${c.label}`);
  for (const s of report.skipped) lines.push(`- \`${s.id}\`: not run (${s.reason})`);
  lines.push('');
  lines.push('## Median latency (ms, p10-p90)', '');
  if (options.chart) lines.push(`![median latency per model and contestant](${options.chart})`, '');
  lines.push(
    matrix(report, (model, contestant) => {
      const cell = cellOf(report, model, contestant);
      const s = cell?.best.summary;
      if (cell === undefined || cell.status !== 'ok' || s === undefined)
        return statusMark(report, model, contestant) ?? '-';
      const marks = `${cell.best.budgetBound ? ' b' : ''}${cell.noise.length > 0 ? ' ~' : ''}`;
      return `${formatMs(s.median)} (${formatMs(s.p10)}-${formatMs(s.p90)})${marks}`;
    }),
    '',
    `\`b\`: the time budget bound (fewer runs, see the details); \`~\`: noisy (${report.cells.filter((c) => c.noise.length > 0).length} of ${report.cells.length} cells).`,
    '',
  );
  lines.push('## Effective GFLOP/s', '');
  lines.push(
    matrix(report, (model, contestant) => {
      const cell = cellOf(report, model, contestant);
      const g = cell ? gflopsOf(report, cell) : undefined;
      return g !== undefined ? formatGflops(g) : (statusMark(report, model, contestant) ?? '-');
    }),
    '',
  );
  const peers = report.contestants.filter((c) => c.family !== 'lastmile');
  const ratios = ratioRows(report).filter(
    (r) => report.contestants.find((c) => c.id === r.contestant)?.family === 'lastmile',
  );
  if (ratios.length > 0 && peers.length > 0) {
    lines.push('## lastmile against each peer (median time ratio)', '');
    lines.push(
      markdownTable(
        ['model', 'contestant', ...peers.map((p) => `vs ${p.id}`)],
        ratios.map((r) => [
          report.models.find((m) => m.id === r.model)?.label ?? r.model,
          r.contestant,
          ...peers.map((p) => (r.ratios[p.id] !== undefined ? formatRatio(r.ratios[p.id]) : '-')),
        ]),
      ),
      '',
    );
  }
  lines.push(...ocrMarkdown(report));
  lines.push('## Session creation and first run (ms)', '');
  lines.push(
    matrix(report, (model, contestant) => {
      const b = cellOf(report, model, contestant)?.best;
      return b?.createMs !== undefined && b.firstRunMs !== undefined
        ? `${formatMs(b.createMs)} / ${formatMs(b.firstRunMs)}`
        : (statusMark(report, model, contestant) ?? '-');
    }),
    '',
  );
  lines.push('## Every cell', '');
  lines.push(
    markdownTable(
      ['model', 'contestant', 'median ms', 'runs', 'warm-up', 'cores used', 'other load', 'pass medians', 'notes'],
      report.cells.map((cell) => {
        const b = cell.best;
        return [
          cell.model,
          cell.contestant,
          medianOf(cell) !== undefined ? formatMs(medianOf(cell) as number) : cell.status,
          b.summary ? String(b.summary.runs) : '-',
          b.warmupRuns !== undefined && b.warmupMs !== undefined && b.firstRunMs !== undefined
            ? `${b.warmupRuns + 1} runs, ${((b.firstRunMs + b.warmupMs) / 1000).toFixed(1)} s`
            : '-',
          b.ownCores !== undefined ? b.ownCores.toFixed(2) : '-',
          b.foreignCores !== undefined ? b.foreignCores.toFixed(2) : '-',
          cell.passes.map((p) => (p.median !== undefined ? formatMs(p.median) : p.status)).join(', '),
          cellNotes(cell).join('; '),
        ];
      }),
    ),
    '',
    "`warm-up`: runs before the timed ones, the first run included; `cores used`: CPU time of the cell's process per wall second during the timed runs; `other load`: the same for every other process.",
    '',
  );
  const profileLines = profiles(report);
  if (profileLines.length > 0)
    lines.push('## Per-layer profiles of lastmile backends (slowest nodes, then time per op)', '', ...profileLines);
  return `${lines.join('\n').trimEnd()}\n`;
}
