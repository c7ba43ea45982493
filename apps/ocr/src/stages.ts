/**
 * The three PP-OCR models as pipelines: detection (image -> text boxes), direction classification
 * (crops -> 0 or 180 degrees) and recognition (crops -> text). One spec each, run by either engine.
 */
import { ShapeError, type Tensor } from '@lastmile/core';
import {
  ctcGreedyDecode,
  type CtcOptions,
  dbBoxes,
  normalizeStep,
  resize,
  step,
  type DbOptions,
  type Decoded,
  type Image,
  type PipelineSpec,
  type TextBox,
} from '@lastmile/vision';
import {
  CLS_WIDTH,
  DET_NORMALIZATION,
  LINE_HEIGHT,
  REC_MIN_WIDTH,
  REC_NORMALIZATION,
  detInputSize,
  lineWidth,
  recBatchWidth,
} from './ppocr.js';

/** The only output of a model, by position (PP-OCR's output names are exporter-made). */
function onlyOutput(outputs: Record<string, Tensor>, model: string): Tensor {
  const values = Object.values(outputs);
  if (values.length !== 1)
    throw new ShapeError(`the ${model} model should have one output, it has ${values.length}`, {
      model,
      expected: 1,
      got: values.length,
    });
  return values[0];
}

/** Detection: resized to multiples of 32 (long side at most `limitSide`), DB boxes in source pixels. */
export function detSpec(model: string, limitSide: number, db: DbOptions = {}): PipelineSpec<Image, TextBox[]> {
  return {
    model,
    pre: [
      step('resize', (image: Image) => {
        const size = detInputSize(image.width, image.height, limitSide);
        return resize(image, size.width, size.height, 'bilinear');
      }),
      normalizeStep(DET_NORMALIZATION),
    ],
    post: (outputs, image) => dbBoxes(onlyOutput(outputs, 'det'), image.width, image.height, db),
  };
}

/** A direction guess for one crop. */
export interface Direction {
  label: '0' | '180';
  score: number;
}

/** Direction classification of a batch of crops (48 x 192, aspect kept, padded). */
export function clsSpec(model: string): PipelineSpec<readonly Image[], Direction[]> {
  return {
    model,
    pre: [
      step('resize', (crops: readonly Image[]) =>
        crops.map((c) => resize(c, lineWidth(c.width, c.height, CLS_WIDTH), LINE_HEIGHT, 'bilinear')),
      ),
      normalizeStep(REC_NORMALIZATION, { minWidth: CLS_WIDTH }),
    ],
    post: (outputs) => {
      const probs = onlyOutput(outputs, 'cls');
      const data = probs.data as Float32Array;
      if (probs.dims.length !== 2 || probs.dims[1] !== 2)
        throw new ShapeError(`the cls model should give [N, 2], got [${probs.dims.join(', ')}]`, {
          model: 'cls',
          expected: '[N, 2]',
          got: probs.dims,
        });
      return Array.from(
        { length: probs.dims[0] },
        (_, i): Direction =>
          data[2 * i + 1] > data[2 * i] ? { label: '180', score: data[2 * i + 1] } : { label: '0', score: data[2 * i] },
      );
    },
  };
}

/** Recognition of a batch of crops (height 48, width by aspect ratio up to the batch width), CTC-decoded. */
export function recSpec(
  model: string,
  dictionary: readonly string[],
  ctc: CtcOptions = {},
): PipelineSpec<readonly Image[], Decoded[]> {
  return {
    model,
    pre: [
      step('resize', (crops: readonly Image[]) => {
        const width = recBatchWidth(crops);
        return crops.map((c) => resize(c, lineWidth(c.width, c.height, width), LINE_HEIGHT, 'bilinear'));
      }),
      normalizeStep(REC_NORMALIZATION, { minWidth: REC_MIN_WIDTH }),
    ],
    post: (outputs) => ctcGreedyDecode(onlyOutput(outputs, 'rec'), dictionary, ctc),
  };
}
