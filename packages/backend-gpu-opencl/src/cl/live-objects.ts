/**
 * Counts the OpenCL objects this process holds, by kind: every create increments, every release
 * decrements. Tests use it to prove that dispose() leaves nothing behind.
 */

export type ClObjectKind = 'context' | 'queue' | 'buffer' | 'program' | 'kernel' | 'event';

const counts: Record<ClObjectKind, number> = { context: 0, queue: 0, buffer: 0, program: 0, kernel: 0, event: 0 };

/** Records one object of `kind` created (+1) or released (-1). */
export function countObject(kind: ClObjectKind, delta: 1 | -1): void {
  counts[kind] += delta;
}

/** The OpenCL objects alive now, by kind, and their total. */
export function liveObjects(): Readonly<Record<ClObjectKind, number>> & { total: number } {
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  return { ...counts, total };
}
