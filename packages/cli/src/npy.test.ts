import { Tensor, type TensorType, isLastmileError } from '@lastmile/core';
import { describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy } from './npy.js';

/** A .npy file as numpy 1.26 writes it: `np.save(f, np.array([[1, 2, 3], [4, 5, 6]], dtype='<i4'))`. */
function numpyInt32File(): Uint8Array {
  const header = "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }";
  const padded = `${header}${' '.repeat(128 - 10 - header.length - 1)}\n`;
  const bytes = new Uint8Array(128 + 24);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length & 0xff, padded.length >> 8]);
  bytes.set(new TextEncoder().encode(padded), 10);
  bytes.set(new Uint8Array(new Int32Array([1, 2, 3, 4, 5, 6]).buffer), 128);
  return bytes;
}

function withHeader(header: string, data: Uint8Array, version = 1): Uint8Array {
  const text = new TextEncoder().encode(`${header}\n`);
  const lengthBytes = version === 1 ? 2 : 4;
  const out = new Uint8Array(8 + lengthBytes + text.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  new DataView(out.buffer)[version === 1 ? 'setUint16' : 'setUint32'](8, text.length, true);
  out.set(text, 8 + lengthBytes);
  out.set(data, 8 + lengthBytes + text.length);
  return out;
}

function errorOf(work: () => unknown): { code: string; message: string; details: Record<string, unknown> } {
  try {
    work();
  } catch (error) {
    if (isLastmileError(error)) return { code: error.code, message: error.message, details: { ...error.details } };
    throw error;
  }
  throw new Error('expected an error');
}

describe('.npy reader and writer', () => {
  it('reads the bytes numpy writes (version 1.0, C order, <i4)', () => {
    const t = decodeNpy(numpyInt32File(), 'a.npy');
    expect(t.type).toBe('int32');
    expect(t.dims).toEqual([2, 3]);
    expect([...t.data]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('writes what numpy writes, byte for byte', () => {
    expect(encodeNpy(new Tensor('int32', new Int32Array([1, 2, 3, 4, 5, 6]), [2, 3]))).toEqual(numpyInt32File());
  });

  it.each<[TensorType, number[], number[]]>([
    ['float32', [1.5, -2, Number.NaN, Number.POSITIVE_INFINITY], [2, 2]],
    ['float16', [0x3c00, 0xc000, 0x7e00], [3]],
    ['int8', [-128, 0, 127], [3, 1]],
    ['uint8', [0, 255], [2]],
    ['int32', [-(2 ** 31), 2 ** 31 - 1], [1, 2]],
    ['bool', [1, 0, 1], [3]],
    ['float32', [42], []],
    ['float32', [], [0, 5]],
  ])('round-trips %s data of shape %j', (type, values, dims) => {
    const t = new Tensor(type, values, dims);
    const encoded = encodeNpy(t);
    expect(encoded.indexOf(0x0a) + 1).toBe(encoded.length - t.data.byteLength);
    expect((encoded.length - t.data.byteLength) % 64).toBe(0);
    const back = decodeNpy(encoded, 't.npy');
    expect(back.type).toBe(type);
    expect(back.dims).toEqual(dims);
    expect([...back.data]).toEqual([...t.data]);
  });

  it('round-trips int64 extremes', () => {
    const t = new Tensor('int64', new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n, 0n]), [3]);
    expect([...decodeNpy(encodeNpy(t), 'i.npy').data]).toEqual([-(2n ** 63n), 2n ** 63n - 1n, 0n]);
  });

  it('reads version 2.0 headers and byte-order-free single-byte types', () => {
    const t = decodeNpy(
      withHeader("{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", new Uint8Array([7, 8, 9]), 2),
      'v2.npy',
    );
    expect([...t.data]).toEqual([7, 8, 9]);
  });

  it('normalizes bool bytes to 0/1', () => {
    const t = decodeNpy(
      withHeader("{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }", new Uint8Array([0, 5])),
      'b.npy',
    );
    expect([...t.data]).toEqual([0, 1]);
  });

  it.each([
    ['no magic string', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), /not a \.npy file/],
    ['a cut header', numpyInt32File().subarray(0, 9), /truncated \.npy header/],
    ['a header longer than the file', numpyInt32File().subarray(0, 60), /header claims 118 bytes/],
    ['truncated data', numpyInt32File().subarray(0, 140), /needs 24 data bytes, the file has 12 \(truncated\)/],
    ['trailing bytes', new Uint8Array([...numpyInt32File(), 0, 0]), /needs 24 data bytes, the file has 26/],
    [
      'format version 4',
      withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", new Uint8Array(4), 4),
      /unsupported \.npy format version 4/,
    ],
    [
      'Fortran order',
      withHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", new Uint8Array(4)),
      /Fortran-order/,
    ],
    [
      'big-endian floats',
      withHeader("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(4)),
      /big-endian/,
    ],
    [
      'float64',
      withHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8)),
      /dtype '<f8' is not supported/,
    ],
    [
      'a structured dtype',
      withHeader("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", new Uint8Array(4)),
      /structured dtypes/,
    ],
    [
      'a negative dim',
      withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", new Uint8Array(4)),
      /non-negative integers/,
    ],
    [
      'a huge shape',
      withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", new Uint8Array(4)),
      /more than 2\^53/,
    ],
    ['no dict', withHeader('hello', new Uint8Array(0)), /not a Python dict literal/],
  ])('refuses %s with a TensorDataError naming the file', (_what, bytes, message) => {
    const error = errorOf(() => decodeNpy(bytes, '/data/in.npy'));
    expect(error.code).toBe('LM_TENSOR_DATA');
    expect(error.message).toMatch(/^\/data\/in\.npy: /);
    expect(error.message).toMatch(message);
    expect(error.details.file).toBe('/data/in.npy');
  });
});
