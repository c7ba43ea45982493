/**
 * lastmile core: tensors, the graph IR, op definitions with reference kernels, passes, the backend
 * contract, backend discovery, the partitioner and the session.
 *
 * @packageDocumentation
 */
export * from './errors.js';
export * from './shape.js';
export * from './tensor.js';
export * from './ir/graph.js';
export * from './ir/attributes.js';
export type { OpDef, OpContext, InferInput } from './ops/op.js';
export { findOp, opFor, supportedOps } from './ops/registry.js';
export {
  resizeInputCoordinate,
  resizeNearestIndex,
  type ResizeCoordinateMode,
  type ResizeNearestMode,
} from './ops/tensor/resize.js';
export * from './backend/contract.js';
export * from './random.js';
export { validateGraph, isControlFlow, subgraphsOf, implicitInputs, nodeReads } from './ir/validate.js';
export {
  inferShapes,
  isDeterministic,
  DEFAULT_MAX_TENSOR_BYTES,
  MAX_PROPAGATED_ELEMENTS,
  type InferOptions,
} from './ir/infer.js';
export { evaluateGraph, evaluateGraphUntil, type EvaluateOptions } from './ir/interpret.js';
export { opsetFor } from './ir/node-context.js';
export {
  caseFeeds,
  caseNode,
  caseTensors,
  constant,
  singleNodeModel,
  type CaseInput,
  type ConstantInput,
  type OneNodeCase,
} from './ir/one-node.js';
export { foldConstants, MAX_FOLDED_BYTES } from './passes/fold-constants.js';
export { removeDeadNodes } from './passes/remove-dead-nodes.js';
export { removeIdentities } from './passes/remove-identities.js';
export { foldBatchNorm } from './passes/fold-batch-norm.js';
export { fuseActivations, FUSABLE_ACTIVATIONS, LASTMILE_DOMAIN } from './passes/fuse-activations.js';
export { optimize, type OptimizeOptions } from './passes/optimize.js';
export { BUILTIN_BACKENDS, parseBackendSpec, type ParsedSpec } from './backend/backend-spec.js';
export { TimeSlicer } from './backend/time-slicer.js';
export {
  defaultProjectRoot,
  findInstalledPackage,
  searchRoots,
  type InstalledPackage,
  type PackageSearch,
} from './backend/project-packages.js';
export {
  resolveBackend,
  validateBackend,
  BackendClaims,
  type BackendSpec,
  type ResolveOptions,
} from './backend/registry.js';
export {
  DEFAULT_MIN_PARTITION_NODES,
  partitionModel,
  nodeLabel,
  type PartitionOptions,
  type PlannedPartition,
  type PartitionPlan,
} from './partition/partitioner.js';
export {
  formatAssignment,
  type AssignmentReport,
  type NodeAssignment,
  type PartitionSummary,
  type Refusal,
} from './partition/report.js';
export { Session } from './session/session.js';
export {
  DEFAULT_BACKENDS,
  DEFAULT_MAX_QUEUED_RUNS,
  type RunOptions,
  type SessionOptions,
  type SessionEvent,
} from './session/options.js';
export type { StopOptions } from './session/stopper.js';
export { importModel, type CaffeModelSource } from './session/model-source.js';
export { memoryNeed, type MemoryNeed } from './session/memory-budget.js';
