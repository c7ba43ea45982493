/**
 * Tensor data <-> ONNX raw_data bytes, which are little-endian by the ONNX spec whatever the host.
 */
import { allocData, bytesPerElement } from '@lastmile/core';
import type { TensorData, TensorDataMap, TensorType } from '@lastmile/core';

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function swapBytes(bytes: Uint8Array, width: number): void {
  if (width === 1) return;
  for (let i = 0; i < bytes.length; i += width) bytes.subarray(i, i + width).reverse();
}

/** A little-endian copy of a tensor's data (float16 as its bits, bool as one byte each). */
export function toRawData(data: TensorData): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  if (!HOST_IS_LITTLE_ENDIAN) swapBytes(bytes, data.BYTES_PER_ELEMENT);
  return bytes;
}

/** A typed array of `count` elements copied from little-endian bytes; the caller checks the byte length first. */
export function fromRawData<T extends TensorType>(type: T, bytes: Uint8Array, count: number): TensorDataMap[T] {
  const out = allocData(type, count);
  const view = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  view.set(bytes.subarray(0, view.length));
  if (!HOST_IS_LITTLE_ENDIAN) swapBytes(view, bytesPerElement(type));
  return out;
}
