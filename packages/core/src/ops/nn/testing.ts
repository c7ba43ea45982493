/**
 * Calling an op definition directly, as the unit tests of the nn ops do: one node, given attributes.
 */
import type { Attribute, ValueType } from '../../ir/graph.js';
import { makeNode } from '../../ir/graph.js';
import type { Tensor } from '../../tensor.js';
import type { InferInput, OpDef } from '../op.js';

/** The node context for `op` with `attributes` at `opset`; `outputs` names its outputs. */
export function contextFor(op: OpDef, attributes: Record<string, Attribute> = {}, opset = 17, outputs = ['y']) {
  return { node: makeNode(op.opType, [], outputs, attributes, 'n', op.domain), opset };
}

/** Runs `op`'s reference kernel on `inputs`; `outputs` names the node's outputs. */
export function runOp(
  op: OpDef,
  inputs: (Tensor | undefined)[],
  attributes: Record<string, Attribute> = {},
  opset = 17,
  outputs = ['y'],
): Tensor[] {
  return op.run(inputs, contextFor(op, attributes, opset, outputs));
}

/** Infers `op`'s output types from `inputs`. */
export function inferOp(
  op: OpDef,
  inputs: (InferInput | undefined)[],
  attributes: Record<string, Attribute> = {},
  opset = 17,
  outputs = ['y'],
): ValueType[] {
  return op.infer(inputs, contextFor(op, attributes, opset, outputs));
}
