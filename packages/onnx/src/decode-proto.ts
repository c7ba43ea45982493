/**
 * Bytes -> onnx.ModelProto, with every protobuf failure turned into a typed error that says where.
 */
import { ModelFormatError, ModelLimitError } from '@lastmile/core';
import protobuf from 'protobufjs/minimal.js';
import { detectForeignFormat } from './format.js';
import { onnx } from './generated/onnx.js';

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Decodes a ModelProto. protobufjs checks every length against the bytes left before it allocates
 * (so a huge length varint fails at once) and bounds message and group nesting by its recursion limit
 * (so 100k start-group tags fail without a stack overflow); whatever it throws becomes a
 * {@link ModelFormatError} with the byte offset, or a {@link ModelLimitError} for nesting.
 */
export function decodeModelProto(bytes: Uint8Array): onnx.ModelProto {
  if (bytes.length === 0) {
    throw new ModelFormatError('the model is empty (0 bytes)', { expected: 'an ONNX ModelProto', got: 'no bytes' });
  }
  const foreign = detectForeignFormat(bytes);
  if (foreign !== undefined) {
    throw new ModelFormatError(`not an ONNX model: the bytes look like ${foreign}`, {
      expected: 'binary ONNX (protobuf)',
      got: foreign,
    });
  }
  const reader = protobuf.Reader.create(bytes);
  let proto: onnx.ModelProto;
  try {
    proto = onnx.ModelProto.decode(reader);
  } catch (error) {
    const reason = reasonOf(error);
    const offset = Math.min(reader.pos, bytes.length);
    if (reason.includes('max depth exceeded')) {
      throw new ModelLimitError(
        `the model nests messages deeper than ${protobuf.Reader.recursionLimit} levels (near byte ${offset}): subgraphs or groups nested too deep`,
        { offset, limit: protobuf.Reader.recursionLimit, reason },
        { cause: error },
      );
    }
    throw new ModelFormatError(
      `not a valid ONNX model: protobuf parsing failed at byte ${offset} of ${bytes.length} (${reason}); the file may be truncated or corrupt`,
      {
        offset,
        size: bytes.length,
        reason,
      },
      { cause: error },
    );
  }
  if (!proto.graph) {
    throw new ModelFormatError(`not an ONNX model: the ${bytes.length} bytes parse as protobuf but hold no graph`, {
      expected: 'ModelProto.graph',
      got: 'none',
      size: bytes.length,
    });
  }
  return proto;
}
