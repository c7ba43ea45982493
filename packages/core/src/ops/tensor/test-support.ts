/**
 * Test support for the tensor op definitions: run or infer one op on a throwaway node, and expect a
 * lastmile error of a given code.
 */
import { expect } from 'vitest';
import { isLastmileError } from '../../errors.js';
import { makeNode, type Attribute } from '../../ir/graph.js';
import type { Tensor } from '../../tensor.js';
import type { InferInput, OpContext, OpDef } from '../op.js';

export interface OpCall {
  attributes?: Record<string, Attribute>;
  opset?: number;
  outputs?: number;
}

export function contextFor(op: OpDef, call: OpCall = {}): OpContext {
  const outputs = Array.from({ length: call.outputs ?? 1 }, (_, i) => `y${i}`);
  return { node: makeNode(op.opType, [], outputs, call.attributes ?? {}, 'n'), opset: call.opset ?? 21 };
}

export function runOp(op: OpDef, inputs: readonly (Tensor | undefined)[], call: OpCall = {}): Tensor[] {
  return op.run(inputs, contextFor(op, call));
}

export function inferOp(op: OpDef, inputs: readonly (InferInput | undefined)[], call: OpCall = {}) {
  return op.infer(inputs, contextFor(op, call));
}

/** A constant input as inference sees it. */
export function known(t: Tensor): InferInput {
  return { type: t.type, shape: [...t.dims], value: t };
}

/** Element values as plain numbers (int64 converted), for toEqual. */
export function values(t: Tensor): number[] {
  return Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
}

/** Asserts that `fn` throws a lastmile error with `code`. */
export function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (error) {
    expect(isLastmileError(error), String(error)).toBe(true);
    expect((error as { code: string }).code).toBe(code);
    return;
  }
  throw new Error('expected an error');
}
