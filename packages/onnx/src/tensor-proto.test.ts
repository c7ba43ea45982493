import { floatToHalf, isLastmileError, Tensor, type TensorType } from '@lastmile/core';
import { describe, expect, it } from 'vitest';
import { onnx } from './generated/onnx.js';
import { numberToLong } from './int64.js';
import { decodeTensor, encodeTensor } from './tensor-proto.js';

const samples: Record<TensorType, Tensor> = {
  float32: new Tensor('float32', [1.5, Number.NaN, -0, Number.POSITIVE_INFINITY, -3.25, 1e-40], [2, 3]),
  float16: new Tensor('float16', [floatToHalf(1.5), floatToHalf(-2), 0x7e00, 0x8000], [4]),
  int8: new Tensor('int8', [-128, 0, 127], [3, 1]),
  uint8: new Tensor('uint8', [0, 255], [2]),
  int32: new Tensor('int32', [-(2 ** 31), 7, 2 ** 31 - 1], [3]),
  int64: new Tensor('int64', [-(2n ** 63n), 5n, 2n ** 63n - 1n], [3]),
  bool: new Tensor('bool', [1, 0, 1, 1], [2, 2]),
};

describe('encodeTensor / decodeTensor', () => {
  for (const [type, t] of Object.entries(samples)) {
    it(`round-trips ${type} bit for bit, with its name and dims`, () => {
      const { name, tensor } = decodeTensor(encodeTensor(t, 'x_0'));
      expect(name).toBe('x_0');
      expect(tensor.type).toBe(type);
      expect(tensor.dims).toEqual(t.dims);
      expect(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength)).toEqual(
        new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
      );
    });
  }

  it('round-trips scalars and zero-size tensors', () => {
    expect(decodeTensor(encodeTensor(new Tensor('float32', [4], []), 's')).tensor.dims).toEqual([]);
    const empty = decodeTensor(encodeTensor(new Tensor('int64', [], [0, 3]), 'e')).tensor;
    expect(empty.dims).toEqual([0, 3]);
    expect(empty.size).toBe(0);
  });

  it('reads tensors written with typed fields (float_data, int64_data), as other writers do', () => {
    const bytes = onnx.TensorProto.encode({
      name: 'y',
      dataType: 1,
      dims: [numberToLong(2)],
      floatData: [0.5, -1],
    }).finish();
    expect(Array.from(decodeTensor(bytes).tensor.data as Float32Array)).toEqual([0.5, -1]);
    const ints = onnx.TensorProto.encode({
      dataType: 7,
      dims: [numberToLong(1)],
      int64Data: [numberToLong(-9)],
    }).finish();
    expect(decodeTensor(ints)).toMatchObject({ name: '' });
    expect(Array.from(decodeTensor(ints).tensor.data as BigInt64Array)).toEqual([-9n]);
  });

  it('refuses corrupt bytes, wrong sizes and external data with typed errors', () => {
    const good = encodeTensor(samples.float32, 'x');
    const cases = [
      good.subarray(0, good.length - 3),
      new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
      onnx.TensorProto.encode({ dataType: 1, dims: [numberToLong(3)], rawData: new Uint8Array(8) }).finish(),
      onnx.TensorProto.encode({ dataType: 8, dims: [numberToLong(1)], stringData: [new Uint8Array([65])] }).finish(),
      onnx.TensorProto.encode({
        dataType: 1,
        dims: [numberToLong(1)],
        dataLocation: 1,
        externalData: [{ key: 'location', value: 'w.bin' }],
      }).finish(),
    ];
    for (const bytes of cases) {
      let caught: unknown;
      try {
        decodeTensor(bytes);
      } catch (error) {
        caught = error;
      }
      expect(isLastmileError(caught), String(caught)).toBe(true);
    }
  });

  it('honours maxTensorBytes before allocating', () => {
    expect(() => decodeTensor(encodeTensor(samples.float32, 'x'), { maxTensorBytes: 8 })).toThrow(/maxTensorBytes/);
  });
});
