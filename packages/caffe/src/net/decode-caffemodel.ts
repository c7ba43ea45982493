/**
 * Bytes of a binary NetParameter (.caffemodel) -> caffe.NetParameter, with every failure a typed error
 * that says where. Packed float/double payloads are checked before protobufjs reads them: it would
 * otherwise read a length that is not a multiple of 4 past the field into whatever follows (row 11).
 */
import { ModelFormatError, ModelLimitError } from '@lastmile/core';
import protobuf from 'protobufjs/minimal.js';
import { caffe } from '../generated/caffe.js';

interface Field {
  number: number;
  wire: number;
  /** Payload start and end of a length-delimited field. */
  start: number;
  end: number;
}

// NetParameter.layer (LayerParameter.blobs = 7) and the legacy NetParameter.layers (V1LayerParameter.blobs = 6).
const LAYER_FIELDS: Record<number, { blobs: number; kind: string }> = {
  100: { blobs: 7, kind: 'layer' },
  2: { blobs: 6, kind: 'layers' },
};
const PACKED: Record<number, { name: string; width: number }> = {
  5: { name: 'data', width: 4 },
  6: { name: 'diff', width: 4 },
  8: { name: 'double_data', width: 8 },
  9: { name: 'double_diff', width: 8 },
};
const LAYER_NAME: Record<string, number> = { layer: 1, layers: 4 };

function truncated(offset: number, size: number, what: string): ModelFormatError {
  return new ModelFormatError(
    `not a valid caffemodel: ${what} at byte ${offset} runs past the end (${size} bytes); the file may be truncated or corrupt`,
    { offset, size },
  );
}

function varint(bytes: Uint8Array, pos: number, end: number): { value: number; next: number } {
  let value = 0;
  for (let shift = 0; shift < 64; shift += 7) {
    if (pos >= end) throw truncated(pos, bytes.length, 'a varint');
    const b = bytes[pos++];
    if (shift < 53) value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return { value, next: pos };
  }
  throw new ModelFormatError(`not a valid caffemodel: varint longer than 10 bytes at byte ${pos}`, { offset: pos });
}

/** The fields of the message in bytes[start, end), without looking into them. */
function* fields(bytes: Uint8Array, start: number, end: number): Generator<Field> {
  let pos = start;
  while (pos < end) {
    const tagAt = pos;
    const tag = varint(bytes, pos, end);
    const number = Math.floor(tag.value / 8);
    const wire = tag.value % 8;
    pos = tag.next;
    if (wire === 0) pos = varint(bytes, pos, end).next;
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const len = varint(bytes, pos, end);
      if (len.value > end - len.next) throw truncated(tagAt, bytes.length, `field ${number} of ${len.value} bytes`);
      yield { number, wire, start: len.next, end: len.next + len.value };
      pos = len.next + len.value;
      continue;
    } else {
      // Groups (3/4) and wire types 6/7 never occur in caffe.proto.
      throw new ModelFormatError(
        `not a valid caffemodel: field ${number} at byte ${tagAt} has wire type ${wire}, which caffe.proto never uses`,
        { offset: tagAt, field: number, got: wire },
      );
    }
    if (pos > end) throw truncated(tagAt, bytes.length, `field ${number}`);
  }
}

function layerName(bytes: Uint8Array, layer: Field, kind: string): string {
  for (const f of fields(bytes, layer.start, layer.end)) {
    if (f.number === LAYER_NAME[kind] && f.wire === 2) return new TextDecoder().decode(bytes.subarray(f.start, f.end));
  }
  return '';
}

/** Row 11: each packed float (double) payload of every blob must be a whole number of 4 (8) bytes. */
function checkPackedPayloads(bytes: Uint8Array): void {
  let layerIndex = 0;
  for (const top of fields(bytes, 0, bytes.length)) {
    const layerField = LAYER_FIELDS[top.number];
    if (layerField === undefined || top.wire !== 2) continue;
    const index = layerIndex++;
    let blobIndex = 0;
    for (const blob of fields(bytes, top.start, top.end)) {
      if (blob.number !== layerField.blobs || blob.wire !== 2) continue;
      for (const payload of fields(bytes, blob.start, blob.end)) {
        const packed = PACKED[payload.number];
        if (packed === undefined || payload.wire !== 2) continue;
        const length = payload.end - payload.start;
        if (length % packed.width !== 0) {
          const name = layerName(bytes, top, layerField.kind);
          throw new ModelFormatError(
            `caffemodel ${layerField.kind} #${index} '${name}' blob ${blobIndex}: packed ${packed.name} has ${length} bytes, not a multiple of ${packed.width}`,
            {
              layer: name,
              layerIndex: index,
              blob: blobIndex,
              field: packed.name,
              offset: payload.start,
              expected: `a multiple of ${packed.width} bytes`,
              got: length,
            },
          );
        }
      }
      blobIndex++;
    }
  }
}

/** Decodes a caffemodel. */
export function decodeCaffemodel(bytes: Uint8Array): caffe.NetParameter {
  if (bytes.length === 0)
    throw new ModelFormatError('the caffemodel is empty (0 bytes)', {
      expected: 'a binary caffe.NetParameter',
      got: 'no bytes',
    });
  checkPackedPayloads(bytes);
  const reader = protobuf.Reader.create(bytes);
  try {
    return caffe.NetParameter.decode(reader);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const offset = Math.min(reader.pos, bytes.length);
    if (reason.includes('max depth exceeded')) {
      throw new ModelLimitError(
        `the caffemodel nests messages deeper than ${protobuf.Reader.recursionLimit} levels (near byte ${offset})`,
        { offset, reason },
        { cause: error },
      );
    }
    throw new ModelFormatError(
      `not a valid caffemodel: protobuf parsing failed at byte ${offset} of ${bytes.length} (${reason})`,
      { offset, size: bytes.length, reason },
      { cause: error },
    );
  }
}
