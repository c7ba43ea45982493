/**
 * Reads the JSON header of an artifact, bundle or model image into typed values. The content hash finds
 * damage, not forgery, so every field is checked: a wrong one is a SerializationError naming its path.
 */
import type { PartitionSignature } from '../backend/contract.js';
import { SerializationError } from '../errors.js';
import type { Quantization, ValueInfo } from '../ir/graph.js';
import { EIGHT_BIT_RANGE, isTensorType } from '../tensor.js';

type Json = unknown;

/** Field readers for one file; `what` names it in errors. */
export class FieldReader {
  constructor(readonly what: string) {}

  fail(path: string, expected: string, got: unknown): never {
    const shown = typeof got === 'string' ? `'${got.slice(0, 40)}'` : Array.isArray(got) ? 'an array' : typeof got;
    throw new SerializationError(`${this.what}: ${path} must be ${expected}, got ${shown}`, {
      what: this.what,
      field: path,
      expected,
    });
  }

  object = (v: Json, path: string): Record<string, Json> =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, Json>)
      : this.fail(path, 'an object', v);
  array = (v: Json, path: string): Json[] => (Array.isArray(v) ? v : this.fail(path, 'an array', v));
  string = (v: Json, path: string): string => (typeof v === 'string' ? v : this.fail(path, 'a string', v));
  int = (v: Json, path: string): number => (Number.isSafeInteger(v) ? (v as number) : this.fail(path, 'an integer', v));
  /** Any whole number, int64 attribute values past 2^53 (as the ONNX reader holds INT64_MAX) included. */
  whole = (v: Json, path: string): number => (Number.isInteger(v) ? (v as number) : this.fail(path, 'an integer', v));
  strings = (v: Json, path: string): string[] => this.array(v, path).map((s, i) => this.string(s, `${path}[${i}]`));

  pair<A, B>(v: Json, path: string, first: (v: Json, p: string) => A, second: (v: Json, p: string) => B): [A, B] {
    const e = this.array(v, path);
    if (e.length !== 2) this.fail(path, 'a pair', e);
    return [first(e[0], `${path}[0]`), second(e[1], `${path}[1]`)];
  }

  valueInfo = (v: Json, path: string): ValueInfo => {
    const o = this.object(v, path);
    const type = isTensorType(o.type) ? o.type : this.fail(`${path}.type`, 'a tensor type', o.type);
    const info: ValueInfo = { name: this.string(o.name, `${path}.name`), type };
    if (o.shape !== undefined)
      info.shape = this.array(o.shape, `${path}.shape`).map((d, i) =>
        typeof d === 'string' ? d : this.int(d, `${path}.shape[${i}]`),
      );
    if (o.quant !== undefined) {
      info.quant = this.quantization(o.quant, `${path}.quant`);
      const range = (EIGHT_BIT_RANGE as Partial<Record<string, readonly [number, number]>>)[type];
      if (range && info.quant.zeroPoint.some((z) => z < range[0] || z > range[1]))
        this.fail(`${path}.quant.zeroPoint`, `zero points within ${type}'s range`, info.quant.zeroPoint[0]);
    }
    return info;
  };

  quantization = (v: Json, path: string): Quantization => {
    const o = this.object(v, path);
    const numbers = (key: string, ok: (n: number) => boolean, expected: string) =>
      this.array(o[key], `${path}.${key}`).map((n, i) =>
        typeof n === 'number' && ok(n) ? n : this.fail(`${path}.${key}[${i}]`, expected, n),
      );
    const q: Quantization = {
      scale: numbers('scale', (n) => n > 0 && Number.isFinite(n), 'a positive finite scale'),
      zeroPoint: numbers('zeroPoint', (n) => Number.isInteger(n) && Math.abs(n) <= 2 ** 31, 'an integer zero point'),
    };
    if (q.scale.length === 0 || q.scale.length !== q.zeroPoint.length)
      this.fail(path, 'as many zero points as scales, at least one', q.scale.length);
    if (o.axis !== undefined) q.axis = this.int(o.axis, `${path}.axis`);
    else if (q.scale.length > 1) this.fail(`${path}.axis`, 'an axis for per-axis parameters', o.axis);
    if (o.codec !== undefined) q.codec = this.string(o.codec, `${path}.codec`);
    return q;
  };

  valueInfos = (v: Json, path: string): ValueInfo[] =>
    this.array(v, path).map((info, i) => this.valueInfo(info, `${path}[${i}]`));

  signature = (v: Json, path: string): PartitionSignature => {
    const o = this.object(v, path);
    return {
      inputs: this.valueInfos(o.inputs, `${path}.inputs`),
      outputs: this.valueInfos(o.outputs, `${path}.outputs`),
    };
  };

  /** Bytes of the body taken by ranges read so far: ranges may not claim more than the body holds. */
  #claimed = 0;

  /**
   * A byte range `{ at, bytes }` inside `body`. The ranges of one file together stay within its body, so
   * a crafted file cannot point many values at the same bytes to make its reader allocate without bound.
   */
  slice = (v: Json, path: string, body: Uint8Array): Uint8Array => {
    const o = this.object(v, path);
    const at = this.int(o.at, `${path}.at`);
    const n = this.int(o.bytes, `${path}.bytes`);
    return body.subarray(at, at + this.claim(at, n, path, body.length));
  };

  /** Checks `[at, at + bytes)` lies in a body of `size` bytes and counts it; returns `bytes`. */
  claim(at: number, bytes: number, path: string, size: number): number {
    if (at < 0 || bytes < 0 || at + bytes > size) this.fail(path, `a byte range inside the ${size}-byte body`, at);
    this.#claimed += bytes;
    if (this.#claimed > size)
      this.fail(path, 'a range no other value shares (the ranges claim more bytes than the body has)', at);
    return bytes;
  }
}
