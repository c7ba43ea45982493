import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpegJs from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { decodeImage, encodeJpeg, encodePng, readImage, writeImage } from './codec.js';
import { headerSize, imageFormat } from './header.js';
import { orient } from './geometry.js';
import { convertColor, createImage } from './image.js';

/** A 3x2 RGB test image with distinct values. */
const rgb = createImage(
  3,
  2,
  'rgb',
  Uint8Array.from({ length: 18 }, (_, i) => i * 13),
);

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
    const image = createImage(
      w,
      h,
      'rgb',
      Uint8Array.from({ length: w * h * 3 }, (_, i) => ((i % (w * 3)) >> 4) & 255),
    );
    const decoded = decodeImage(encodeJpeg(image, 50));
    expect([decoded.width, decoded.height, decoded.order]).toEqual([w, h, 'rgb']);
    expect(Math.abs(decoded.data[3 * (1500 * w + 2000)] - image.data[3 * (1500 * w + 2000)])).toBeLessThanOrEqual(8);
  });

  it('reads and writes files, format by extension', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vision-'));
    await writeImage(join(dir, 'a.png'), rgb);
    expect(await readImage(join(dir, 'a.png'))).toEqual(rgb);
    await expect(writeImage(join(dir, 'a.gif'), rgb)).rejects.toMatchObject({
      code: 'LM_INPUT',
      details: { file: join(dir, 'a.gif') },
    });
  });
});

/** A 50x30 JPEG of fixtures/ (ImageMagick, quality 90: a red-blue gradient, a yellow disc, a green square). */
function fixture(name: string): Uint8Array {
  return readFileSync(new URL(`../fixtures/${name}.jpg`, import.meta.url));
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The JPEG with an EXIF APP1 segment after SOI whose orientation tag (0x0112) is `orientation`. */
function withExifOrientation(jpeg: Uint8Array, orientation: number): Uint8Array {
  // "Exif\0\0", big-endian TIFF header with the IFD at 8, one SHORT entry, no next IFD.
  const exif = [
    0x45,
    0x78,
    0x69,
    0x66,
    0,
    0,
    0x4d,
    0x4d,
    0,
    0x2a,
    0,
    0,
    0,
    8,
    0,
    1,
    0x01,
    0x12,
    0,
    3,
    0,
    0,
    0,
    1,
    0,
    orientation,
    0,
    0,
    0,
    0,
    0,
    0,
  ];
  return Uint8Array.from([0xff, 0xd8, 0xff, 0xe1, 0, exif.length + 2, ...exif, ...jpeg.subarray(2)]);
}

describe('JPEG decoding (libjpeg as WebAssembly, jpeg-js for what it refuses)', () => {
  // SHA-256 of `convert <fixture>.jpg -depth 8 rgb:-`: ImageMagick's libjpeg-turbo (islow IDCT, fancy upsampling).
  it.each([
    ['rgb-420', 'dd87e2bd0f4b19ce23b6cc76f100578c18a074af4a0e718b09133477d6729a53'],
    ['progressive', 'dd87e2bd0f4b19ce23b6cc76f100578c18a074af4a0e718b09133477d6729a53'],
    ['rgb-444', '0dc627293054935ba9dc188e2a57b14238e76555b13b0d5605fd3a6201657d66'],
    ['gray', '873ed4b52426bbbf4400382c96204452654201fb104a0c6f209efcdc058fc6dc'],
  ])('%s decodes bit-identical to libjpeg-turbo', (name, libjpegTurbo) => {
    const image = decodeImage(fixture(name));
    expect([image.width, image.height, image.order]).toEqual([50, 30, 'rgb']);
    expect(sha256(image.data)).toBe(libjpegTurbo);
  });

  it('differs from jpeg-js by IDCT rounding only when chroma is not subsampled', () => {
    const bytes = fixture('rgb-444');
    const js = jpegJs.decode(bytes, { useTArray: true, formatAsRGBA: false }).data;
    const diffs = decodeImage(bytes).data.map((v, i) => Math.abs(v - js[i]));
    expect(Math.max(...diffs)).toBeLessThanOrEqual(3);
  });

  it('gray JPEGs decode to three equal channels', () => {
    const { data } = decodeImage(fixture('gray'));
    expect([data[0], data[1], data[2]]).toEqual([54, 54, 54]);
  });

  it('CMYK, which libjpeg will not convert, decodes through jpeg-js as before', () => {
    const bytes = fixture('cmyk');
    const image = decodeImage(bytes);
    expect(image.data).toEqual(jpegJs.decode(bytes, { useTArray: true, formatAsRGBA: false }).data);
    expect([...image.data.subarray(0, 3)]).toEqual([255, 0, 0]);
  });

  it('keeps decoding right after many fatal libjpeg errors (each drops its decoder)', () => {
    // A decoder reused after about 100 exits of libjpeg fails with memory errors.
    for (let i = 0; i < 150; i++) decodeImage(fixture('cmyk'));
    expect(sha256(decodeImage(fixture('rgb-420')).data)).toBe(
      'dd87e2bd0f4b19ce23b6cc76f100578c18a074af4a0e718b09133477d6729a53',
    );
  });

  it('turns a JPEG as its EXIF orientation says, unless asked for stored order', () => {
    const stored = decodeImage(fixture('rgb-420'));
    for (const o of [2, 3, 6, 8] as const)
      expect(decodeImage(withExifOrientation(fixture('rgb-420'), o))).toEqual(orient(stored, o));
    const turned = decodeImage(withExifOrientation(fixture('rgb-420'), 6));
    expect([turned.width, turned.height]).toEqual([stored.height, stored.width]);
    expect(decodeImage(withExifOrientation(fixture('rgb-420'), 6), { orientation: 'stored' })).toEqual(stored);
    expect(decodeImage(withExifOrientation(fixture('rgb-420'), 6), { order: 'bgr' })).toEqual(
      convertColor(turned, 'bgr'),
    );
  });
});

describe('bad images give typed errors naming the file', () => {
  const file = 'photo.png';
  it.each([
    ['an empty file', new Uint8Array(0), 'LM_INPUT', /empty/],
    [
      'unknown magic bytes',
      Uint8Array.of(0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0, 0, 0),
      'LM_INPUT',
      /not a PNG or JPEG/,
    ],
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
    const big = createImage(
      64,
      64,
      'rgb',
      Uint8Array.from({ length: 64 * 64 * 3 }, (_, i) => (i * 7919) % 251),
    );
    const png = encodePng(big);
    expect(() => decodeImage(png.subarray(0, png.length / 2), { file })).toThrow(
      expect.objectContaining({ code: 'LM_INPUT', details: expect.objectContaining({ file }) }),
    );
    const jpeg = encodeJpeg(big);
    // libjpeg would fill in the missing rows; it warns, and jpeg-js refuses the file as before.
    expect(() => decodeImage(jpeg.subarray(0, jpeg.length / 2), { file: 'photo.jpg' })).toThrow(
      expect.objectContaining({
        code: 'LM_INPUT',
        details: expect.objectContaining({ file: 'photo.jpg', libjpeg: 'Premature end of JPEG file' }),
      }),
    );
  });

  it('a JPEG whose scan data is corrupt', () => {
    const bytes = Uint8Array.from(fixture('rgb-444'));
    bytes.fill(0xff, bytes.length - 200, bytes.length - 2);
    expect(() => decodeImage(bytes, { file: 'photo.jpg' })).toThrow(
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
    await expect(readImage(path)).rejects.toMatchObject({
      code: 'LM_RESOURCE_LIMIT',
      details: { file: path, got: [100000, 10] },
    });
  });
});
