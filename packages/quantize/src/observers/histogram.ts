/**
 * A histogram over a range that grows as values arrive, so one pass over streamed samples suffices: when
 * a value falls outside, the range widens to a whole multiple of the old bin width, aligned to the old
 * edges, so every old bin lands whole in one new bin and no count is ever split or moved by guesswork.
 */
export class Histogram {
  readonly counts: Float64Array;
  #lo = 0;
  #width = 0;
  #total = 0;
  #min = Infinity;
  #max = -Infinity;

  /** `floor`, when given, is the lower edge from the start (values never fall below it). */
  constructor(
    readonly bins = 2048,
    readonly floor?: number,
  ) {
    this.counts = new Float64Array(bins);
  }

  /** The lower edge, bin width and number of values counted. */
  get lo(): number {
    return this.#lo;
  }
  get width(): number {
    return this.#width;
  }
  get total(): number {
    return this.#total;
  }
  /** The smallest and largest value counted (the bins reach beyond them). */
  get min(): number {
    return this.#min;
  }
  get max(): number {
    return this.#max;
  }
  /** The upper edge of bin `i` (i = bins for the range's top). */
  edge(i: number): number {
    return this.#lo + i * this.#width;
  }

  /** Counts finite `values`. */
  add(values: ArrayLike<number>): void {
    if (values.length === 0) return;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    this.#cover(min, max);
    this.#min = Math.min(this.#min, min);
    this.#max = Math.max(this.#max, max);
    const { counts, bins } = this;
    for (let i = 0; i < values.length; i++) {
      const b = Math.floor((values[i] - this.#lo) / this.#width);
      counts[b < 0 ? 0 : b >= bins ? bins - 1 : b]++;
    }
    this.#total += values.length;
  }

  /** Widens the range to hold [min, max]. */
  #cover(min: number, max: number): void {
    if (this.#width === 0) {
      // A first sample of one value still gets bins of a positive width.
      const lo = this.floor ?? min;
      const span = max - lo || Math.max(Math.abs(lo), 1) * 2 ** -20;
      this.#lo = lo;
      this.#width = span / this.bins;
      return;
    }
    const hi = this.edge(this.bins);
    if (min >= this.#lo && max <= hi) return;
    const w = this.#width;
    const below = Math.max(0, Math.ceil((this.#lo - min) / w));
    const top = Math.max(hi, max);
    // k old bins make one new bin; `below` old widths are added under the old range.
    let k = Math.ceil((top - (this.#lo - below * w)) / (this.bins * w));
    while (this.#lo - below * w + this.bins * k * w < top) k++;
    const merged = new Float64Array(this.bins);
    for (let t = 0; t < this.bins; t++) merged[Math.floor((below + t) / k)] += this.counts[t];
    this.counts.set(merged);
    this.#lo -= below * w;
    this.#width = k * w;
  }

  /** The value below which a fraction `q` of the counted values lie, interpolated inside its bin. */
  quantile(q: number): number {
    const want = q * this.#total;
    let seen = 0;
    for (let b = 0; b < this.bins; b++) {
      const c = this.counts[b];
      if (seen + c >= want && c > 0) return this.edge(b) + ((want - seen) / c) * this.#width;
      seen += c;
    }
    return this.edge(this.bins);
  }
}
