/**
 * Recognises what a buffer is when it is not an ONNX model, so the error can say "this is a Caffe
 * prototxt" instead of "protobuf parsing failed".
 */

const MAGIC: readonly { bytes: readonly number[]; at?: number; name: string }[] = [
  {
    bytes: [0x50, 0x4b, 0x03, 0x04],
    name: 'a zip archive (a PyTorch checkpoint or a model bundle: export or unpack the .onnx file)',
  },
  { bytes: [0x1f, 0x8b], name: 'gzip-compressed data (decompress it first)' },
  { bytes: [0x89, 0x48, 0x44, 0x46], name: 'an HDF5 file (a Keras model: convert it to ONNX)' },
  { bytes: [0x54, 0x46, 0x4c, 0x33], at: 4, name: 'a TensorFlow Lite flatbuffer (convert it to ONNX)' },
  { bytes: [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59], name: 'a NumPy array file' },
];

const SNIFF_BYTES = 4096;

function hasMagic(bytes: Uint8Array, magic: readonly number[], at = 0): boolean {
  return bytes.length >= at + magic.length && magic.every((b, i) => bytes[at + i] === b);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** True when the first bytes are UTF-8 text without control characters other than whitespace. */
function isText(head: Uint8Array): boolean {
  for (const b of head) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return false;
  // A multi-byte character may be cut at the end of the sniffed bytes: allow up to 3 bytes of it.
  const cut = head.length === SNIFF_BYTES ? 3 : 0;
  for (let drop = 0; drop <= cut; drop++) {
    try {
      utf8.decode(head.subarray(0, head.length - drop));
      return true;
    } catch {
      // not valid UTF-8 at this length
    }
  }
  return false;
}

function describeText(text: string): string {
  if (/^\s*(layers?|input_dim|input_shape)\s*\{/m.test(text) || /^\s*layers?\s*\{[\s\S]*type\s*:/m.test(text)) {
    return 'a Caffe prototxt (text network definition: load it with @lastmile/caffe)';
  }
  if (/^\s*ir_version\s*:/m.test(text) || /^\s*graph\s*\{/m.test(text))
    return 'ONNX in protobuf text format (save it as binary ONNX)';
  if (/^\s*[[{]/.test(text)) return 'JSON text';
  return 'text';
}

/** Reads a varint at `pos` within `end`; undefined when it runs past the end or beyond 2^53. */
function varint(bytes: Uint8Array, pos: number, end: number): { value: number; next: number } | undefined {
  let value = 0;
  for (let shift = 0; pos < end && shift < 53; shift += 7) {
    const b = bytes[pos++];
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return { value, next: pos };
  }
  return undefined;
}

/**
 * A binary Caffe NetParameter puts its name in field 1 and its layers in field 100, both length-delimited;
 * ONNX's ModelProto has field 1 as a varint and no field 100. Scans the top-level fields only, without recursion.
 */
function isCaffeBinary(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, 1 << 20);
  let pos = 0;
  while (pos < end) {
    const tag = varint(bytes, pos, end);
    if (!tag) return false;
    const field = Math.floor(tag.value / 8);
    const wire = tag.value % 8;
    if (wire === 2 && (field === 1 || field === 100)) return true;
    if (wire === 0) {
      const v = varint(bytes, tag.next, end);
      if (!v) return false;
      pos = v.next;
    } else if (wire === 2) {
      const len = varint(bytes, tag.next, end);
      if (!len) return false;
      pos = len.next + len.value;
    } else if (wire === 1) pos = tag.next + 8;
    else if (wire === 5) pos = tag.next + 4;
    else return false;
  }
  return false;
}

/**
 * What the bytes are, when they are recognisably not an ONNX model: a phrase for an error message
 * ("a Caffe prototxt (...)"). Undefined when they may be ONNX.
 */
export function detectForeignFormat(bytes: Uint8Array): string | undefined {
  for (const m of MAGIC) if (hasMagic(bytes, m.bytes, m.at)) return m.name;
  const head = bytes.subarray(0, SNIFF_BYTES);
  if (isText(head)) return describeText(new TextDecoder().decode(head));
  if (isCaffeBinary(bytes)) return 'a binary Caffe model (.caffemodel: load it with @lastmile/caffe with its prototxt)';
  return undefined;
}
