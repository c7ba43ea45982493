/**
 * What the packages' tests share. Test-only: it imports vitest and onnxruntime-node (root dev dependencies).
 */
export { expectClose } from './close.js';
export { expectModelMatchesOrt, type ModelCheckOptions, type ModelRun } from './models.js';
export {
  caseFeeds,
  constant,
  runReference,
  singleNodeModel,
  type CaseInput,
  type ConstantInput,
  type OpCase,
} from './one-node.js';
export { fromOrt, toOrt } from './ort.js';
export { expectRunsStop } from './stopping.js';
export { expectArtifactRoundTrip } from './artifacts.js';
export { expectBackendMatchesReference, type BackendCheckOptions } from './backend-vs-reference.js';
export { CONV_SHAPES, convCase, type ConvShape } from './cases/conv.js';
