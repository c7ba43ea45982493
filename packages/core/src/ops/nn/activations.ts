/**
 * Scalar activation functions, shared by the unary ops and by FusedConv, which applies one of them to
 * the convolution's output.
 */
import type { Node } from '../../ir/graph.js';
import { attr } from '../../ir/attributes.js';
import { badAttribute } from './common.js';

export type ScalarFn = (x: number) => number;

/** NaN passes through every activation unchanged. */
export const relu: ScalarFn = (x) => Math.max(x, 0);
export const leakyRelu =
  (alpha: number): ScalarFn =>
  (x) =>
    x < 0 ? alpha * x : x;
/** Min, then max: NaN passes, and min > max gives max everywhere (the ONNX rule). */
export const clip =
  (min: number, max: number): ScalarFn =>
  (x) => {
    const y = Math.max(x, min);
    return Math.min(y, max);
  };
/** 1 / (1 + e^-x), written so that neither branch overflows. */
export const sigmoid: ScalarFn = (x) => {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
};
export const hardSigmoid =
  (alpha: number, beta: number): ScalarFn =>
  (x) =>
    Math.max(0, Math.min(1, alpha * x + beta));
const hardSigmoidOfSwish = hardSigmoid(1 / 6, 0.5);
export const hardSwish: ScalarFn = (x) => x * hardSigmoidOfSwish(x);
export const tanh: ScalarFn = Math.tanh;

/** erfc for z >= 2.5 (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7, i.e. < 1e-10 absolute here). */
function erfcLarge(z: number): number {
  const t = 1 / (1 + 0.5 * z);
  const p =
    -z * z -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return t * Math.exp(p);
}

/** The error function: its Maclaurin series below 2.5 (double-exact to ~1e-14), 1 - erfc above. */
export const erf: ScalarFn = (x) => {
  if (Number.isNaN(x)) return NaN;
  const z = Math.abs(x);
  let r: number;
  if (z < 2.5) {
    // erf(z) = 2/sqrt(pi) * sum_n (-1)^n z^(2n+1) / (n! (2n+1))
    let term = z;
    let sum = z;
    for (let n = 1; n < 100 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (-z * z) / n;
      sum += term / (2 * n + 1);
    }
    r = (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    r = 1 - erfcLarge(z);
  }
  return x < 0 ? -r : r;
};

/** Applies `fn` to every element, in place. */
export function applyInPlace(data: Float32Array, fn: ScalarFn): void {
  for (let i = 0; i < data.length; i++) data[i] = fn(data[i]);
}

/** The activations FusedConv accepts, with the number of `activation_params` each takes. */
const FUSABLE: Record<string, number> = {
  Relu: 0,
  LeakyRelu: 1,
  Clip: 2,
  Sigmoid: 0,
  HardSigmoid: 2,
  HardSwish: 0,
  Tanh: 0,
};

/** The activation a fused node names in its `activation` / `activation_params` attributes. */
export function fusedActivation(node: Node): ScalarFn {
  const name = attr.string(node, 'activation');
  const params = attr.floats(node, 'activation_params', []);
  const arity = FUSABLE[name];
  if (!Object.hasOwn(FUSABLE, name)) {
    throw badAttribute(
      node,
      'activation',
      `must be one of ${Object.keys(FUSABLE).join(', ')}, got '${name}'`,
      Object.keys(FUSABLE),
      name,
    );
  }
  if (params.length !== arity) {
    throw badAttribute(
      node,
      'activation_params',
      `must hold ${arity} values for ${name}, got ${params.length}`,
      arity,
      params.length,
    );
  }
  switch (name) {
    case 'Relu':
      return relu;
    case 'LeakyRelu':
      return leakyRelu(params[0]);
    case 'Clip':
      return clip(params[0], params[1]);
    case 'Sigmoid':
      return sigmoid;
    case 'HardSigmoid':
      return hardSigmoid(params[0], params[1]);
    case 'HardSwish':
      return hardSwish;
    default:
      return tanh;
  }
}
