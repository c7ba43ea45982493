/**
 * The activation a node applies, as the kernels' (act, p0, p1) arguments: read by core's one reader from
 * a standard activation node, or from the `activation` / `activation_params` attributes of a
 * lastmile.FusedConv.
 */
import {
  activationOf,
  type Activation as CoreActivation,
  FUSABLE_ACTIVATIONS,
  fusedActivationOf as coreFusedActivationOf,
  type Node,
} from '@lastmile/core';
import { ACT } from '../kernels/prelude.js';
import type { GraphView } from './steps.js';

export interface Activation {
  act: number;
  p0: number;
  p1: number;
}

export const NO_ACTIVATION: Activation = { act: ACT.none, p0: 0, p1: 0 };

/** The op types lowered to the `unary` kernel: the activations it has, as ONNX names them. */
export const UNARY_OPS: readonly string[] = [...FUSABLE_ACTIVATIONS, 'Sqrt', 'Exp', 'Log', 'Neg', 'Abs', 'Erf'];

/** Core's activation as kernel arguments; undefined for one the kernels lack (square). */
function argumentsOf(a: CoreActivation | undefined): Activation | undefined {
  if (a === undefined || !Object.hasOwn(ACT, a.kind)) return undefined;
  const act = ACT[a.kind as keyof typeof ACT];
  switch (a.kind) {
    case 'leakyrelu':
      return { act, p0: a.alpha, p1: 0 };
    case 'hardsigmoid':
      return { act, p0: a.alpha, p1: a.beta };
    case 'clip':
      return { act, p0: a.min, p1: a.max };
    default:
      return { act, p0: 0, p1: 0 };
  }
}

/** The activation of a standard unary node (one of {@link UNARY_OPS}). */
export function activationOfNode(node: Node, view: GraphView): Activation | undefined {
  return UNARY_OPS.includes(node.opType) ? argumentsOf(activationOf(node, view)) : undefined;
}

/** What a FusedConv (or any node carrying `activation`) applies after its main computation. */
export function fusedActivationOf(node: Node, view: GraphView): Activation | undefined {
  return argumentsOf(coreFusedActivationOf(node, view));
}
