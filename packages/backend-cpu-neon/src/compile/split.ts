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
  /** Rows of the kernel's tile (gemmRows), which `ind` is grouped by. */
  mr: number;
}

const args = (c: IgemmCall) => [c.ind, c.rows, c.taps, c.cbytes, c.w, c.out, c.ostride * 4, c.nc, c.res];

/**
 * Bytes of packed weights one call walks for each row tile: more would stream from memory once per tile
 * of rows, so larger weights are walked in blocks of panels this size, all rows per block (the weights
 * then come from L2 after the first tile; BLIS's NC blocking).
 */
const WEIGHT_BLOCK_BYTES = 1 << 18;

/**
 * One igemm call split over tiles of MR rows and panels of 8 columns, in the grid that finishes soonest
 * on `threads`; among equals the one with the most chunks (a thread that wakes late still finds work),
 * then the fewest panel cuts (each chunk streams fewer weights). Each chunk then walks its weights in
 * L2-sized blocks.
 */
export function igemmChunks(c: IgemmCall, threads: number): number[][] {
  const tiles = Math.ceil(c.rows / c.mr);
  const panels = Math.ceil(c.nc / GEMM_NR);
  const limit = chunkCount(threads, tiles * panels, c.rows * c.nc * c.taps * (c.cbytes / 4));
  let best = { rowParts: 1, panelParts: 1, span: Number.POSITIVE_INFINITY };
  for (let panelParts = 1; panelParts <= Math.min(panels, limit); panelParts++) {
    for (let rowParts = 1; rowParts * panelParts <= limit && rowParts <= tiles; rowParts++) {
      const span =
        Math.ceil((rowParts * panelParts) / threads) * Math.ceil(tiles / rowParts) * Math.ceil(panels / panelParts);
      const more = rowParts * panelParts > best.rowParts * best.panelParts;
      if (span < best.span || (span === best.span && more)) best = { rowParts, panelParts, span };
    }
  }
  const panelFloats = (c.taps * (c.cbytes / 4) + 1) * GEMM_NR;
  const blockPanels = Math.max(1, Math.floor(WEIGHT_BLOCK_BYTES / (panelFloats * 4)));
  const calls: number[][] = [];
  for (const [p0, pn] of splitRange(panels, best.panelParts)) {
    for (const [t0, tn] of splitRange(tiles, best.rowParts)) {
      const row = t0 * c.mr;
      for (const [b0, bn] of splitRange(pn, tn > 1 ? Math.ceil(pn / blockPanels) : 1)) {
        const col = (p0 + b0) * GEMM_NR;
        const rowOffset = row * c.ostride * 4 + col * 4;
        calls.push(
          args({
            ...c,
            ind: c.ind + t0 * c.taps * c.mr * 4,
            rows: Math.min(tn * c.mr, c.rows - row),
            w: c.w + (p0 + b0) * panelFloats * 4,
            out: c.out + rowOffset,
            nc: Math.min(bn * GEMM_NR, c.nc - col),
            res: c.res ? c.res + rowOffset : 0,
          }),
        );
      }
    }
  }
  return calls;
}

/** Calls over [0, n) split in ranges (starts aligned to `align`); `make(start, count)` gives one call's arguments. */
export function rangeChunks(
  n: number,
  threads: number,
  work: number,
  make: (start: number, count: number) => number[],
  align = 1,
): number[][] {
  return splitRange(n, chunkCount(threads, Math.ceil(n / align), work), align).map(([start, count]) =>
    make(start, count),
  );
}
