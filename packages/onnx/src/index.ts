/**
 * ONNX for lastmile: {@link loadModel} imports an ONNX model into the core graph IR with strict checks
 * on hostile files (format, limits, external data), and {@link encodeModel} / {@link saveModel} write an
 * IR model back as ONNX.
 *
 * @packageDocumentation
 */
export { encodeModel, saveModel } from './writer.js';
export { decodeModel, loadModel, SUPPORTED_IR_VERSIONS, SUPPORTED_OPSETS } from './load.js';
export { DEFAULT_LIMITS } from './options.js';
export type { LoadOptions } from './options.js';
export { decodeTensor, encodeTensor, type NamedTensor } from './tensor-proto.js';
