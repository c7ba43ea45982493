import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readImage } from '@lastmile/vision';
import { describe, expect, it } from 'vitest';
import { createOcr } from './ocr.js';

const app = join(dirname(fileURLToPath(import.meta.url)), '..');

// Its own file: onnxruntime-web's thread count is fixed once per process (vitest gives each file one).
describe('the onnxruntime-web engine', () => {
  it('reads the sample as the cpu-neon engine does: same text, boxes within a pixel, confidences within 1e-3', async () => {
    const image = await readImage(join(app, 'samples', 'sample.png'));
    const [neon, web] = [
      await createOcr({ backends: ['cpu-neon'] }),
      await createOcr({ engine: 'onnxruntime-web', threads: 1 }),
    ];
    try {
      expect(web.backends).toEqual({ det: ['onnxruntime-web'], cls: ['onnxruntime-web'], rec: ['onnxruntime-web'] });
      const [a, b] = [await neon.recognize(image), await web.recognize(image)];
      expect(b.lines.map((l) => l.text)).toEqual(a.lines.map((l) => l.text));
      expect(b.lines).toHaveLength(3);
      b.lines.forEach((line, i) => {
        line.box.flat().forEach((v, k) => expect(Math.abs(v - a.lines[i].box.flat()[k])).toBeLessThanOrEqual(1));
        expect(line.confidence).toBeCloseTo(a.lines[i].confidence, 3);
      });
      expect(b.timings.map((t) => t.stage)).toEqual(
        expect.arrayContaining(['det.model', 'det.post', 'cls.model', 'rec.model', 'rec.post']),
      );
    } finally {
      await neon.dispose();
      await web.dispose();
    }
  }, 60_000);

  it('refuses a second thread count in the same process, naming both', async () => {
    await expect(createOcr({ engine: 'onnxruntime-web', threads: 2 })).rejects.toMatchObject({
      code: 'LM_INPUT',
      details: { expected: 1, got: 2 },
    });
  });
});
