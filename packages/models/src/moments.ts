/**
 * Estimated activation statistics, propagated op by op while a graph is built. A value's moments are a
 * Gaussian N(mean, variance) per channel (axis 1), or one pair for the whole tensor. They let the
 * builder give BatchNormalization running statistics close to what its input really has, as a trained
 * network's are, so random-weight nets stay O(1) at any depth instead of drifting by a factor per layer.
 */

/** Per-channel mean and variance; arrays of length 1 apply to every channel. */
export interface Moments {
  mean: Float64Array;
  variance: Float64Array;
  /**
   * Set when the value is f(x) elementwise of a Gaussian x (an activation's output): x's moments and f.
   * Max pooling needs this shape, not just two moments: the max of ReLU outputs is far from Gaussian.
   */
  gaussian?: { mean: Float64Array; variance: Float64Array; f: (x: number) => number };
}

export function uniformMoments(mean: number, variance: number): Moments {
  return { mean: Float64Array.of(mean), variance: Float64Array.of(variance) };
}

/** The moments of constant data, pooled over all its elements. */
export function momentsOfData(data: ArrayLike<number>): Moments {
  let sum = 0;
  let square = 0;
  for (let i = 0; i < data.length; i++) {
    sum += data[i];
    square += data[i] * data[i];
  }
  const n = Math.max(data.length, 1);
  return uniformMoments(sum / n, Math.max(0, square / n - (sum / n) ** 2));
}

function meanAt(m: Moments, c: number): number {
  return m.mean.length === 1 ? m.mean[0] : m.mean[c];
}

function varianceAt(m: Moments, c: number): number {
  return m.variance.length === 1 ? m.variance[0] : m.variance[c];
}

function build(channels: number, at: (c: number) => [number, number]): Moments {
  const mean = new Float64Array(channels);
  const variance = new Float64Array(channels);
  for (let c = 0; c < channels; c++) [mean[c], variance[c]] = at(c);
  return { mean, variance };
}

/** One pair for the whole tensor: the mixture of the channels. */
export function pooled(m: Moments): Moments {
  let mean = 0;
  let square = 0;
  for (let c = 0; c < m.mean.length; c++) {
    mean += m.mean[c];
    square += m.variance[c] + m.mean[c] ** 2;
  }
  mean /= m.mean.length;
  return uniformMoments(mean, Math.max(0, square / m.mean.length - mean * mean));
}

/** A quadrature rule for E[g(z)] with z of some fixed density: the points and their weights. */
interface Quadrature {
  points: number[];
  weights: number[];
}

const STEP = 0.02;
const POINTS = Array.from({ length: Math.round(20 / STEP) + 1 }, (_, i) => -10 + i * STEP);
const PDF = POINTS.map((z) => Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI));
/** Phi at each point by the trapezoid rule (a left sum is biased by half a step). */
const CDF = (() => {
  let sum = 0;
  return PDF.map((p, i) => (sum = Math.min(1, sum + (i === 0 ? 0 : ((PDF[i - 1] + p) / 2) * STEP))));
})();

/** E over the maximum of n independent standard normals, density n phi(z) Phi(z)^(n-1); n = 1 is the normal itself. */
const maxQuadratures = new Map<number, Quadrature>();
function maxOfNormals(n: number): Quadrature {
  let q = maxQuadratures.get(n);
  if (!q) {
    const weights = PDF.map((p, i) => n * p * CDF[i] ** (n - 1) * STEP);
    const total = weights.reduce((x, y) => x + y, 0);
    q = { points: POINTS, weights: weights.map((w) => w / total) };
    maxQuadratures.set(n, q);
  }
  return q;
}

const identity = (x: number) => x;

/** Moments of f(mean + sd z) under the quadrature, per channel of the Gaussian behind `m`. */
function integrate(m: Moments, q: Quadrature, f: (x: number) => number): Moments {
  const g = m.gaussian ?? { mean: m.mean, variance: m.variance, f: identity };
  return build(g.mean.length, (c) => {
    const mean = g.mean[c];
    const sd = Math.sqrt(g.variance[c]);
    let first = 0;
    let second = 0;
    for (let i = 0; i < q.points.length; i++) {
      const y = f(g.f(mean + sd * q.points[i]));
      first += q.weights[i] * y;
      second += q.weights[i] * y * y;
    }
    return [first, Math.max(0, second - first * first)];
  });
}

/** Moments of f(x) elementwise; the result remembers f and the Gaussian behind it. */
export function throughElementwise(m: Moments, f: (x: number) => number): Moments {
  const out = integrate(m, maxOfNormals(1), f);
  const g = m.gaussian ?? { mean: m.mean, variance: m.variance, f: identity };
  return { ...out, gaussian: { mean: g.mean, variance: g.variance, f: (x) => f(g.f(x)) } };
}

export interface LinearWeights {
  /** [out, in/group, ...kernel] as Conv's, or [out, in] as Gemm's with transB. */
  weight: Float32Array;
  outChannels: number;
  /** Input channels each output sees (in/group), and the kernel's element count (1 for Gemm). */
  inPerGroup: number;
  kernelSize: number;
  group: number;
  bias?: Float32Array;
}

/**
 * Moments of a convolution or fully connected layer, with its actual weights, inputs taken as
 * independent (neighbouring pixels are correlated, but with zero-mean weights that only adds noise).
 */
export function throughLinear(m: Moments, w: LinearWeights): Moments {
  const outPerGroup = w.outChannels / w.group;
  return build(w.outChannels, (o) => {
    const firstChannel = Math.floor(o / outPerGroup) * w.inPerGroup;
    let mean = w.bias ? w.bias[o] : 0;
    let variance = 0;
    let k = o * w.inPerGroup * w.kernelSize;
    for (let i = 0; i < w.inPerGroup; i++) {
      const mi = meanAt(m, firstChannel + i);
      const vi = varianceAt(m, firstChannel + i);
      for (let j = 0; j < w.kernelSize; j++, k++) {
        mean += w.weight[k] * mi;
        variance += w.weight[k] * w.weight[k] * vi;
      }
    }
    return [mean, variance];
  });
}

/** Moments of BatchNormalization (inference form) with the given per-channel parameters. */
export function throughBatchNorm(
  m: Moments,
  p: { scale: Float32Array; bias: Float32Array; mean: Float32Array; variance: Float32Array; epsilon: number },
): Moments {
  return build(p.scale.length, (c) => {
    const gain = p.scale[c] / Math.sqrt(p.variance[c] + p.epsilon);
    return [p.bias[c] + gain * (meanAt(m, c) - p.mean[c]), gain * gain * varianceAt(m, c)];
  });
}

function channelCount(a: Moments, b: Moments): number {
  return Math.max(a.mean.length, b.mean.length);
}

/** x + y with x, y independent. */
export function throughAdd(a: Moments, b: Moments): Moments {
  return build(channelCount(a, b), (c) => [meanAt(a, c) + meanAt(b, c), varianceAt(a, c) + varianceAt(b, c)]);
}

/** x * y with x, y independent: E[(xy)^2] = E[x^2] E[y^2]. */
export function throughMul(a: Moments, b: Moments): Moments {
  return build(channelCount(a, b), (c) => {
    const [ma, mb] = [meanAt(a, c), meanAt(b, c)];
    const square = (varianceAt(a, c) + ma * ma) * (varianceAt(b, c) + mb * mb);
    return [ma * mb, Math.max(0, square - (ma * mb) ** 2)];
  });
}

/** The mean of `count` independent elements of each channel. */
export function throughAverage(m: Moments, count: number): Moments {
  return build(m.mean.length, (c) => [m.mean[c], m.variance[c] / count]);
}

/**
 * The maximum of `count` independent elements of each channel. An activation's output f(x) has max
 * f(max x) for monotone f (ReLU, Clip, the hard sigmoids), so the max is taken of the Gaussian behind it.
 */
export function throughMax(m: Moments, count: number): Moments {
  return integrate(m, maxOfNormals(count), identity);
}

/** The channels of several values laid end to end (`channels[i]` is how many each has). */
export function concatenated(parts: readonly Moments[], channels: readonly number[]): Moments {
  const total = channels.reduce((p, q) => p + q, 0);
  const owner: [Moments, number][] = [];
  parts.forEach((m, i) => {
    for (let c = 0; c < channels[i]; c++) owner.push([m, c]);
  });
  return build(total, (c) => [meanAt(owner[c][0], owner[c][1]), varianceAt(owner[c][0], owner[c][1])]);
}

/** Channel `source(c)` of `m` becomes channel c, for `channels` channels (split, slice, shuffle, flatten). */
export function remapped(m: Moments, channels: number, source: (c: number) => number): Moments {
  if (m.mean.length === 1) return m;
  return build(channels, (c) => [m.mean[source(c)], m.variance[source(c)]]);
}
