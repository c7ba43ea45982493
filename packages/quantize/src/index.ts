/**
 * lastmile's post-training quantization: observers that choose each value's range over calibration
 * samples (min-max, moving average, percentile, TensorRT's entropy, least error), calibration with
 * them, streamed through the reference interpreter, and the QDQ model onnxruntime runs.
 *
 * @packageDocumentation
 */
export { type CalibrationOptions, calibrateModel } from './calibrate.js';
export { Histogram } from './observers/histogram.js';
export { type QdqOptions, qdqModel } from './qdq-model.js';
export { entropyThreshold, type ObserverOptions, observerFor } from './observers/observers.js';
export { type Agreement, type AgreementReport, agreementOf } from './precision/agreement.js';
export {
  chooseMixedPrecision,
  type MixedPrecision,
  type MixedPrecisionOptions,
  type PrecisionStep,
} from './precision/mixed-precision.js';
