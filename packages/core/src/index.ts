/**
 * lastmile core: tensors, the graph IR, op definitions with reference kernels, passes, the backend
 * contract, backend discovery, the partitioner and the session. Backend authors find what they need in
 * `@lastmile/core/backend`, test models in `@lastmile/core/testing`.
 *
 * @packageDocumentation
 */
export * from './backend.js';
export * from './random.js';
export { validateGraph, isControlFlow, subgraphsOf, implicitInputs, nodeReads } from './ir/validate.js';
export { foldConstants, MAX_FOLDED_BYTES } from './passes/fold-constants.js';
export { removeDeadNodes } from './passes/remove-dead-nodes.js';
export { removeIdentities } from './passes/remove-identities.js';
export { foldBatchNorm } from './passes/fold-batch-norm.js';
export { foldQdq } from './passes/fold-qdq.js';
export { upgradeOpset, UPGRADE_SOURCE, UPGRADE_TARGET } from './passes/upgrade-opset.js';
export { optimize, type OptimizeOptions } from './passes/optimize.js';
export { BUILTIN_BACKENDS, parseBackendSpec, type ParsedSpec } from './backend/backend-spec.js';
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
export type { BoundaryCounts } from './session/plan.js';
export { importModel, type CaffeModelSource } from './session/model-source.js';
export { memoryNeed, type MemoryNeed } from './session/memory-budget.js';
export { writeFileAtomic, readRegularFile } from './files.js';
export {
  BUNDLE_HEAD_BYTES,
  decodeBundle,
  looksLikeBundle,
  type Bundle,
  type BundlePartition,
} from './artifact/bundle.js';
export { decodeArtifact, numericsOf, versionOf, type Artifact } from './artifact/envelope.js';
export {
  calibrate,
  CALIBRATION_METHODS,
  decodeCalibrationTable,
  encodeCalibrationTable,
  modelHash,
  readCalibrationTable,
  writeCalibrationTable,
  type CalibrateOptions,
  type CalibrationMethod,
  type ValueObserver,
} from './calibration/table.js';
