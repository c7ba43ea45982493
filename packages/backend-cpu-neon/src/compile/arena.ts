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
  let live: { start: number; end: number; to: number }[] = [];
  let size = 0;
  for (const i of order) {
    const { bytes, from, to } = buffers[i];
    // A buffer read by step `from` is still live there: outputs never overlap that step's inputs.
    live = live.filter((b) => b.to >= from).sort((a, b) => a.start - b.start);
    const need = align(bytes);
    let at = 0;
    for (const b of live) {
      if (b.start - at >= need) break;
      at = Math.max(at, b.end);
    }
    offsets[i] = at;
    live.push({ start: at, end: at + need, to });
    size = Math.max(size, at + need);
  }
  return { offsets, size };
}
