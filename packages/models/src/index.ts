/**
 * The models lastmile's tests and benchmarks are built from: a small graph builder over core's IR,
 * torchvision's ImageNet CNNs with seeded random weights (MobileNetV2, ResNet-18, SqueezeNet 1.1,
 * MobileNetV3-Small, ShuffleNetV2 x0.5), their MAC and parameter counts, and the paths of the PP-OCR
 * models. Nothing downloads at run time.
 *
 * @packageDocumentation
 */
export {
  ModelBuilder,
  type ModelBuilderOptions,
  type ConvOptions,
  type PoolOptions,
  type GemmOptions,
  type SpatialSize,
} from './builder.js';
export { INPUT_NAME, OUTPUT_NAME, type ArchitectureOptions } from './architectures/common.js';
export { mobilenetV2 } from './architectures/mobilenet-v2.js';
export { resnet18 } from './architectures/resnet18.js';
export { squeezenet11 } from './architectures/squeezenet11.js';
export { mobilenetV3Small } from './architectures/mobilenet-v3-small.js';
export { shuffleNetV2x05 } from './architectures/shufflenet-v2.js';
export {
  ARCHITECTURES,
  buildModel,
  buildModelBytes,
  isArchitectureName,
  type ArchitectureName,
} from './architectures/index.js';
export { macs } from './macs.js';
export { parameterCount } from './parameters.js';
export { ppocrModelPath, ppocrDictionaryPath, type PpocrModel } from './ppocr.js';
