/**
 * The OCR pipeline's part of the reports: end-to-end medians per contestant with the split into parts
 * (pre-processing, det, DB post, cls, rec, CTC), and how each lastmile contestant compares with the peers.
 */
import { formatMs, markdownTable, textTable } from './format.js';
import { formatRatio, timeRatio } from './metrics.js';
import type { CellOutcome, OcrRecord } from './orchestrate.js';
import { type BenchReport, cellNotes, medianOf } from './report.js';

/** The peer each terminal line of the OCR pipeline is compared with: the done-when's rival. */
const TERMINAL_BASELINE = 'ort-web-1t';

const partMs = (cell: CellOutcome, part: string): string => {
  const ms = cell.best.stages?.find((s) => s.stage === part)?.ms;
  return ms === undefined ? '-' : formatMs(ms);
};

/** Median of `cell` against `peer`'s, when both ran and the peer is another contestant. */
function ratioTo(ocr: OcrRecord, cell: CellOutcome, peer: string): string {
  const ours = medianOf(cell);
  const theirs = medianOf(ocr.cells.find((c) => c.contestant === peer));
  return ours !== undefined && theirs !== undefined && peer !== cell.contestant
    ? formatRatio(timeRatio(ours, theirs))
    : '-';
}

function describe(ocr: OcrRecord): string {
  const size = ocr.width !== undefined && ocr.height !== undefined ? ` (${ocr.width}x${ocr.height})` : '';
  const lines =
    ocr.lines !== undefined ? `, ${ocr.lines.length} lines: ${ocr.lines.map((l) => JSON.stringify(l)).join(', ')}` : '';
  return `\`${ocr.image}\`${size}${lines}`;
}

/** The "OCR pipeline" section of BENCHMARKS.md; empty when the run had none. */
export function ocrMarkdown(report: BenchReport): string[] {
  const ocr = report.ocr;
  if (ocr === undefined) return [];
  const out = ['## OCR pipeline', ''];
  out.push(
    `apps/ocr's whole pipeline (decode, det, DB boxes, crops, cls, rec, CTC) on ${describe(ocr)}, end to end. Each cell runs in its own`,
    `process as the models' cells do: it opens the three models on the contestant's engine (lastmile's pipeline with the normalization`,
    `folded into the first Conv, or onnxruntime's), checks that it reads the same text as onnxruntime-node's engine (a wrong contestant`,
    `is not timed), then warms up and times its runs by the same method. Parts are medians over the timed runs (they need not add up to`,
    `the end-to-end median): pre-processing is decode, resize, normalize/layout and crops; det, cls and rec are the model runs; DB post`,
    `and CTC are the post-processing. Pre- and post-processing are the same TypeScript for every engine.`,
    '',
  );
  if (ocr.error !== undefined) return [...out, `Not run: ${ocr.error}`, ''];
  const peers = report.contestants
    .filter((c) => c.family !== 'lastmile' && ocr.contestants.includes(c.id))
    .map((c) => c.id);
  const family = (id: string) => report.contestants.find((c) => c.id === id)?.family;
  out.push(
    markdownTable(
      ['contestant', 'end to end ms (p10-p90)', ...ocr.parts, ...peers.map((p) => `vs ${p}`), 'notes'],
      ocr.cells.map((cell) => {
        const s = cell.status === 'ok' ? cell.best.summary : undefined;
        return [
          cell.contestant,
          s ? `${formatMs(s.median)} (${formatMs(s.p10)}-${formatMs(s.p90)})` : cell.status.toUpperCase(),
          ...ocr.parts.map((part) => partMs(cell, part)),
          ...peers.map((peer) => (family(cell.contestant) === 'lastmile' ? ratioTo(ocr, cell, peer) : '-')),
          cellNotes(cell).join('; '),
        ];
      }),
      new Set(Array.from({ length: 1 + ocr.parts.length }, (_, i) => i + 1)),
    ),
    '',
  );
  for (const s of ocr.skipped) out.push(`- \`${s.id}\`: ${s.reason}`);
  if (ocr.skipped.length > 0) out.push('');
  return out;
}

/** The OCR pipeline's terminal table; empty when the run had none. */
export function ocrTerminal(report: BenchReport): string[] {
  const ocr = report.ocr;
  if (ocr === undefined) return [];
  if (ocr.error !== undefined) return [`OCR pipeline not run: ${ocr.error}`];
  const rows = ocr.cells.map((cell) => {
    const s = cell.status === 'ok' ? cell.best.summary : undefined;
    return [
      cell.contestant,
      s ? formatMs(s.median) : '-',
      s ? `${formatMs(s.p10)}-${formatMs(s.p90)}` : '-',
      s ? String(s.runs) : '-',
      ...ocr.parts.map((part) => partMs(cell, part)),
      ratioTo(ocr, cell, TERMINAL_BASELINE),
      cellNotes(cell).join('; '),
    ];
  });
  const right = new Set(Array.from({ length: 3 + ocr.parts.length }, (_, i) => i + 1));
  return [
    '',
    `OCR pipeline on ${ocr.image}${ocr.width !== undefined ? ` (${ocr.width}x${ocr.height})` : ''}, end to end (ms; parts are medians):`,
    textTable(
      ['contestant', 'median ms', 'p10-p90', 'runs', ...ocr.parts, `vs ${TERMINAL_BASELINE}`, 'notes'],
      rows,
      right,
    ),
    ...ocr.skipped.map(
      (s) => `not run on the OCR pipeline: ${s.id}: ${s.reason.replace(/^not run on the OCR pipeline: /, '')}`,
    ),
  ];
}
