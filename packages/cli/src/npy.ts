/**
 * NumPy .npy files <-> Tensor: format versions 1.0, 2.0 and 3.0, C order, little-endian (or
 * byte-order-free) float32, float16, int8, uint8, int32, int64 and bool. Anything else (Fortran order,
 * big-endian, structured dtypes, truncated data) is a TensorDataError naming the file.
 */
import { Tensor, TensorDataError, type TensorType, allocData, bytesPerElement, formatShape } from '@lastmile/core';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const PREAMBLE = MAGIC.length + 2;
// numpy aligns the start of the data to 64 bytes.
const ALIGN = 64;
const V1_MAX_HEADER = 0xffff;

const TYPE_OF_DESCR: Readonly<Record<string, TensorType>> = {
  f4: 'float32',
  f2: 'float16',
  i1: 'int8',
  u1: 'uint8',
  i4: 'int32',
  i8: 'int64',
  b1: 'bool',
};

const DESCR_OF_TYPE: Readonly<Record<TensorType, string>> = {
  float32: '<f4',
  float16: '<f2',
  int8: '|i1',
  uint8: '|u1',
  int32: '<i4',
  int64: '<i8',
  bool: '|b1',
};

/** True when `bytes` start with the .npy magic string. */
export function isNpy(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && MAGIC.every((b, i) => bytes[i] === b);
}

/** Decodes a .npy file; `file` names it in errors. */
export function decodeNpy(bytes: Uint8Array, file: string): Tensor {
  const fail = (what: string, details: Record<string, unknown> = {}): never => {
    throw new TensorDataError(`${file}: ${what}`, { file, ...details });
  };
  if (!isNpy(bytes)) fail('not a .npy file (no \\x93NUMPY magic string)', { size: bytes.length });
  if (bytes.length < PREAMBLE + 2) fail(`truncated .npy header (${bytes.length} bytes)`, { size: bytes.length });
  const major = bytes[MAGIC.length];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerStart: number;
  let headerLength: number;
  if (major === 1) {
    headerStart = PREAMBLE + 2;
    headerLength = view.getUint16(PREAMBLE, true);
  } else if (major === 2 || major === 3) {
    if (bytes.length < PREAMBLE + 4) fail(`truncated .npy header (${bytes.length} bytes)`, { size: bytes.length });
    headerStart = PREAMBLE + 4;
    headerLength = view.getUint32(PREAMBLE, true);
  } else {
    return fail(`unsupported .npy format version ${major}.${bytes[MAGIC.length + 1]} (1.0, 2.0 and 3.0 are read)`, {
      expected: [1, 2, 3],
      got: major,
    });
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length)
    fail(`the header claims ${headerLength} bytes but the file has ${bytes.length - headerStart} after the preamble`, {
      expected: headerLength,
      got: bytes.length - headerStart,
    });
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));
  const { type, dims } = parseHeader(header, fail);

  let elements = 1;
  for (const d of dims) {
    elements *= d;
    if (elements > Number.MAX_SAFE_INTEGER) fail(`shape (${dims.join(', ')}) has more than 2^53 elements`, { dims });
  }
  const expected = elements * bytesPerElement(type);
  const got = bytes.length - dataStart;
  if (got !== expected) {
    fail(
      `${type}[${formatShape(dims)}] needs ${expected} data bytes, the file has ${got}${got < expected ? ' (truncated)' : ''}`,
      { expected, got },
    );
  }
  // Copied so the typed array is aligned and owns its memory.
  const data = allocData(type, elements);
  new Uint8Array(data.buffer).set(bytes.subarray(dataStart));
  if (type === 'bool')
    for (let i = 0; i < data.length; i++) (data as Uint8Array)[i] = (data as Uint8Array)[i] === 0 ? 0 : 1;
  return new Tensor(type, data, dims);
}

function parseHeader(
  header: string,
  fail: (what: string, details?: Record<string, unknown>) => never,
): { type: TensorType; dims: number[] } {
  const text = header.trim();
  if (!text.startsWith('{') || !text.endsWith('}'))
    fail(`the header is not a Python dict literal: ${JSON.stringify(text.slice(0, 80))}`);
  const field = (key: string, value: string) => text.match(new RegExp(`['"]${key}['"]\\s*:\\s*${value}`));
  const descr = field('descr', `['"]([^'"]*)['"]`)?.[1];
  if (descr === undefined) {
    fail(field('descr', '\\[') ? 'structured dtypes are not supported' : "the header has no 'descr' string");
  }
  const order = descr[0];
  const code = '<>|='.includes(order) ? descr.slice(1) : descr;
  const type = Object.hasOwn(TYPE_OF_DESCR, code) ? TYPE_OF_DESCR[code] : undefined;
  if (type === undefined)
    fail(`dtype '${descr}' is not supported (float32, float16, int8, uint8, int32, int64, bool)`, { got: descr });
  if (order === '>' && bytesPerElement(type) > 1)
    fail(`dtype '${descr}' is big-endian; save it little-endian (arr.astype('<${code}'))`, { got: descr });
  const fortran = field('fortran_order', '(True|False)')?.[1];
  if (fortran === undefined) fail("the header has no 'fortran_order'");
  if (fortran === 'True')
    fail('Fortran-order arrays are not supported; save with np.ascontiguousarray', { got: 'fortran_order' });
  const shape = field('shape', '\\(([^)]*)\\)')?.[1];
  if (shape === undefined) fail("the header has no 'shape' tuple");
  const parts = shape
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const dims = parts.map((s) => (/^\d+L?$/.test(s) ? Number.parseInt(s, 10) : Number.NaN));
  if (dims.some((d) => !Number.isSafeInteger(d)))
    fail(`shape (${shape}) must hold non-negative integers`, { got: shape });
  return { type, dims };
}

/** Encodes a tensor as a .npy file (version 1.0 unless the header needs 2.0), as `np.save` writes it. */
export function encodeNpy(tensor: Tensor): Uint8Array {
  const shape = tensor.dims.length === 1 ? `(${tensor.dims[0]},)` : `(${tensor.dims.join(', ')})`;
  const dict = `{'descr': '${DESCR_OF_TYPE[tensor.type]}', 'fortran_order': False, 'shape': ${shape}, }`;
  let lengthField = 2;
  let padded = pad(dict, PREAMBLE + lengthField);
  if (padded.length > V1_MAX_HEADER) {
    lengthField = 4;
    padded = pad(dict, PREAMBLE + lengthField);
  }
  const dataStart = PREAMBLE + lengthField + padded.length;
  const data = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  const out = new Uint8Array(dataStart + data.length);
  out.set(MAGIC);
  out[MAGIC.length] = lengthField === 2 ? 1 : 2;
  const view = new DataView(out.buffer);
  if (lengthField === 2) view.setUint16(PREAMBLE, padded.length, true);
  else view.setUint32(PREAMBLE, padded.length, true);
  for (let i = 0; i < padded.length; i++) out[PREAMBLE + lengthField + i] = padded.charCodeAt(i);
  out.set(data, dataStart);
  return out;
}

/** The header padded with spaces and ended by a newline so the data starts on a 64-byte boundary. */
function pad(dict: string, before: number): string {
  const total = before + dict.length + 1;
  return `${dict}${' '.repeat((ALIGN - (total % ALIGN)) % ALIGN)}\n`;
}
