/**
 * `@lastmile/core/backend`: what a backend author needs, and none of the session's machinery. The
 * contract itself (the `Backend` a device package exports, what `compile` receives and the `Executable`
 * it returns), then what a backend works with: tensors, the graph IR and its attributes, the errors it
 * throws, and the helpers it may reuse (core's reference kernels for a host fallback, shape inference,
 * activation fusion, cooperative stopping). See the guide in `docs/backend-guide.md`.
 *
 * @packageDocumentation
 */
export * from './backend/contract.js';
export { encodeModel, decodeModel } from './artifact/model-image.js';
export { graphArtifact, graphOfArtifact } from './artifact/graph-artifact.js';
export { minMaxQuantization, type CalibrationEntry, type CalibrationTable } from './calibration/table.js';
export { TimeSlicer } from './backend/time-slicer.js';
export { lifetimes, planArena, type BufferLife, type Lifetime } from './backend/memory-plan.js';
export * from './errors.js';
export * from './shape.js';
export * from './tensor.js';
export * from './ir/graph.js';
export * from './ir/attributes.js';
export * from './ir/activation.js';
export { ModelView } from './ir/model-view.js';
export type { OpDef, OpContext, InferInput } from './ops/op.js';
export { findOp, opFor, supportedOps } from './ops/registry.js';
export { evaluateGraph, evaluateGraphUntil, type EvaluateOptions } from './ir/interpret.js';
export {
  inferShapes,
  isDeterministic,
  DEFAULT_MAX_TENSOR_BYTES,
  MAX_PROPAGATED_ELEMENTS,
  type InferOptions,
} from './ir/infer.js';
export { fuseActivations, FUSABLE_ACTIVATIONS, LASTMILE_DOMAIN } from './passes/fuse-activations.js';
export {
  resizeInputCoordinate,
  resizeNearestIndex,
  type ResizeCoordinateMode,
  type ResizeNearestMode,
} from './ops/tensor/resize.js';
