/**
 * JSON for scripts: bigints, NaN and infinities as strings, Maps as objects, tensors and typed arrays as
 * short descriptions, so error details and reports always serialize.
 */
import { isTensor } from '@lastmile/core';

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  // JSON has no NaN or infinities; null would hide them, so they are written as strings.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  if (isTensor(value)) return value.toString();
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${value.byteLength} bytes)`;
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}

/** `value` as indented JSON text with a final newline. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, replacer, 2)}\n`;
}
