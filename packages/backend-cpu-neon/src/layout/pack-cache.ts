/**
 * Packed weights reused across compiles: a session compiles its partitions again for every new input
 * shape, and the constants it hands over are the same arrays each time, so what was packed from them
 * once is packed for good. Entries live as long as the constant's array (a WeakMap on it).
 */

/** What a packing is a pure function of. */
export interface PackSource {
  /** The constant's data; a model's constants are never written once a session holds them. */
  weights: Float32Array;
  /** Every other input of the packing that is not in `folded` (kind, dims, attributes), as text. */
  params: string;
  /** Per-channel arrays folded into the values (scale, bias), rebuilt per compile: compared by content. */
  folded: readonly Float32Array[];
}

interface Entry {
  folded: Float32Array[];
  packed: unknown;
}

const cache = new WeakMap<Float32Array, Map<string, Entry[]>>();
const stats = { packed: 0, reused: 0 };

/** Bitwise equality (NaN payloads and the sign of zero included). */
function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const [x, y] = [new Uint32Array(a.buffer, a.byteOffset, a.length), new Uint32Array(b.buffer, b.byteOffset, b.length)];
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/**
 * The result of `pack()` for `source`, computed on the first call and returned as is afterwards: callers
 * must never write into it. `source.params` must name the kind of packing, so kinds never share entries.
 */
export function reusePacked<T>(source: PackSource, pack: () => T): T {
  const byParams = cache.get(source.weights) ?? new Map<string, Entry[]>();
  cache.set(source.weights, byParams);
  const entries = byParams.get(source.params) ?? [];
  byParams.set(source.params, entries);
  const hit = entries.find(
    (e) => e.folded.length === source.folded.length && e.folded.every((f, i) => sameBits(f, source.folded[i])),
  );
  if (hit) {
    stats.reused++;
    return hit.packed as T;
  }
  const packed = pack();
  entries.push({ folded: source.folded.map((f) => f.slice()), packed });
  stats.packed++;
  return packed;
}

/** Packings computed and packings reused since the process started: how much a compile could skip. */
export function packStats(): { packed: number; reused: number } {
  return { ...stats };
}
