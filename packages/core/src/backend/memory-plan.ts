/**
 * Memory planning for compiled partitions: when each value must be held ({@link lifetimes}), and where,
 * in one static arena ({@link planArena}): a buffer is taken at the step that first writes it and given
 * back after the last step that reads it; freed space is reused first-fit. Backends with pooled device
 * buffers instead of one arena assign those from the same lifetimes.
 */

/** A buffer's size and the steps between which it must stay intact. */
export interface BufferLife {
  bytes: number;
  /** Step index of the first write (-1: before the first step). */
  from: number;
  /** Step index of the last read (Infinity: kept to the end). */
  to: number;
}

/** When a value's buffer must hold it: steps `from` to `to`, both included. */
export interface Lifetime {
  /** The first step touching it (-1 for a graph input: before the first step). */
  from: number;
  /** The last step touching it (Infinity for a graph output: kept to the end). */
  to: number;
}

/**
 * The lifetime of every value the steps touch (each step lists the values it reads and writes), keyed
 * by `rootOf(name)`: the value whose buffer it uses (aliases share their source's), or undefined for a
 * value needing no planned buffer (a weight, a host value). Graph inputs live from -1, outputs to the end.
 */
export function lifetimes(
  steps: readonly (readonly string[])[],
  ends: { inputs: readonly string[]; outputs: readonly string[] },
  rootOf: (name: string) => string | undefined,
): Map<string, Lifetime> {
  const lives = new Map<string, Lifetime>();
  const touch = (name: string, step: number) => {
    const root = rootOf(name);
    if (root === undefined) return;
    const life = lives.get(root);
    if (life === undefined) lives.set(root, { from: step, to: step });
    else {
      life.from = Math.min(life.from, step);
      life.to = Math.max(life.to, step);
    }
  };
  for (const name of ends.inputs) touch(name, -1);
  steps.forEach((names, i) => {
    for (const name of names) touch(name, i);
  });
  for (const name of ends.outputs) touch(name, Number.POSITIVE_INFINITY);
  return lives;
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
