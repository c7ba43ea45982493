/**
 * Single TensorProto files (the input_K.pb / output_K.pb of the ONNX backend-test layout) <-> Tensor,
 * through the same conversions the model importer and writer use.
 */
import { TensorDataError, type Tensor } from '@lastmile/core';
import protobuf from 'protobufjs/minimal.js';
import { ExternalDataFiles } from './external-data.js';
import { onnx } from './generated/onnx.js';
import { importTensor } from './import-tensor.js';
import { DEFAULT_LIMITS } from './options.js';
import { tensorProto } from './writer.js';

/** A decoded tensor file: the tensor and the name it was stored under ('' when none). */
export interface NamedTensor {
  name: string;
  tensor: Tensor;
}

/**
 * Decodes a serialized TensorProto. Corrupt bytes give TensorDataError with the byte offset; external
 * data is refused (a lone tensor file has no folder to resolve it against).
 */
export function decodeTensor(bytes: Uint8Array, options: { maxTensorBytes?: number } = {}): NamedTensor {
  const reader = protobuf.Reader.create(bytes);
  let proto: onnx.TensorProto;
  try {
    proto = onnx.TensorProto.decode(reader);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const offset = Math.min(reader.pos, bytes.length);
    throw new TensorDataError(
      `not a valid TensorProto: protobuf parsing failed at byte ${offset} of ${bytes.length} (${reason})`,
      {
        offset,
        size: bytes.length,
        reason,
      },
      { cause: error },
    );
  }
  const name = proto.name ?? '';
  const external = new ExternalDataFiles(undefined);
  try {
    const tensor = importTensor(proto, name ? `tensor '${name}'` : 'tensor', {
      external,
      maxTensorBytes: options.maxTensorBytes ?? DEFAULT_LIMITS.maxTensorBytes,
    });
    return { name, tensor };
  } finally {
    external.close();
  }
}

/** Serializes `tensor` as a TensorProto named `name`, as onnx's `numpy_helper.from_array` would. */
export function encodeTensor(tensor: Tensor, name: string): Uint8Array {
  const bytes = onnx.TensorProto.encode(tensorProto(tensor, name)).finish();
  // protobufjs may return a view into a shared pool: hand back an array that owns its memory.
  return bytes.byteLength === bytes.buffer.byteLength
    ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    : new Uint8Array(bytes);
}
