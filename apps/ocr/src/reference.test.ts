import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readImage } from '@lastmile/vision';
import { describe, expect, it } from 'vitest';
import { createOcr } from './ocr.js';

const app = join(dirname(fileURLToPath(import.meta.url)), '..');

// Its own file, so vitest runs this slow one beside the others.
describe('the reference backend alone', () => {
  it('reads the sample as onnxruntime does', async () => {
    const image = await readImage(join(app, 'samples', 'sample.png'));
    const [reference, ort] = [await createOcr({ backends: ['reference'] }), await createOcr({ engine: 'onnxruntime' })];
    expect(reference.backends.rec).toEqual(['reference']);
    const [a, b] = [await reference.recognize(image), await ort.recognize(image)];
    expect(a.lines.map((l) => l.text)).toEqual(b.lines.map((l) => l.text));
    await reference.dispose();
    await ort.dispose();
  }, 120_000);
});
