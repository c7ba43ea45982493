/**
 * Where the sample image lives, for `pnpm ocr` without an image and for the bench's OCR pipeline.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The sample image beside the app (dist/*.js and src/*.ts are both one folder below it). */
export function sampleImagePath(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'samples', 'sample.png');
}
