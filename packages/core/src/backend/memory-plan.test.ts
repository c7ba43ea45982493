import { SeededRandom } from '../random.js';
import { describe, expect, it } from 'vitest';
import { type BufferLife, lifetimes, planArena } from './memory-plan.js';

// Two buffers whose lifetimes share a step must not share a byte.
function overlaps(buffers: readonly BufferLife[], offsets: readonly number[]): string[] {
  const clashes: string[] = [];
  for (let i = 0; i < buffers.length; i++) {
    for (let j = i + 1; j < buffers.length; j++) {
      const [a, b] = [buffers[i], buffers[j]];
      const together = a.from <= b.to && b.from <= a.to;
      const apart = offsets[i] + a.bytes <= offsets[j] || offsets[j] + b.bytes <= offsets[i];
      if (together && !apart && a.bytes > 0 && b.bytes > 0) clashes.push(`${i} and ${j}`);
    }
  }
  return clashes;
}

describe('the static arena', () => {
  it('never lets two live buffers overlap, reuses freed space, and aligns every offset to 64 bytes', () => {
    const rng = new SeededRandom(11);
    for (let trial = 0; trial < 20; trial++) {
      const buffers: BufferLife[] = Array.from({ length: 60 }, () => {
        const from = Math.floor(rng.next() * 40) - 1;
        const span = Math.floor(rng.next() * 8);
        return {
          bytes: 1 + Math.floor(rng.next() * 5000),
          from,
          to: rng.next() < 0.1 ? Number.POSITIVE_INFINITY : from + span,
        };
      });
      const { offsets, size } = planArena(buffers);
      expect(overlaps(buffers, offsets)).toEqual([]);
      expect(offsets.every((o) => o % 64 === 0)).toBe(true);
      expect(Math.max(...buffers.map((b, i) => offsets[i] + b.bytes))).toBeLessThanOrEqual(size);
      // Reuse: the arena is smaller than every buffer laid end to end.
      expect(size).toBeLessThan(buffers.reduce((sum, b) => sum + Math.ceil(b.bytes / 64) * 64, 0));
    }
  });

  it('places a chain in two slots and thousands of buffers alive at once side by side', () => {
    const chain = Array.from({ length: 10 }, (_, i) => ({ bytes: 64, from: i, to: i + 1 }));
    expect(planArena(chain).size).toBe(128);
    const wide = Array.from({ length: 20_000 }, () => ({ bytes: 64, from: 0, to: Number.POSITIVE_INFINITY }));
    const { offsets, size } = planArena(wide);
    expect(size).toBe(64 * 20_000);
    expect(new Set(offsets).size).toBe(20_000);
  });
});

describe('lifetimes', () => {
  it('spans each root from its first to its last step, inputs from -1 and outputs to the end', () => {
    const roots: Record<string, string | undefined> = { x: 'x', a: 'a', view: 'a', w: undefined, y: 'y' };
    const lives = lifetimes(
      [
        ['x', 'w', 'a'],
        ['a', 'view'],
        ['view', 'y'],
      ],
      { inputs: ['x'], outputs: ['y'] },
      (name) => roots[name],
    );
    expect(Object.fromEntries(lives)).toEqual({
      x: { from: -1, to: 0 },
      a: { from: 0, to: 2 },
      y: { from: 2, to: Number.POSITIVE_INFINITY },
    });
  });
});
