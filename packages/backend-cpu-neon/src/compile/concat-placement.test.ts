import { describe, expect, it } from 'vitest';
import { placeConcatParts } from './concat-placement.js';
import type { LoweredOp } from './program.js';

const op = (name: string, reads: string[], writes: string[], extra: Partial<LoweredOp> = {}): LoweredOp => ({
  name,
  op: name,
  runs: 'wasm',
  reads,
  writes,
  emit: () => [],
  ...extra,
});

describe('placeConcatParts', () => {
  const concat = (parts: string[]) =>
    op('concat', parts, ['y'], { concatRows: { parts: parts.map((name, i) => ({ name, offset: 16 * i })) } });

  it('places the parts a strided producer writes and only the Concat reads', () => {
    const ops = [
      op('a', ['x'], ['a'], { stridedOutput: true }),
      op('b', ['x'], ['b'], { stridedOutput: true }),
      op('p', ['x'], ['p']),
      op('t', ['x'], ['t'], { stridedOutput: true }),
      op('reader', ['t'], ['u']),
      op('o', ['x'], ['o'], { stridedOutput: true }),
      concat(['a', 'p', 'b', 't', 'o']),
    ];
    const root = new Map<string, string>();
    const placed = placeConcatParts(
      ops,
      new Set(['x', 'y', 'u', 'o']),
      () => true,
      () => 20,
      root,
    );
    expect(Object.fromEntries(placed.offsets)).toEqual({ a: 0, b: 32 });
    expect(Object.fromEntries(placed.rowFloats)).toEqual({ a: 20, b: 20 });
    expect(Object.fromEntries(root)).toEqual({ a: 'y', b: 'y' });
    expect(placed.emptied.size).toBe(0);
  });

  it('empties a Concat all of whose parts are placed, but not one reading a part twice', () => {
    const ops = [op('a', ['x'], ['a'], { stridedOutput: true }), op('b', ['x'], ['b'], { stridedOutput: true })];
    const whole = concat(['a', 'b']);
    expect(
      placeConcatParts(
        [...ops, whole],
        new Set(),
        () => true,
        () => 8,
        new Map(),
      ).emptied,
    ).toEqual(new Set([whole]));
    const twice = concat(['a', 'a']);
    expect(
      placeConcatParts(
        [...ops, twice],
        new Set(),
        () => true,
        () => 8,
        new Map(),
      ).offsets.size,
    ).toBe(0);
  });

  it('leaves aliased values and Concats whose output is an alias alone', () => {
    const ops = [op('a', ['x'], ['a'], { stridedOutput: true }), concat(['a'])];
    expect(
      placeConcatParts(
        ops,
        new Set(),
        () => true,
        () => 8,
        new Map([['y', 'z']]),
      ).offsets.size,
    ).toBe(0);
    expect(
      placeConcatParts(
        ops,
        new Set(),
        () => true,
        () => 8,
        new Map([['a', 'x']]),
      ).offsets.size,
    ).toBe(0);
  });
});
