import { describe, expect, it } from 'vitest';
import {
  concatenated,
  pooled,
  remapped,
  throughAdd,
  throughBatchNorm,
  throughElementwise,
  throughLinear,
  throughMax,
  throughMul,
  uniformMoments,
} from './moments.js';

const relu = (x: number) => Math.max(x, 0);

describe('moments', () => {
  it('integrates activations of a Gaussian: ReLU of N(0, 1) has mean 1/sqrt(2 pi), variance 1/2 - 1/(2 pi)', () => {
    const m = throughElementwise(uniformMoments(0, 1), relu);
    expect(m.mean[0]).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 4);
    expect(m.variance[0]).toBeCloseTo(0.5 - 1 / (2 * Math.PI), 4);
    // ReLU after ReLU changes nothing: the composition is applied to the same Gaussian.
    const twice = throughElementwise(m, relu);
    expect(twice.mean[0]).toBeCloseTo(m.mean[0], 10);
    expect(twice.variance[0]).toBeCloseTo(m.variance[0], 10);
  });

  it('takes the max of a Gaussian exactly and of ReLU outputs through the Gaussian behind them', () => {
    // E[max of two standard normals] = 1/sqrt(pi); E[max^2] = 1.
    const two = throughMax(uniformMoments(0, 1), 2);
    expect(two.mean[0]).toBeCloseTo(1 / Math.sqrt(Math.PI), 3);
    expect(two.variance[0]).toBeCloseTo(1 - 1 / Math.PI, 3);
    // The max of two ReLU outputs is the ReLU of their max: the integral of relu(z) 2 phi(z) Phi(z).
    let direct = 0;
    for (let z = 0; z < 10; z += 1e-4)
      direct += z * 2 * (Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI)) * (0.5 * (1 + erf(z / Math.SQRT2))) * 1e-4;
    expect(throughMax(throughElementwise(uniformMoments(0, 1), relu), 2).mean[0]).toBeCloseTo(direct, 3);
  });

  it('propagates linear layers, BatchNormalization, sums and products per channel', () => {
    const input = { mean: Float64Array.of(1, -2), variance: Float64Array.of(4, 1) };
    // out0 = 1*x0 + 2*x1 + 0.5, out1 = -1*x0 + 0*x1.
    const linear = throughLinear(input, {
      weight: Float32Array.of(1, 2, -1, 0),
      outChannels: 2,
      inPerGroup: 2,
      kernelSize: 1,
      group: 1,
      bias: Float32Array.of(0.5, 0),
    });
    expect([...linear.mean]).toEqual([1 - 4 + 0.5, -1]);
    expect([...linear.variance]).toEqual([4 + 4, 4]);
    const depthwise = throughLinear(input, {
      weight: Float32Array.of(3, 3, 1, 1),
      outChannels: 2,
      inPerGroup: 1,
      kernelSize: 2,
      group: 2,
    });
    expect([...depthwise.mean]).toEqual([6, -4]);
    expect([...depthwise.variance]).toEqual([72, 2]);
    const bn = throughBatchNorm(input, {
      scale: Float32Array.of(2, 1),
      bias: Float32Array.of(0, 1),
      mean: Float32Array.of(1, 0),
      variance: Float32Array.of(4, 1),
      epsilon: 0,
    });
    expect([...bn.mean]).toEqual([0, -1]);
    expect([...bn.variance]).toEqual([4, 1]);
    const sum = throughAdd(input, uniformMoments(1, 1));
    expect([...sum.mean, ...sum.variance]).toEqual([2, -1, 5, 2]);
    const product = throughMul(input, uniformMoments(2, 0));
    expect([...product.mean, ...product.variance]).toEqual([2, -4, 16, 4]);
  });

  it('moves channels through concat, remaps and pooling', () => {
    const a = { mean: Float64Array.of(1, 2), variance: Float64Array.of(0, 0) };
    const joined = concatenated([a, uniformMoments(5, 1)], [2, 1]);
    expect([...joined.mean]).toEqual([1, 2, 5]);
    expect([...remapped(joined, 2, (c) => 2 - c).mean]).toEqual([5, 2]);
    const all = pooled(a);
    expect(all.mean[0]).toBe(1.5);
    expect(all.variance[0]).toBe(0.25);
  });
});

/** Abramowitz and Stegun 7.1.26, |error| < 1.5e-7. */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}
