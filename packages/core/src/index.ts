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
export * from './backend/contract.js';
export * from './random.js';
