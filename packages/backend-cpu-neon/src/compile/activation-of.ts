/**
 * Reads the activation a node applies, in the form kernel epilogues take.
 */
import { attr, type Node, opsetOf, toNumbers } from '@lastmile/core';
import type { Activation } from '../kernels/activation.js';
import type { GraphInfo } from './graph-info.js';

// ONNX's Clip defaults are the float limits.
const FLOAT_MAX = 3.4028234663852886e38;

function scalar(g: GraphInfo, name: string | undefined, fallback: number): number | undefined {
  if (name === undefined || name === '') return fallback;
  const t = g.constant(name);
  return t?.size === 1 && t.type === 'float32' ? toNumbers(t)[0] : undefined;
}

/** The activation of a standard activation node, or undefined (not one, or with non-constant bounds). */
export function activationOfNode(node: Node, g: GraphInfo): Activation | undefined {
  if (node.domain !== '' && node.domain !== 'ai.onnx') return undefined;
  return activationNamed(node.opType, node, g);
}

function activationNamed(op: string, node: Node, g: GraphInfo, params?: number[]): Activation | undefined {
  switch (op) {
    case 'Relu':
      return { kind: 'relu' };
    case 'Sigmoid':
      return { kind: 'sigmoid' };
    case 'Tanh':
      return { kind: 'tanh' };
    case 'HardSwish':
      return { kind: 'hardswish' };
    case 'Sqrt':
      return { kind: 'sqrt' };
    case 'Exp':
      return { kind: 'exp' };
    case 'Abs':
      return { kind: 'abs' };
    case 'Neg':
      return { kind: 'neg' };
    case 'Pow': {
      if (params) return undefined;
      // x^2 and x^0.5 are exact as x*x and sqrt (one rounding each, like the reference's).
      const exponent = scalar(g, node.inputs[1], Number.NaN);
      return exponent === 2 ? { kind: 'square' } : exponent === 0.5 ? { kind: 'sqrt' } : undefined;
    }
    case 'LeakyRelu':
      return { kind: 'leakyrelu', alpha: params ? params[0] : attr.float(node, 'alpha', 0.01) };
    case 'HardSigmoid':
      return params
        ? { kind: 'hardsigmoid', alpha: params[0], beta: params[1] }
        : { kind: 'hardsigmoid', alpha: attr.float(node, 'alpha', 0.2), beta: attr.float(node, 'beta', 0.5) };
    case 'Clip': {
      if (params) return { kind: 'clip', min: params[0], max: params[1] };
      if (opsetOf(g.model) < 11)
        return { kind: 'clip', min: attr.float(node, 'min', -FLOAT_MAX), max: attr.float(node, 'max', FLOAT_MAX) };
      const min = scalar(g, node.inputs[1], -FLOAT_MAX);
      const max = scalar(g, node.inputs[2], FLOAT_MAX);
      return min === undefined || max === undefined ? undefined : { kind: 'clip', min, max };
    }
    default:
      return undefined;
  }
}

/** The activation a lastmile.FusedConv names in its attributes. */
export function fusedConvActivation(node: Node, g: GraphInfo): Activation | undefined {
  if (!attr.has(node, 'activation')) return { kind: 'none' };
  return activationNamed(attr.string(node, 'activation'), node, g, attr.floats(node, 'activation_params', []));
}
