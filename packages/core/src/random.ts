/**
 * A small seeded PRNG (mulberry32) so tests, tools and calibration sets are reproducible.
 */
import { Tensor } from './tensor.js';
import { sizeOf } from './shape.js';

/** Deterministic random numbers from a 32-bit seed. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo = -1, hi = 1): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** A float32 tensor of uniform values in [lo, hi). */
  floatTensor(dims: readonly number[], lo = -1, hi = 1): Tensor<'float32'> {
    const data = new Float32Array(sizeOf(dims));
    for (let i = 0; i < data.length; i++) data[i] = this.uniform(lo, hi);
    return new Tensor('float32', data, dims);
  }
}
