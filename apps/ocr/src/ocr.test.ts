import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeImage, encodeJpeg, readImage, rotate } from '@lastmile/vision';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOcr, type Ocr, type OcrResult } from './ocr.js';

const app = join(dirname(fileURLToPath(import.meta.url)), '..');
const known = JSON.parse(readFileSync(join(app, 'fixtures', 'known-text.json'), 'utf8')) as Record<
  string,
  { lines: string[] }
>;

describe.each(Object.keys(known))('%s', (file) => {
  let lastmile: OcrResult;
  let onnxruntime: OcrResult;
  let engines: Ocr[];

  beforeAll(async () => {
    engines = [await createOcr(), await createOcr({ engine: 'onnxruntime' })];
    const image = await readImage(join(app, file));
    [lastmile, onnxruntime] = [await engines[0].recognize(image), await engines[1].recognize(image)];
  });
  afterAll(async () => {
    for (const e of engines) await e.dispose();
  });

  it('reads the known text, top to bottom', () => {
    expect(lastmile.lines.map((l) => l.text)).toEqual(known[file].lines);
    for (const line of lastmile.lines) expect(line.confidence).toBeGreaterThan(0.8);
  });

  it("equals onnxruntime's output: same text, boxes within a pixel, confidences within 1e-3", () => {
    expect(lastmile.lines.map((l) => l.text)).toEqual(onnxruntime.lines.map((l) => l.text));
    lastmile.lines.forEach((line, i) => {
      line.box
        .flat()
        .forEach((v, k) => expect(Math.abs(v - onnxruntime.lines[i].box.flat()[k])).toBeLessThanOrEqual(1));
      expect(line.confidence).toBeCloseTo(onnxruntime.lines[i].confidence, 3);
    });
  });

  it('times every stage, with the normalization folded into each model', () => {
    expect(lastmile.timings.map((t) => t.stage)).toEqual(
      expect.arrayContaining([
        'det.resize',
        'det.normalize',
        'det.model',
        'det.post',
        'crop',
        'cls.model',
        'rec.model',
        'rec.post',
      ]),
    );
    expect(engines[0].folding.det).toMatchObject({ folded: true });
    expect(engines[0].folding.rec).toMatchObject({ folded: true });
  });

  it('reports the backends that took nodes: every node of the three models runs on cpu-neon', () => {
    expect(engines[0].backends).toEqual({ det: ['cpu-neon'], cls: ['cpu-neon'], rec: ['cpu-neon'] });
  });
});

describe('photos', () => {
  it('reads a sideways JPEG upright by its EXIF orientation (6: turn 90° clockwise), as cv2.imread would', async () => {
    const sample = await readImage(join(app, 'samples/sample.png'));
    const jpeg = encodeJpeg(rotate(sample, 270), 95);
    // An APP1 "Exif" segment after SOI: big-endian TIFF, IFD0 with one SHORT entry, orientation 6.
    const exif = [
      0x45, 0x78, 0x69, 0x66, 0, 0, 0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0,
      0, 0, 0,
    ];
    const photo = Uint8Array.from([0xff, 0xd8, 0xff, 0xe1, 0, exif.length + 2, ...exif, ...jpeg.subarray(2)]);
    const ocr = await createOcr();
    try {
      expect((await ocr.recognize(decodeImage(photo))).lines.map((l) => l.text)).toEqual(
        known['samples/sample.png'].lines,
      );
    } finally {
      await ocr.dispose();
    }
  });
});

describe('word gaps', () => {
  it("without them, PaddleOCR's plain greedy decoding loses spaces the known text has", async () => {
    const ocr = await createOcr({ wordGaps: false, classify: false });
    try {
      const { lines } = await ocr.recognize(await readImage(join(app, 'samples/sample.png')));
      expect(lines[0].text).toBe('Order2024-0193');
    } finally {
      await ocr.dispose();
    }
  });
});

describe('bad input', () => {
  it('a missing dictionary is a typed error naming the file', async () => {
    await expect(createOcr({ dictionary: '/no/such/keys.txt' })).rejects.toMatchObject({
      code: 'LM_INPUT',
      details: { file: '/no/such/keys.txt' },
    });
  });
});
