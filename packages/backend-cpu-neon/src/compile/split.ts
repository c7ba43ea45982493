/**
 * Splitting a step's work into chunks the threads share. There are a few chunks per thread, so a thread
 * that the OS descheduled is made up for by the others (chunks are taken dynamically), and no split at
 * all below the work that pays for waking a thread (~10-20 us).
 */
import { GEMM_NR } from '../kernels/gemm.js';

const CHUNKS_PER_THREAD = 4;
/** Multiply-adds (or element operations) below which a step runs on the calling thread alone. */
const MIN_SHARED_WORK = 1 << 17;

/** How many chunks `units` independent units costing `work` in total should become. */
export function chunkCount(threads: number, units: number, work: number): number {
  if (threads <= 1 || work < MIN_SHARED_WORK) return 1;
  return Math.max(1, Math.min(units, threads * CHUNKS_PER_THREAD));
}

/** Splits [0, n) into at most `parts` ranges [start, count]; every start is a multiple of `align`. */
export function splitRange(n: number, parts: number, align = 1): [number, number][] {
  const blocks = Math.ceil(n / align);
  const count = Math.max(1, Math.min(parts, blocks));
  const out: [number, number][] = [];
  for (let i = 0; i < count; i++) {
    const b0 = Math.floor((i * blocks) / count);
    const b1 = Math.floor(((i + 1) * blocks) / count);
    const start = b0 * align;
    const end = Math.min(n, b1 * align);
    if (end > start) out.push([start, end - start]);
  }
  return out;
}

/** The arguments of one igemm call (see kernels/gemm.ts), addresses in bytes. */
export interface IgemmCall {
  ind: number;
  rows: number;
  taps: number;
  cbytes: number;
  w: number;
  out: number;
  /** Output row stride in floats. */
  ostride: number;
  nc: number;
  /** Residual address, 0 for none (same row stride as the output). */
  res: number;
}

const args = (c: IgemmCall) => [c.ind, c.rows, c.taps, c.cbytes, c.w, c.out, c.ostride * 4, c.nc, c.res];

/**
 * One igemm call split over tiles of 4 rows and panels of 8 columns, in the grid that finishes soonest
 * on `threads`; among equals the one with the most chunks (a thread that wakes late still finds work),
 * then the fewest panel cuts (each chunk streams fewer weights).
 */
export function igemmChunks(c: IgemmCall, threads: number): number[][] {
  const tiles = Math.ceil(c.rows / 4);
  const panels = Math.ceil(c.nc / GEMM_NR);
  const limit = chunkCount(threads, tiles * panels, c.rows * c.nc * c.taps * (c.cbytes / 4));
  if (limit === 1) return [args(c)];
  let best = { rowParts: 1, panelParts: 1, span: Number.POSITIVE_INFINITY };
  for (let panelParts = 1; panelParts <= Math.min(panels, limit); panelParts++) {
    for (let rowParts = 1; rowParts * panelParts <= limit && rowParts <= tiles; rowParts++) {
      const span = Math.ceil((rowParts * panelParts) / threads) * Math.ceil(tiles / rowParts) * Math.ceil(panels / panelParts);
      const more = rowParts * panelParts > best.rowParts * best.panelParts;
      if (span < best.span || (span === best.span && more)) best = { rowParts, panelParts, span };
    }
  }
  const panelFloats = (c.taps * (c.cbytes / 4) + 1) * GEMM_NR;
  const calls: number[][] = [];
  for (const [p0, pn] of splitRange(panels, best.panelParts)) {
    const col = p0 * GEMM_NR;
    const nc = Math.min(pn * GEMM_NR, c.nc - col);
    for (const [t0, tn] of splitRange(tiles, best.rowParts)) {
      const row = t0 * 4;
      const rowOffset = row * c.ostride * 4 + col * 4;
      calls.push(
        args({
          ...c,
          ind: c.ind + t0 * c.taps * 16,
          rows: Math.min(tn * 4, c.rows - row),
          w: c.w + p0 * panelFloats * 4,
          out: c.out + rowOffset,
          nc,
          res: c.res ? c.res + rowOffset : 0,
        }),
      );
    }
  }
  return calls;
}

/** Calls over [0, n) split in ranges (starts aligned to `align`); `make(start, count)` gives one call's arguments. */
export function rangeChunks(n: number, threads: number, work: number, make: (start: number, count: number) => number[], align = 1): number[][] {
  return splitRange(n, chunkCount(threads, Math.ceil(n / align), work), align).map(([start, count]) => make(start, count));
}
