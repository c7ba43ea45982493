/**
 * Activations as kernel epilogues take them: what a standard activation node applies elementwise, or
 * what a lastmile.FusedConv names in `activation` / `activation_params`. One reader, so the fusion pass
 * and every backend agree on defaults (Clip's bounds are the float limits) and on what is not constant.
 */
import { attr } from './attributes.js';
import { isOnnxDomain, type Node } from './graph.js';
import { type Tensor, toNumbers } from '../tensor.js';

/** One elementwise function, with its parameters. */
export type Activation =
  | { kind: 'none' }
  | { kind: 'relu' }
  | { kind: 'clip'; min: number; max: number }
  | { kind: 'leakyrelu'; alpha: number }
  | { kind: 'hardsigmoid'; alpha: number; beta: number }
  | { kind: 'hardswish' }
  | { kind: 'sigmoid' }
  | { kind: 'tanh' }
  | { kind: 'sqrt' }
  | { kind: 'square' }
  | { kind: 'exp' }
  | { kind: 'log' }
  | { kind: 'erf' }
  | { kind: 'abs' }
  | { kind: 'neg' };

export const NO_ACTIVATION: Activation = { kind: 'none' };

/** ONNX's Clip defaults: numeric_limits<float>::lowest() and max(). */
export const FLOAT_MAX = 3.4028234663852886e38;

/** What reading an activation may look at: the node's opset and the constants of its graph. */
export interface ActivationContext {
  opset: number;
  constant(name: string): Tensor | undefined;
}

const PLAIN: Readonly<Record<string, Activation>> = {
  Relu: { kind: 'relu' },
  HardSwish: { kind: 'hardswish' },
  Sigmoid: { kind: 'sigmoid' },
  Tanh: { kind: 'tanh' },
  Sqrt: { kind: 'sqrt' },
  Exp: { kind: 'exp' },
  Log: { kind: 'log' },
  Erf: { kind: 'erf' },
  Abs: { kind: 'abs' },
  Neg: { kind: 'neg' },
};

/** A one-element constant's value; `fallback` for an omitted input; undefined for anything computed. */
function scalar(ctx: ActivationContext, name: string | undefined, fallback: number): number | undefined {
  if (name === undefined || name === '') return fallback;
  const t = ctx.constant(name);
  return t?.size === 1 ? toNumbers(t)[0] : undefined;
}

/**
 * `opType`'s activation, its parameters from `params` (a FusedConv's) or else the node's attributes and
 * constant inputs; undefined when it is not an activation or a parameter is computed at run time.
 */
function named(opType: string, node: Node, ctx: ActivationContext, params?: readonly number[]): Activation | undefined {
  const plain = PLAIN[opType];
  if (plain !== undefined) return plain;
  switch (opType) {
    case 'LeakyRelu':
      return { kind: 'leakyrelu', alpha: params ? params[0] : attr.float(node, 'alpha', 0.01) };
    case 'HardSigmoid':
      return params
        ? { kind: 'hardsigmoid', alpha: params[0], beta: params[1] }
        : { kind: 'hardsigmoid', alpha: attr.float(node, 'alpha', 0.2), beta: attr.float(node, 'beta', 0.5) };
    case 'Clip': {
      if (params) return { kind: 'clip', min: params[0], max: params[1] };
      if (ctx.opset < 11)
        return { kind: 'clip', min: attr.float(node, 'min', -FLOAT_MAX), max: attr.float(node, 'max', FLOAT_MAX) };
      const min = scalar(ctx, node.inputs[1], -FLOAT_MAX);
      const max = scalar(ctx, node.inputs[2], FLOAT_MAX);
      return min === undefined || max === undefined ? undefined : { kind: 'clip', min, max };
    }
    case 'Pow': {
      if (params) return undefined;
      // x^2 and x^0.5 are exact as x*x and sqrt (one rounding each, as the reference's).
      const exponent = scalar(ctx, node.inputs[1], Number.NaN);
      return exponent === 2 ? { kind: 'square' } : exponent === 0.5 ? { kind: 'sqrt' } : undefined;
    }
    default:
      return undefined;
  }
}

/** The activation a standard ONNX node applies, or undefined (not one, or with computed parameters). */
export function activationOf(node: Node, ctx: ActivationContext): Activation | undefined {
  return isOnnxDomain(node.domain) ? named(node.opType, node, ctx) : undefined;
}

/** What a FusedConv applies after its convolution: none without `activation`; undefined if unreadable. */
export function fusedActivationOf(node: Node, ctx: ActivationContext): Activation | undefined {
  if (!attr.has(node, 'activation')) return NO_ACTIVATION;
  return named(attr.string(node, 'activation'), node, ctx, attr.floats(node, 'activation_params', []));
}

/** The `activation_params` a FusedConv carries for `a`. */
export function activationParams(a: Activation): number[] {
  switch (a.kind) {
    case 'leakyrelu':
      return [a.alpha];
    case 'hardsigmoid':
      return [a.alpha, a.beta];
    case 'clip':
      return [a.min, a.max];
    default:
      return [];
  }
}
