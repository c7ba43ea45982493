/**
 * The EXIF orientation tag of a JPEG, read from its APP1 "Exif" segment (a TIFF structure: byte order,
 * IFD0's entries). Only that one tag is read, with every offset checked against the segment's end:
 * malformed or hostile EXIF data reads as "as stored" and never throws.
 */
import type { Orientation } from './geometry.js';

const ORIENTATION_TAG = 0x0112;
const SHORT = 3;
const APP1 = 0xe1;
/** Start of scan and end of image: no metadata segment follows them. */
const SOS = 0xda;
const EOI = 0xd9;

/** The orientation a JPEG's EXIF data gives, or 1 (as stored) when it has none or it cannot be read. */
export function jpegOrientation(bytes: Uint8Array): Orientation {
  let at = 2;
  while (at + 4 <= bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1];
    // A fill byte before a marker.
    if (marker === 0xff) {
      at++;
      continue;
    }
    if (marker === SOS || marker === EOI) break;
    const end = at + 2 + ((bytes[at + 2] << 8) | bytes[at + 3]);
    if (end < at + 4 || end > bytes.length) break;
    if (marker === APP1 && isExifHeader(bytes, at + 4, end)) return orientationInTiff(bytes, at + 10, end);
    at = end;
  }
  return 1;
}

/** "Exif\0\0" at `at`. */
function isExifHeader(b: Uint8Array, at: number, end: number): boolean {
  return (
    at + 6 <= end &&
    b[at] === 0x45 &&
    b[at + 1] === 0x78 &&
    b[at + 2] === 0x69 &&
    b[at + 3] === 0x66 &&
    b[at + 4] === 0 &&
    b[at + 5] === 0
  );
}

function orientationInTiff(b: Uint8Array, tiff: number, end: number): Orientation {
  if (tiff + 8 > end) return 1;
  const little = b[tiff] === 0x49 && b[tiff + 1] === 0x49;
  if (!little && !(b[tiff] === 0x4d && b[tiff + 1] === 0x4d)) return 1;
  const u16 = (p: number) => (little ? b[p] | (b[p + 1] << 8) : (b[p] << 8) | b[p + 1]);
  const u32 = (p: number) => (little ? u16(p) + u16(p + 2) * 65536 : u16(p) * 65536 + u16(p + 2));
  if (u16(tiff + 2) !== 42) return 1;
  const ifd = tiff + u32(tiff + 4);
  if (ifd + 2 > end) return 1;
  const entries = u16(ifd);
  for (let i = 0; i < entries; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > end) return 1;
    if (u16(entry) !== ORIENTATION_TAG) continue;
    const value = u16(entry + 8);
    return u16(entry + 2) === SHORT && value >= 1 && value <= 8 ? (value as Orientation) : 1;
  }
  return 1;
}
