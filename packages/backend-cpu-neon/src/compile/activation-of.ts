/**
 * The activation a node applies, read by core's one reader, kept when cpu-neon's kernel epilogues have it.
 */
import {
  activationOf,
  type ActivationContext,
  fusedActivationOf,
  type Node,
  opsetOf,
  type Activation as CoreActivation,
} from '@lastmile/core';
import type { Activation } from '../kernels/activation.js';
import type { GraphInfo } from './graph-info.js';

/** What the epilogues have no instruction sequence for. */
const MISSING = new Set<CoreActivation['kind']>(['log', 'erf']);

const contextOf = (node: Node, g: GraphInfo): ActivationContext => ({
  opset: opsetOf(g.model, node.domain),
  constant: (name) => g.constant(name),
});

const supported = (a: CoreActivation | undefined): Activation | undefined =>
  a === undefined || MISSING.has(a.kind) ? undefined : (a as Activation);

/** The activation of a standard activation node, or undefined (not one, with computed bounds, or no kernel). */
export function activationOfNode(node: Node, g: GraphInfo): Activation | undefined {
  return supported(activationOf(node, contextOf(node, g)));
}

/** The activation a lastmile.FusedConv names in its attributes. */
export function fusedConvActivation(node: Node, g: GraphInfo): Activation | undefined {
  return supported(fusedActivationOf(node, contextOf(node, g)));
}
