/**
 * An op case of the generated suite: core's one-node case with the words its name gets and the
 * tolerance its outputs are compared at.
 */
import type { Model, Tensor } from '@lastmile/core';
import { caseFeeds, type OneNodeCase, singleNodeModel as oneNodeModel } from '@lastmile/core/testing';

export { constant, type CaseInput, type ConstantInput } from '@lastmile/core/testing';

/** One op case of a generated suite. */
export interface OpCase extends OneNodeCase {
  /** Short words appended to the case name ("broadcast", "nan"). */
  tag?: string;
  /** Relative tolerance of the case's outputs, when not the suite's. */
  rtol?: number;
  /** Absolute tolerance of the case's outputs, when not the suite's. */
  atol?: number;
  /**
   * Set where onnxruntime's answer breaks lastmile's numerics policy (docs/numerics.md), saying how: the
   * expected outputs then come from core's op definition, which implements the policy.
   */
  policy?: string;
}

/** The runtime (non-constant) inputs of a case, in order: the input_K.pb files. */
export function runtimeInputs(c: OpCase): { name: string; tensor: Tensor }[] {
  return Object.entries(caseFeeds(c)).map(([name, tensor]) => ({ name, tensor }));
}

/** The one-node model of a case, its outputs typed by core's shape inference. */
export function singleNodeModel(c: OpCase): Model {
  return { ...oneNodeModel(c), producerName: 'lastmile-conformance' };
}
