/**
 * Caffe for lastmile: {@link loadCaffe} imports a Caffe net (prototxt) and its trained weights
 * (caffemodel) into the core graph IR, each layer lowered to ONNX ops (opset 13).
 *
 * @packageDocumentation
 */
export { decodeCaffe, loadCaffe } from './load.js';
export type { CaffeLoadOptions, CaffeSource, CaffeWarning } from './load.js';
export { SUPPORTED_LAYERS } from './lower/lower-net.js';
export { parsePrototxt, type PlainMessage } from './prototxt/parse.js';
