import { deflateSync } from 'node:zlib';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImage, encodeJpeg, encodePng, readImage, writeImage } from './codec.js';
import { headerSize, imageFormat } from './header.js';
import { createImage } from './image.js';

/** A 3x2 RGB test image with distinct values. */
const rgb = createImage(3, 2, 'rgb', Uint8Array.from({ length: 18 }, (_, i) => i * 13));

/** A PNG whose IHDR claims `width` x `height` (no pixel data needed: the header check comes first). */
function pngHeader(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  bytes.set([8, 2, 0, 0, 0], 24);
  return bytes;
}

describe('PNG and JPEG', () => {
  it('round-trips RGB, BGR and gray images through PNG exactly', () => {
    const png = encodePng(rgb);
    expect(imageFormat(png)).toBe('png');
    expect(headerSize(png, 'png')).toEqual({ width: 3, height: 2 });
    expect(decodeImage(png)).toEqual(rgb);
    const bgr = decodeImage(png, { order: 'bgr' });
    expect([...bgr.data.subarray(0, 3)]).toEqual([26, 13, 0]);
    const gray = createImage(2, 2, 'gray', Uint8Array.of(0, 50, 200, 255));
    // Gray PNGs decode to three equal channels.
    expect([...decodeImage(encodePng(gray)).data]).toEqual([0, 0, 0, 50, 50, 50, 200, 200, 200, 255, 255, 255]);
  });

  it('decodes JPEG close to the source (lossy), size from the SOF header', () => {
    const flat = createImage(16, 8, 'rgb', new Uint8Array(16 * 8 * 3).fill(120));
    const jpeg = encodeJpeg(flat, 95);
    expect(imageFormat(jpeg)).toBe('jpeg');
    expect(headerSize(jpeg, 'jpeg')).toEqual({ width: 16, height: 8 });
    const back = decodeImage(jpeg);
    expect(back.width).toBe(16);
    expect(Math.max(...back.data.map((v) => Math.abs(v - 120)))).toBeLessThanOrEqual(2);
  });

  it('decodes a photo-sized JPEG (12 MP): the decoder is given the memory it needs', () => {
    const [w, h] = [4000, 3000];
    const image = createImage(w, h, 'rgb', Uint8Array.from({ length: w * h * 3 }, (_, i) => ((i % (w * 3)) >> 4) & 255));
    const decoded = decodeImage(encodeJpeg(image, 50));
    expect([decoded.width, decoded.height, decoded.order]).toEqual([w, h, 'rgb']);
    expect(Math.abs(decoded.data[3 * (1500 * w + 2000)] - image.data[3 * (1500 * w + 2000)])).toBeLessThanOrEqual(8);
  });

  it('reads and writes files, format by extension', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vision-'));
    await writeImage(join(dir, 'a.png'), rgb);
    expect(await readImage(join(dir, 'a.png'))).toEqual(rgb);
    await expect(writeImage(join(dir, 'a.gif'), rgb)).rejects.toMatchObject({ code: 'LM_INPUT', details: { file: join(dir, 'a.gif') } });
  });
});

describe('bad images give typed errors naming the file', () => {
  const file = 'photo.png';
  it.each([
    ['an empty file', new Uint8Array(0), 'LM_INPUT', /empty/],
    ['unknown magic bytes', Uint8Array.of(0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0, 0, 0), 'LM_INPUT', /not a PNG or JPEG/],
    ['a PNG cut inside its header', pngHeader(4, 4).subarray(0, 20), 'LM_INPUT', /truncated or malformed png header/],
    ['a zero-size PNG', pngHeader(0, 10), 'LM_INPUT', /zero-size/],
    ['a huge PNG (checked before decoding)', pngHeader(20000, 20000), 'LM_RESOURCE_LIMIT', /exceeds the limit/],
    ['a PNG over the pixel limit', pngHeader(16384, 16385), 'LM_RESOURCE_LIMIT', /exceeds the limit/],
  ])('%s', (_, bytes, code, message) => {
    let error: unknown;
    try {
      decodeImage(bytes, { file });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code, details: { file } });
    expect((error as Error).message).toMatch(message);
  });

  it('a truncated PNG and a truncated JPEG', () => {
    const big = createImage(64, 64, 'rgb', Uint8Array.from({ length: 64 * 64 * 3 }, (_, i) => (i * 7919) % 251));
    const png = encodePng(big);
    expect(() => decodeImage(png.subarray(0, png.length / 2), { file })).toThrow(expect.objectContaining({ code: 'LM_INPUT', details: expect.objectContaining({ file }) }));
    const jpeg = encodeJpeg(big);
    expect(() => decodeImage(jpeg.subarray(0, jpeg.length / 2), { file: 'photo.jpg' })).toThrow(
      expect.objectContaining({ code: 'LM_INPUT', details: expect.objectContaining({ file: 'photo.jpg' }) }),
    );
  });

  it('corrupt PNG data after a valid header', () => {
    const bytes = new Uint8Array([...pngHeader(4, 4), ...deflateSync(Buffer.from('not an image'))]);
    expect(() => decodeImage(bytes, { file })).toThrow(expect.objectContaining({ code: 'LM_INPUT' }));
  });

  it('a missing file', async () => {
    const path = join(tmpdir(), 'no-such-image-3141.png');
    await expect(readImage(path)).rejects.toMatchObject({ code: 'LM_INPUT', details: { file: path } });
  });

  it('a file with a huge header is refused by readImage too', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'vision-')), 'huge.png');
    writeFileSync(path, pngHeader(100000, 10));
    await expect(readImage(path)).rejects.toMatchObject({ code: 'LM_RESOURCE_LIMIT', details: { file: path, got: [100000, 10] } });
  });
});
