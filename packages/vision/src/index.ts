/**
 * lastmile vision: the pre- and post-processing of a deployed model. Image decode and encode (PNG,
 * JPEG, nothing native), resize with OpenCV's semantics, crop, letterbox, rotate, perspective crop,
 * normalization and layout; softmax, top-k, NMS, DB text boxes and CTC decoding; and pipelines that
 * fold linear pre-processing into the model.
 *
 * @packageDocumentation
 */
export { ImageError } from './image-error.js';
export { channels, channelsOf, convertColor, createImage, type ColorOrder, type Image } from './image.js';
export { imageFormat, headerSize, type ImageFormat } from './header.js';
export {
  decodeImage,
  encodeJpeg,
  encodePng,
  readImage,
  writeImage,
  MAX_IMAGE_PIXELS,
  MAX_IMAGE_SIDE,
  type DecodeOptions,
} from './codec.js';
export { resize, type Interpolation } from './resize.js';
export {
  crop,
  letterbox,
  orient,
  rotate,
  type Letterboxed,
  type Orientation,
  type Rect,
  type Rotation,
} from './geometry.js';
export { jpegOrientation } from './exif.js';
export {
  cropQuad,
  invertHomography,
  perspectiveTransform,
  warpPerspective,
  type Homography,
  type Point,
  type Quad,
} from './perspective.js';
export {
  affineOf,
  chwToHwc,
  hwcToChw,
  imageToTensor,
  imagesToTensor,
  type BatchLayout,
  type ChannelAffine,
  type Normalization,
} from './layout.js';
export { softmax, topK, type Ranked } from './classify.js';
export { iou, nms, softNms, type Box, type SoftNmsOptions } from './nms.js';
export { ctcGreedyDecode, loadDictionary, type CtcOptions, type Decoded } from './ctc.js';
export { boxScoreFast, dbBoxes, miniBox, unclip, type DbOptions, type TextBox } from './db/db-postprocess.js';
export { convexHull, minAreaRect, polygonArea, polygonLength, type RotatedRect } from './db/polygon.js';
export { regionOutlines } from './db/regions.js';
export { foldInputAffine, type FoldResult } from './fold-normalize.js';
export {
  normalizeStep,
  pipeline,
  runStages,
  step,
  type Folding,
  type NormalizeStep,
  type Pipeline,
  type PipelineSpec,
  type StageTiming,
  type Step,
} from './pipeline.js';
export { drawPolygon } from './draw.js';
