/**
 * The static arena: offsets for every tensor, planned once from lifetimes. A buffer is taken at the step
 * that first writes it and given back after the last step that reads it; freed space is reused first-fit.
 */

/** A buffer's size and the steps between which it must stay intact. */
export interface BufferLife {
  bytes: number;
  /** Step index of the first write (-1: before the first step). */
  from: number;
  /** Step index of the last read (Infinity: kept to the end). */
  to: number;
}

const ALIGN = 64;
const align = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

/** Offsets (relative to the arena start) for `buffers`, and the arena's size. */
export function planArena(buffers: readonly BufferLife[]): { offsets: number[]; size: number } {
  const order = buffers
    .map((_, i) => i)
    .sort((a, b) => buffers[a].from - buffers[b].from || buffers[b].bytes - buffers[a].bytes);
  const offsets = new Array<number>(buffers.length).fill(0);
  // Live buffers in address order, kept sorted by insertion: re-sorting per buffer made wide graphs
  // (thousands of outputs alive at once) quadratic in log-linear steps.
  let live: { start: number; end: number; to: number }[] = [];
  let soonestEnd = Number.POSITIVE_INFINITY;
  // True while the live buffers fill [0, last end) without a hole: the only fit is then after the last.
  let packed = true;
  let size = 0;
  for (const i of order) {
    const { bytes, from, to } = buffers[i];
    // A buffer read by step `from` is still live there: outputs never overlap that step's inputs.
    if (soonestEnd < from) {
      live = live.filter((b) => b.to >= from);
      soonestEnd = live.reduce((m, b) => Math.min(m, b.to), Number.POSITIVE_INFINITY);
      packed = live.every((b, k) => b.start === (k === 0 ? 0 : live[k - 1].end));
    }
    const need = align(bytes);
    let at = packed && live.length > 0 ? live[live.length - 1].end : 0;
    let slot = packed ? live.length : 0;
    for (; slot < live.length; slot++) {
      if (live[slot].start - at >= need) break;
      at = Math.max(at, live[slot].end);
    }
    offsets[i] = at;
    live.splice(slot, 0, { start: at, end: at + need, to });
    soonestEnd = Math.min(soonestEnd, to);
    size = Math.max(size, at + need);
  }
  return { offsets, size };
}
