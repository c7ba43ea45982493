/**
 * Expected outputs on disk: the parent writes onnxruntime-node's outputs once per model, every cell's child
 * reads them. JSON with the raw little-endian bytes in base64, so every dtype round-trips exactly.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { ModelFormatError } from '@lastmile/core';
import type { OutputValue } from './compare.js';

const ARRAYS = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  uint8: Uint8Array,
  bool: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  float16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
} as const;

type StoredType = keyof typeof ARRAYS;

interface StoredOutput {
  type: StoredType;
  dims: number[];
  base64: string;
}

const isStoredType = (type: string): type is StoredType => Object.hasOwn(ARRAYS, type);

export async function writeOutputs(path: string, outputs: Readonly<Record<string, OutputValue>>): Promise<void> {
  const stored: Record<string, StoredOutput> = {};
  for (const [name, value] of Object.entries(outputs)) {
    const data = value.data;
    if (!isStoredType(value.type) || !ArrayBuffer.isView(data)) {
      throw new ModelFormatError(`output '${name}' of type ${value.type} cannot be stored as expected output`, {
        value: name,
        expected: Object.keys(ARRAYS),
        got: value.type,
      });
    }
    stored[name] = {
      type: value.type,
      dims: [...value.dims],
      base64: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64'),
    };
  }
  await writeFile(path, JSON.stringify(stored));
}

export async function readOutputs(path: string): Promise<Record<string, OutputValue>> {
  const stored = JSON.parse(await readFile(path, 'utf8')) as Record<string, StoredOutput>;
  const outputs: Record<string, OutputValue> = {};
  for (const [name, { type, dims, base64 }] of Object.entries(stored)) {
    if (!isStoredType(type))
      throw new ModelFormatError(`${path}: output '${name}' has unknown type ${String(type)}`, {
        path,
        value: name,
        got: type,
      });
    const bytes = Buffer.from(base64, 'base64');
    // Copy into a fresh, aligned buffer: Buffer's pool offset need not suit 8-byte element types.
    const buffer = new Uint8Array(bytes).buffer;
    outputs[name] = { type, dims, data: new ARRAYS[type](buffer) };
  }
  return outputs;
}
