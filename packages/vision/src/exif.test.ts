import { describe, expect, it } from 'vitest';
import { jpegOrientation } from './exif.js';

/** SOI, then an APP1 segment holding `payload`, then a bare EOI. */
const withApp1 = (payload: number[]) =>
  Uint8Array.from([
    0xff,
    0xd8,
    0xff,
    0xe1,
    (payload.length + 2) >> 8,
    (payload.length + 2) & 0xff,
    ...payload,
    0xff,
    0xd9,
  ]);
const EXIF = [0x45, 0x78, 0x69, 0x66, 0, 0];

/** An Exif payload whose IFD0 holds one entry (tag, type, count 1, value), in either byte order. */
function exifEntry(tag: number, type: number, value: number, little = false): number[] {
  const u16 = (v: number) => (little ? [v & 0xff, v >> 8] : [v >> 8, v & 0xff]);
  const u32 = (v: number) => (little ? [...u16(v & 0xffff), ...u16(v >>> 16)] : [...u16(v >>> 16), ...u16(v & 0xffff)]);
  return [
    ...EXIF,
    ...(little ? [0x49, 0x49] : [0x4d, 0x4d]),
    ...u16(42),
    ...u32(8),
    ...u16(1),
    ...u16(tag),
    ...u16(type),
    ...u32(1),
    ...u16(value),
    0,
    0,
    ...u32(0),
  ];
}

describe('jpegOrientation', () => {
  it('reads the orientation tag in both byte orders', () => {
    for (const little of [false, true]) {
      for (let o = 1; o <= 8; o++) expect(jpegOrientation(withApp1(exifEntry(0x0112, 3, o, little)))).toBe(o);
    }
  });

  it('finds the Exif segment after other segments and fill bytes', () => {
    const app0 = [0xff, 0xe0, 0, 4, 0x4a, 0x46];
    const bytes = withApp1(exifEntry(0x0112, 3, 6));
    expect(jpegOrientation(Uint8Array.from([0xff, 0xd8, ...app0, 0xff, ...bytes.subarray(2)]))).toBe(6);
  });

  it('reads "as stored" (1) from missing, foreign or malformed EXIF data, never throwing', () => {
    const cases: [string, Uint8Array][] = [
      ['no segments', Uint8Array.of(0xff, 0xd8, 0xff, 0xd9)],
      ['an APP1 that is not Exif (XMP)', withApp1([0x68, 0x74, 0x74, 0x70, 0x3a, 0x2f, 0x2f])],
      ['another tag', withApp1(exifEntry(0x010f, 3, 6))],
      ['a LONG instead of a SHORT', withApp1(exifEntry(0x0112, 4, 6))],
      ['value 0', withApp1(exifEntry(0x0112, 3, 0))],
      ['value 9', withApp1(exifEntry(0x0112, 3, 9))],
      ['a bad byte order mark', withApp1([...EXIF, 0x4d, 0x49, 0, 42, 0, 0, 0, 8])],
      ['a bad TIFF magic', withApp1([...EXIF, 0x4d, 0x4d, 0, 43, 0, 0, 0, 8])],
      ['an IFD offset past the segment', withApp1([...EXIF, 0x4d, 0x4d, 0, 42, 0xff, 0xff, 0xff, 0xf0, 0, 1])],
      [
        'more entries than the segment holds',
        withApp1([...EXIF, 0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0xff, 0xff, 0x01, 0x12]),
      ],
      ['a segment length past the end', Uint8Array.of(0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff, ...EXIF)],
      ['a zero segment length', Uint8Array.of(0xff, 0xd8, 0xff, 0xe1, 0, 0, 0xff, 0xd9)],
      [
        'the bytes after start of scan',
        Uint8Array.from([0xff, 0xd8, 0xff, 0xda, 0, 2, ...withApp1(exifEntry(0x0112, 3, 6)).subarray(2)]),
      ],
      ['a truncated file', withApp1(exifEntry(0x0112, 3, 6)).subarray(0, 20)],
    ];
    for (const [label, bytes] of cases) expect(jpegOrientation(bytes), label).toBe(1);
  });
});
