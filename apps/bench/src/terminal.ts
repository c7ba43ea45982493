/**
 * The terminal summary: one line per cell, then the contestants that did not run.
 */
import { formatGflops, formatMs, textTable } from './format.js';
import { formatRatio } from './metrics.js';
import { ocrTerminal } from './ocr-writers.js';
import { type BenchReport, cellNotes, gflopsOf, ratioRows } from './report.js';

/** The peer every terminal line is compared with, when it ran. */
const BASELINE = 'ort-node-1t';

export function terminalReport(report: BenchReport): string {
  const ratios = ratioRows(report);
  const rows = report.cells.map((cell) => {
    const s = cell.status === 'ok' ? cell.best.summary : undefined;
    const g = gflopsOf(report, cell);
    const ratio = ratios.find((r) => r.model === cell.model && r.contestant === cell.contestant)?.ratios[BASELINE];
    return [
      cell.model,
      cell.contestant,
      s ? formatMs(s.median) : '-',
      s ? `${formatMs(s.p10)}-${formatMs(s.p90)}` : '-',
      s ? String(s.runs) : '-',
      g !== undefined ? formatGflops(g) : '-',
      ratio !== undefined ? formatRatio(ratio) : '-',
      cell.best.createMs !== undefined ? formatMs(cell.best.createMs) : '-',
      cell.best.firstRunMs !== undefined ? formatMs(cell.best.firstRunMs) : '-',
      cellNotes(cell).join('; '),
    ];
  });
  const table = textTable(
    [
      'model',
      'contestant',
      'median ms',
      'p10-p90',
      'runs',
      'GFLOP/s',
      `vs ${BASELINE}`,
      'create ms',
      'first ms',
      'notes',
    ],
    rows,
    new Set([2, 3, 4, 5, 7, 8]),
  );
  const lines = report.cells.length > 0 ? [table] : [];
  for (const model of report.models) if (model.error) lines.push(`model ${model.id} not run: ${model.error}`);
  lines.push(...ocrTerminal(report));
  for (const s of report.skipped) lines.push(`not run: ${s.id}: ${s.reason}`);
  return lines.join('\n');
}
