/**
 * The bench's result as one JSON-ready object, and what the writers derive from it: per-cell rows with
 * GFLOP/s, and time ratios of every contestant against every peer.
 */
import type { MachineInfo } from './machine.js';
import { gflops, timeRatio } from './metrics.js';
import type { BenchRun, CellOutcome } from './orchestrate.js';
import type { Method } from './protocol.js';

export interface BenchReport extends BenchRun {
  /** The command line that ran the bench. */
  command: string;
  /** ISO date and time the run started. */
  date: string;
  durationS: number;
  quick: boolean;
  machine: MachineInfo;
  method: Method;
  passes: number;
  seed: number;
}

/** The outcome of `contestant` on `model`, if it ran. */
export function cellOf(report: BenchReport, model: string, contestant: string): CellOutcome | undefined {
  return report.cells.find((c) => c.model === model && c.contestant === contestant);
}

/** The median latency of an ok cell. */
export function medianOf(cell: CellOutcome | undefined): number | undefined {
  return cell?.status === 'ok' ? cell.best.summary?.median : undefined;
}

/** Effective GFLOP/s at the median latency, when the model's MACs are known. */
export function gflopsOf(report: BenchReport, cell: CellOutcome): number | undefined {
  const macs = report.models.find((m) => m.id === cell.model)?.macs;
  const ms = medianOf(cell);
  return macs !== undefined && ms !== undefined && ms > 0 ? gflops(macs, ms) : undefined;
}

export interface RatioRow {
  model: string;
  contestant: string;
  /** Peer id -> this contestant's median time / the peer's (above 1: slower). */
  ratios: Record<string, number>;
}

/** Median-time ratios of every contestant against each peer that ran the same model. */
export function ratioRows(report: BenchReport): RatioRow[] {
  const peers = report.contestants.filter((c) => c.family !== 'lastmile');
  const rows: RatioRow[] = [];
  for (const model of report.models) {
    for (const contestant of report.contestants) {
      const ours = medianOf(cellOf(report, model.id, contestant.id));
      if (ours === undefined) continue;
      const ratios: Record<string, number> = {};
      for (const peer of peers) {
        const theirs = medianOf(cellOf(report, model.id, peer.id));
        if (peer.id !== contestant.id && theirs !== undefined) ratios[peer.id] = timeRatio(ours, theirs);
      }
      rows.push({ model: model.id, contestant: contestant.id, ratios });
    }
  }
  return rows;
}

/** Short notes on a cell: why it did not count, budget cuts, noise. */
export function cellNotes(cell: CellOutcome): string[] {
  if (cell.status === 'wrong') return [`WRONG: ${cell.reason ?? 'outputs differ from onnxruntime-node'}`];
  if (cell.status === 'failed') return [`failed: ${cell.reason ?? 'unknown'}`];
  const notes: string[] = [];
  if (cell.best.budgetBound) notes.push(`time budget bound (${cell.best.summary?.runs ?? 0} runs)`);
  if (cell.noise.length > 0) notes.push(`noisy: ${cell.noise.join(', ')}`);
  return notes;
}
