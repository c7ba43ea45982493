/**
 * The activation a node applies, as the kernels' (act, p0, p1) arguments: from a standard activation
 * node, or from the `activation` / `activation_params` attributes of a lastmile.FusedConv.
 */
import { attr, type Node } from '@lastmile/core';
import { ACT, type ActivationName } from '../kernels/prelude.js';
import { constantNumbers, type GraphView } from './steps.js';

export interface Activation {
  act: number;
  p0: number;
  p1: number;
}

export const NO_ACTIVATION: Activation = { act: ACT.none, p0: 0, p1: 0 };

// ONNX's Clip defaults are the float limits.
const FLOAT_MAX = 3.4028234663852886e38;

const UNARY: Record<string, ActivationName> = {
  Relu: 'relu',
  LeakyRelu: 'leakyrelu',
  Clip: 'clip',
  Sigmoid: 'sigmoid',
  HardSigmoid: 'hardsigmoid',
  HardSwish: 'hardswish',
  Tanh: 'tanh',
  Sqrt: 'sqrt',
  Exp: 'exp',
  Log: 'log',
  Neg: 'neg',
  Abs: 'abs',
  Erf: 'erf',
};

/** The op types lowered to the `unary` kernel. */
export const UNARY_OPS = Object.keys(UNARY);

function clipBounds(node: Node, view: GraphView, params?: readonly number[]): [number, number] | undefined {
  if (params) return [params[0], params[1]];
  if (view.opset < 11) return [attr.float(node, 'min', -FLOAT_MAX), attr.float(node, 'max', FLOAT_MAX)];
  const bound = (name: string | undefined, fallback: number) => {
    if (name === undefined || name === '') return fallback;
    const v = constantNumbers(view, name);
    return v?.length === 1 ? v[0] : undefined;
  };
  const min = bound(node.inputs[1], -FLOAT_MAX);
  const max = bound(node.inputs[2], FLOAT_MAX);
  return min === undefined || max === undefined ? undefined : [min, max];
}

/** The activation of `opType` with the node's attributes (or FusedConv's params); undefined if not expressible. */
export function activationNamed(
  opType: string,
  node: Node,
  view: GraphView,
  params?: readonly number[],
): Activation | undefined {
  const name = UNARY[opType];
  if (name === undefined) return undefined;
  const act = ACT[name];
  switch (opType) {
    case 'LeakyRelu':
      return { act, p0: params ? params[0] : attr.float(node, 'alpha', 0.01), p1: 0 };
    case 'HardSigmoid':
      return params
        ? { act, p0: params[0], p1: params[1] }
        : { act, p0: attr.float(node, 'alpha', 0.2), p1: attr.float(node, 'beta', 0.5) };
    case 'Clip': {
      const bounds = clipBounds(node, view, params);
      return bounds && { act, p0: bounds[0], p1: bounds[1] };
    }
    default:
      return { act, p0: 0, p1: 0 };
  }
}

/** The activation of a standard unary node. */
export function activationOfNode(node: Node, view: GraphView): Activation | undefined {
  return activationNamed(node.opType, node, view);
}

/** What a FusedConv (or any node carrying `activation`) applies after its main computation. */
export function fusedActivationOf(node: Node, view: GraphView): Activation | undefined {
  if (!attr.has(node, 'activation')) return NO_ACTIVATION;
  return activationNamed(attr.string(node, 'activation'), node, view, attr.floats(node, 'activation_params', []));
}
