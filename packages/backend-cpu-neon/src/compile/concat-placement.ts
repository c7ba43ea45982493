/**
 * Concat without copies: a part of a Concat along the last stored axis whose producer writes at a row
 * pitch (`stridedOutput`) and which nothing else reads is written straight into its columns of the
 * Concat's output; the Concat then copies only the other parts, or runs nothing.
 */
import type { LoweredOp } from './program.js';

/** Where the placed parts live inside their Concat's output. */
export interface ConcatPlacement {
  /** Byte offset of each placed part within a row of its Concat's output (its storage root). */
  offsets: Map<string, number>;
  /** Row pitch, in floats, each placed part is written at. */
  rowFloats: Map<string, number>;
  /** Concats every part of which was placed: they have nothing left to do. */
  emptied: Set<LoweredOp>;
}

/**
 * Places what can be placed, making each placed part's storage root its Concat's output (in `root`).
 * `rowFloatsOf(name)` is the length of a value's last stored axis; `pinned` holds the values that must
 * keep dense storage of their own (the partition's inputs and outputs).
 */
export function placeConcatParts(
  ops: readonly LoweredOp[],
  pinned: ReadonlySet<string>,
  inArena: (name: string) => boolean,
  rowFloatsOf: (name: string) => number,
  root: Map<string, string>,
): ConcatPlacement {
  const placement: ConcatPlacement = { offsets: new Map(), rowFloats: new Map(), emptied: new Set() };
  const readers = new Map<string, number>();
  const writer = new Map<string, LoweredOp>();
  for (const op of ops) {
    for (const name of op.reads) readers.set(name, (readers.get(name) ?? 0) + 1);
    for (const name of op.writes) writer.set(name, op);
  }
  const ownStorage = (name: string) => inArena(name) && !root.has(name);
  for (const op of ops) {
    const parts = op.concatRows?.parts;
    const [out] = op.writes;
    if (!parts || !ownStorage(out)) continue;
    const uses = new Map<string, number>();
    for (const { name } of parts) uses.set(name, (uses.get(name) ?? 0) + 1);
    const placeable = parts.filter(({ name }) => {
      const producer = writer.get(name);
      const once = uses.get(name) === 1;
      return (
        ownStorage(name) &&
        !pinned.has(name) &&
        once &&
        readers.get(name) === 1 &&
        producer?.stridedOutput === true &&
        producer.writes.length === 1
      );
    });
    for (const { name, offset } of placeable) {
      root.set(name, out);
      placement.offsets.set(name, offset);
      placement.rowFloats.set(name, rowFloatsOf(out));
    }
    if (placeable.length === parts.length) placement.emptied.add(op);
  }
  return placement;
}
