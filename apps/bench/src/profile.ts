/**
 * Per-layer profiles of lastmile backends: the nodes that take the most time, and the time per op type.
 */
import type { ProfileEntry } from '@lastmile/core';

export interface ProfileRow {
  name: string;
  op: string;
  ms: number;
  /** Fraction of the profiled run's total. */
  share: number;
}

export interface OpRow {
  op: string;
  count: number;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  nodes: number;
  /** The slowest nodes, slowest first. */
  top: ProfileRow[];
  byOp: OpRow[];
  /** True when a backend reported modelled rather than measured time. */
  simulated: boolean;
}

export function summarizeProfile(entries: readonly ProfileEntry[], topN: number): ProfileSummary {
  const totalMs = entries.reduce((s, e) => s + e.ms, 0);
  const share = (ms: number) => (totalMs > 0 ? ms / totalMs : 0);
  const top = [...entries]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, Math.max(0, topN))
    .map((e) => ({ name: e.name, op: e.op, ms: e.ms, share: share(e.ms) }));
  const ops = new Map<string, { count: number; ms: number }>();
  for (const e of entries) {
    const row = ops.get(e.op) ?? { count: 0, ms: 0 };
    row.count++;
    row.ms += e.ms;
    ops.set(e.op, row);
  }
  const byOp = [...ops]
    .map(([op, r]) => ({ op, count: r.count, ms: r.ms, share: share(r.ms) }))
    .sort((a, b) => b.ms - a.ms);
  return { totalMs, nodes: entries.length, top, byOp, simulated: entries.some((e) => e.simulated === true) };
}

/** Per node (by position; every run lists the same steps), the median of its times over `runs`. */
export function medianProfile(runs: readonly (readonly ProfileEntry[])[]): ProfileEntry[] {
  const [first] = runs;
  if (first === undefined) return [];
  return first.map((entry, i) => {
    const times = runs.map((r) => r[i]?.ms ?? entry.ms).sort((a, b) => a - b);
    return { ...entry, ms: times[times.length >> 1] };
  });
}
