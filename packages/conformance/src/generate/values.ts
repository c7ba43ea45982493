/**
 * Seeded test values: random tensors of every element type, random broadcastable shapes, and the edge
 * values (NaN, +-Inf, -0, subnormals, huge) elementwise ops must carry through.
 */
import { floatToHalf, SeededRandom, sizeOf, Tensor, type TensorType } from '@lastmile/core';

/** Random values for one op's cases; each op seeds its own so adding an op shifts no other case. */
export class CaseValues {
  readonly rng: SeededRandom;

  constructor(seed: number) {
    this.rng = new SeededRandom(seed);
  }

  /** float32 uniform in [lo, hi). */
  floats(dims: readonly number[], lo = -1, hi = 1): Tensor {
    return this.rng.floatTensor(dims, lo, hi);
  }

  /** Integers in [lo, hi] of an integer type; zeros become `zeroTo` when given (divisors). */
  ints(
    type: 'int8' | 'uint8' | 'int32' | 'int64',
    dims: readonly number[],
    lo: number,
    hi: number,
    zeroTo?: number,
  ): Tensor {
    const values = Array.from({ length: sizeOf(dims) }, () => {
      const v = this.rng.int(lo, hi);
      return v === 0 && zeroTo !== undefined ? zeroTo : v;
    });
    return new Tensor(type, type === 'int64' ? values.map((v) => BigInt(v)) : values, dims);
  }

  /** Random values of any type: small integers, booleans, float16 from floats. */
  any(type: TensorType, dims: readonly number[]): Tensor {
    const f = Array.from(this.floats(dims, -100, 100).data as Float32Array);
    switch (type) {
      case 'float32':
        return new Tensor('float32', f, dims);
      case 'float16':
        return new Tensor(
          'float16',
          f.map((v) => floatToHalf(v)),
          dims,
        );
      case 'bool':
        return new Tensor(
          'bool',
          f.map((v) => (v > 0 ? 1 : 0)),
          dims,
        );
      case 'uint8':
        return new Tensor(
          'uint8',
          f.map((v) => Math.abs(Math.trunc(v))),
          dims,
        );
      case 'int64':
        return new Tensor(
          'int64',
          f.map((v) => BigInt(Math.trunc(v))),
          dims,
        );
      default:
        return new Tensor(
          type,
          f.map((v) => Math.trunc(v)),
          dims,
        );
    }
  }

  /**
   * float32 in [-3, 3) with some elements (`share` of them) drawn from `edges` instead: windows, rows and
   * reduced axes then mix NaN, infinities and subnormals with ordinary values.
   */
  withEdges(dims: readonly number[], edges: readonly number[] = EDGE_FLOATS, share = 0.3): Tensor {
    const values = Array.from(this.floats(dims, -3, 3).data as Float32Array, (x) =>
      this.rng.next() < share ? edges[this.rng.int(0, edges.length - 1)] : x,
    );
    return new Tensor('float32', values, dims);
  }

  /** A random shape of rank in [minRank, maxRank] with dims in [1, maxDim]. */
  shape(minRank: number, maxRank: number, maxDim = 5): number[] {
    return Array.from({ length: this.rng.int(minRank, maxRank) }, () => this.rng.int(1, maxDim));
  }

  /** A shape that broadcasts onto `dims`: a random suffix, some dims set to 1. */
  broadcastable(dims: readonly number[]): number[] {
    const rank = this.rng.int(0, dims.length);
    return dims.slice(dims.length - rank).map((d) => (this.rng.next() < 0.4 ? 1 : d));
  }
}

/** float32 edge values: NaN, infinities, signed zeros, a subnormal, huge and tiny magnitudes. */
export const EDGE_FLOATS: readonly number[] = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -0,
  0,
  1e-40,
  -1e-40,
  3e38,
  -3e38,
  1,
  -1,
  0.5,
  -2.5,
  1e-7,
];

/** The edge values whose sums cannot overflow: where accumulation order would decide between Inf and NaN. */
export const NON_FINITE_AND_TINY: readonly number[] = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -0,
  1e-40,
];

/** A [2, 7] float32 tensor of {@link EDGE_FLOATS}. */
export function edgeTensor(): Tensor {
  return new Tensor('float32', EDGE_FLOATS, [2, 7]);
}

/** int64 tensor from numbers or bigints. */
export const i64 = (values: readonly (number | bigint)[], dims?: readonly number[]) =>
  new Tensor(
    'int64',
    values.map((v) => BigInt(v)),
    dims,
  );
/** float32 tensor from numbers. */
export const f32 = (values: readonly number[], dims?: readonly number[]) => new Tensor('float32', values, dims);

/** A 32-bit seed from a name (FNV-1a). */
export function seedOf(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
