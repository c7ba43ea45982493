/**
 * The one file layout every lastmile artifact shares: an 8-byte magic, the layout version, a JSON header,
 * a binary body, and a SHA-256 of all of it last. A truncated, padded or tampered file fails before any
 * of its content is trusted. The hash finds damage, not forgery: readers still check what they parse.
 *
 *   0   magic (8 ASCII bytes)      8   layout version (u32 LE)   12  header length H (u32 LE)
 *   16  body length B (u64 LE)     24  header (H bytes of UTF-8 JSON)
 *   24+H  body (B bytes)           24+H+B  SHA-256 of bytes 0 .. 24+H+B
 */
import { createHash } from 'node:crypto';
import { SerializationError } from '../errors.js';

const LAYOUT_VERSION = 1;
const PREFIX_BYTES = 24;
const HASH_BYTES = 32;
// A header is names, shapes and offsets: far below this even for 100,000-node bundles.
const MAX_HEADER_BYTES = 256 * 2 ** 20;

/** A container read back: its header (parsed, not yet checked), body and content hash (hex). */
export interface ContainerContents {
  header: unknown;
  body: Uint8Array;
  hash: string;
}

/** SHA-256 of `bytes`, hex. */
export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Lays out `header` and `body` under `magic` (8 ASCII characters). */
export function writeContainer(magic: string, header: unknown, body: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(PREFIX_BYTES + json.length + body.length + HASH_BYTES);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(magic.padEnd(8, '\0').slice(0, 8)), 0);
  view.setUint32(8, LAYOUT_VERSION, true);
  view.setUint32(12, json.length, true);
  view.setBigUint64(16, BigInt(body.length), true);
  out.set(json, PREFIX_BYTES);
  out.set(body, PREFIX_BYTES + json.length);
  const end = out.length - HASH_BYTES;
  out.set(createHash('sha256').update(out.subarray(0, end)).digest(), end);
  return out;
}

/**
 * Reads a container written under `magic`; `what` names the file in errors ("bundle 'm.bundle'"). Throws
 * SerializationError naming what is wrong: another kind of file, a layout version this core does not
 * read, a truncated or padded file, a hash that does not match, a header that is not JSON.
 */
export function readContainer(bytes: Uint8Array, magic: string, what: string): ContainerContents {
  const fail = (reason: string, details: Record<string, unknown> = {}): never => {
    throw new SerializationError(`${what}: ${reason}`, { what, reason, ...details });
  };
  if (!(bytes instanceof Uint8Array)) fail(`expected bytes, got ${typeof bytes}`);
  if (bytes.length < PREFIX_BYTES + HASH_BYTES)
    fail(`${bytes.length} bytes is too short to be one (truncated?)`, { got: bytes.length });
  const found = new TextDecoder().decode(bytes.subarray(0, 8));
  const expected = magic.padEnd(8, '\0').slice(0, 8);
  if (found !== expected)
    fail(`not a ${magic.replace(/\0/g, '')} file (its first bytes are not the magic)`, { magic: expected });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const layout = view.getUint32(8, true);
  if (layout !== LAYOUT_VERSION)
    fail(`layout version ${layout}, this core reads ${LAYOUT_VERSION}`, { expected: LAYOUT_VERSION, got: layout });
  const headerBytes = view.getUint32(12, true);
  const bodyBytes = view.getBigUint64(16, true);
  if (headerBytes > MAX_HEADER_BYTES) fail(`its header claims ${headerBytes} bytes`, { got: headerBytes });
  const total = BigInt(PREFIX_BYTES + headerBytes + HASH_BYTES) + bodyBytes;
  if (total !== BigInt(bytes.length)) {
    const why = total > BigInt(bytes.length) ? 'truncated' : 'has extra bytes';
    fail(`${why}: it is ${bytes.length} bytes, its header says ${total}`, {
      expected: Number(total),
      got: bytes.length,
    });
  }
  const end = bytes.length - HASH_BYTES;
  const digest = createHash('sha256').update(bytes.subarray(0, end)).digest();
  if (!digest.equals(bytes.subarray(end)))
    fail('its content hash does not match (the file was changed or damaged)', { reason: 'hash mismatch' });
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(24, 24 + headerBytes)));
  } catch (error) {
    fail(`its header is not JSON: ${(error as Error).message}`);
  }
  return { header, body: bytes.subarray(24 + headerBytes, end), hash: digest.toString('hex') };
}
