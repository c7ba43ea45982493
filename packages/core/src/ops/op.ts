/**
 * What core knows about an op: its shape/type inference and its reference kernel, in one definition.
 * The reference kernels are the executable spec every optimized backend is tested against; they live in
 * core (as ncnn keeps its naive layers beside the optimized ones) so that constant folding and
 * data-dependent shape inference can evaluate any op.
 */
import type { Node, ValueType } from '../ir/graph.js';
import type { Tensor } from '../tensor.js';

/** What an op definition sees about its node. */
export interface OpContext {
  node: Node;
  /** The opset version of the node's domain in the model. */
  opset: number;
}

/** An input as seen by shape inference: its type, and its value when it is a known constant. */
export interface InferInput extends ValueType {
  value?: Tensor;
}

/** One op (or a family of ops sharing a body, such as the unary math ops). */
export interface OpDef {
  opType: string;
  /** '' for standard ONNX ops. */
  domain: string;
  /** Lowest opset version this definition implements (opsets below it are refused). */
  sinceVersion: number;
  /**
   * Output types and shapes from input types, shapes and constant values. An omitted optional input is
   * `undefined`. Throws ShapeError / AttributeError for invalid nodes.
   */
  infer(inputs: readonly (InferInput | undefined)[], ctx: OpContext): ValueType[];
  /** The reference kernel: plain, readable, obviously right. */
  run(inputs: readonly (Tensor | undefined)[], ctx: OpContext): Tensor[];
}
