/**
 * The observers that choose each value's range from what it did over the calibration samples, as the
 * quantization tools we learn from choose them (onnxruntime's calibrators, TensorRT's entropy
 * calibrator, PyTorch's observers):
 * - `minmax`: the extremes;
 * - `moving-average`: per-sample extremes averaged with a constant (PyTorch's 0.01), the first taken whole;
 * - `percentile`: the `percentile`-th and (100 - percentile)-th percentiles, from a histogram;
 * - `entropy`: TensorRT's threshold on |x|, the one whose quantized distribution (128 levels a side, 256
 *   for values never negative) is closest to the observed one in KL divergence;
 * - `mse`: the range, shrunk towards zero in 1% steps, whose quantization error over the histogram is least.
 * Histograms have 2048 bins and grow with the values (histogram.ts).
 */
import { type CalibrationMethod, EIGHT_BIT_RANGE, minMaxQuantization, type ValueObserver } from '@lastmile/core';
import { Histogram } from './histogram.js';

export interface ObserverOptions {
  /** For `percentile` (default 99.99). */
  percentile?: number;
  /** For `moving-average` (default 0.01). */
  averagingConstant?: number;
  /** Histogram bins of `percentile`, `entropy` and `mse` (default 2048). */
  bins?: number;
  /** What `mse` measures the error of: the parameters' type and symmetry (default int8, asymmetric). */
  type?: 'int8' | 'uint8';
  symmetric?: boolean;
}

interface Extremes {
  min: number;
  max: number;
}

function extremes(values: Float32Array): Extremes {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

class MinMax implements ValueObserver {
  #range: Extremes = { min: Infinity, max: -Infinity };
  observe(values: Float32Array): void {
    const { min, max } = extremes(values);
    this.#range = { min: Math.min(this.#range.min, min), max: Math.max(this.#range.max, max) };
  }
  range(): Extremes {
    return this.#range.min <= this.#range.max ? this.#range : { min: 0, max: 0 };
  }
}

class MovingAverage implements ValueObserver {
  #range: Extremes | undefined;
  constructor(readonly constant: number) {}
  observe(values: Float32Array): void {
    if (values.length === 0) return;
    const now = extremes(values);
    const c = this.constant;
    const r = this.#range;
    this.#range = r ? { min: r.min + c * (now.min - r.min), max: r.max + c * (now.max - r.max) } : now;
  }
  range(): Extremes {
    return this.#range ?? { min: 0, max: 0 };
  }
}

class Percentile implements ValueObserver {
  readonly #histogram: Histogram;
  constructor(
    readonly percentile: number,
    bins: number,
  ) {
    this.#histogram = new Histogram(bins);
  }
  observe(values: Float32Array): void {
    this.#histogram.add(values);
  }
  range(): Extremes {
    const h = this.#histogram;
    if (h.total === 0) return { min: 0, max: 0 };
    const q = this.percentile / 100;
    return { min: Math.max(h.min, h.quantile(1 - q)), max: Math.min(h.max, h.quantile(q)) };
  }
}

/** TensorRT's entropy calibration over the histogram of |x| (see the module comment). */
class Entropy implements ValueObserver {
  readonly #magnitudes: Histogram;
  #negative = false;
  constructor(bins: number) {
    // Magnitudes start at zero: the first bin's lower edge is 0, as in TensorRT's histogram of |x|.
    this.#magnitudes = new Histogram(bins, 0);
  }
  observe(values: Float32Array): void {
    const abs = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      if (values[i] < 0) this.#negative = true;
      abs[i] = Math.abs(values[i]);
    }
    this.#magnitudes.add(abs);
  }
  range(): Extremes {
    const h = this.#magnitudes;
    if (h.total === 0) return { min: 0, max: 0 };
    const amax = Math.min(h.max, entropyThreshold(h, this.#negative ? 128 : 256));
    return { min: this.#negative ? -amax : 0, max: amax };
  }
}

/**
 * The |x| threshold of least KL divergence between the histogram cut at bin i (the rest folded into its
 * last bin) and that histogram merged into `levels` bins and spread back over its non-empty bins.
 */
export function entropyThreshold(h: Histogram, levels: number): number {
  const counts = h.counts;
  const bins = counts.length;
  if (bins <= levels) return h.edge(bins);
  let tail = 0;
  for (let b = levels; b < bins; b++) tail += counts[b];
  let best = Infinity;
  let bestEnd = bins;
  const merged = new Float64Array(levels);
  const occupied = new Float64Array(levels);
  for (let end = levels; end <= bins; end++) {
    // P: counts[0..end), the outliers counts[end..) folded into its last bin.
    let pTotal = 0;
    for (let b = 0; b < end; b++) pTotal += counts[b];
    pTotal += tail;
    merged.fill(0);
    occupied.fill(0);
    const chunkOf = (b: number) => Math.min(levels - 1, Math.floor((b * levels) / end));
    for (let b = 0; b < end; b++) {
      if (counts[b] === 0) continue;
      merged[chunkOf(b)] += counts[b];
      occupied[chunkOf(b)]++;
    }
    // Q spreads each chunk's count evenly over its non-empty bins.
    let qTotal = 0;
    for (let b = 0; b < end; b++) if (counts[b] !== 0) qTotal += merged[chunkOf(b)] / occupied[chunkOf(b)];
    let divergence = 0;
    for (let b = 0; b < end; b++) {
      const p = (counts[b] + (b === end - 1 ? tail : 0)) / pTotal;
      if (p === 0) continue;
      const q = counts[b] === 0 ? 0 : merged[chunkOf(b)] / occupied[chunkOf(b)] / qTotal;
      divergence = q === 0 ? Infinity : divergence + p * Math.log(p / q);
      if (divergence === Infinity) break;
    }
    if (divergence < best) {
      best = divergence;
      bestEnd = end;
    }
    if (end < bins) tail -= counts[end];
  }
  return h.edge(bestEnd);
}

/** The range, shrunk towards zero, whose fake quantization loses least over the histogram. */
class Mse implements ValueObserver {
  readonly #histogram: Histogram;
  constructor(
    bins: number,
    readonly type: 'int8' | 'uint8',
    readonly symmetric: boolean,
  ) {
    this.#histogram = new Histogram(bins);
  }
  observe(values: Float32Array): void {
    this.#histogram.add(values);
  }
  range(): Extremes {
    const h = this.#histogram;
    if (h.total === 0) return { min: 0, max: 0 };
    const { min, max } = h;
    let best = { min, max };
    let least = Infinity;
    for (let step = 0; step <= 80; step++) {
      const alpha = 1 - step / 100;
      const candidate = { min: Math.min(0, min) * alpha, max: Math.max(0, max) * alpha };
      const error = quantizationError(h, candidate, this.type, this.symmetric);
      if (error < least) {
        least = error;
        best = candidate;
      }
    }
    return best;
  }
}

/**
 * Squared error of fake quantization over the histogram, each bin's values taken as spread evenly over
 * it: the error integrated piece by piece between the levels' decision boundaries (a bin's centre alone
 * misjudges bins as wide as a quantization step).
 */
function quantizationError(h: Histogram, range: Extremes, type: 'int8' | 'uint8', symmetric: boolean): number {
  const { scale, zeroPoint } = minMaxQuantization(range.min, range.max, type, symmetric);
  const [s, z] = [scale[0], zeroPoint[0]];
  const [qmin, qmax] = EIGHT_BIT_RANGE[type];
  let error = 0;
  for (let bin = 0; bin < h.bins; bin++) {
    const c = h.counts[bin];
    if (c === 0) continue;
    const [a, b] = [h.edge(bin), h.edge(bin + 1)];
    let k = Math.min(qmax, Math.max(qmin, Math.round(a / s) + z));
    let integral = 0;
    for (let u = a; u < b; k++) {
      const r = (k - z) * s;
      const v = k < qmax ? Math.min(b, r + s / 2) : b;
      integral += ((v - r) ** 3 - (u - r) ** 3) / 3;
      u = v;
    }
    error += (c * integral) / (b - a);
  }
  return error;
}

/** An observer factory for `method`, for core's `calibrate` (`observer.create`). */
export function observerFor(method: CalibrationMethod, options: ObserverOptions = {}): () => ValueObserver {
  const bins = options.bins ?? 2048;
  switch (method) {
    case 'minmax':
      return () => new MinMax();
    case 'moving-average':
      return () => new MovingAverage(options.averagingConstant ?? 0.01);
    case 'percentile':
      return () => new Percentile(options.percentile ?? 99.99, bins);
    case 'entropy':
      return () => new Entropy(bins);
    case 'mse':
      return () => new Mse(bins, options.type ?? 'int8', options.symmetric === true);
  }
}
