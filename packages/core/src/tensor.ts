/**
 * The host tensor: a dtype, a typed array and dims, shaped like onnxruntime-common's `Tensor`.
 */
import { InputError, TensorDataError } from './errors.js';
import { formatShape, sizeOf } from './shape.js';

/** Element types lastmile computes with. float16 data is held as raw IEEE half bits in a Uint16Array. */
export type TensorType = 'float32' | 'float16' | 'int8' | 'uint8' | 'int32' | 'int64' | 'bool';

/** The typed array that holds each element type. */
export interface TensorDataMap {
  float32: Float32Array;
  float16: Uint16Array;
  int8: Int8Array;
  uint8: Uint8Array;
  int32: Int32Array;
  int64: BigInt64Array;
  bool: Uint8Array;
}

export type TensorData = TensorDataMap[TensorType];

const ARRAY_OF: { [K in TensorType]: { new (n: number): TensorDataMap[K]; BYTES_PER_ELEMENT: number } } = {
  float32: Float32Array,
  float16: Uint16Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int32: Int32Array,
  int64: BigInt64Array,
  bool: Uint8Array,
};

/** The values an 8-bit integer type holds: quantized tensors are int8 or uint8. */
export const EIGHT_BIT_RANGE: Readonly<Record<'int8' | 'uint8', readonly [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
};

/** Every supported element type. */
export const TENSOR_TYPES = Object.keys(ARRAY_OF) as TensorType[];

/** True if `t` names a supported element type. */
export function isTensorType(t: unknown): t is TensorType {
  return typeof t === 'string' && Object.hasOwn(ARRAY_OF, t);
}

/** Bytes per element of `type`. */
export function bytesPerElement(type: TensorType): number {
  return ARRAY_OF[type].BYTES_PER_ELEMENT;
}

/** A zero-filled typed array for `n` elements of `type`. */
export function allocData<T extends TensorType>(type: T, n: number): TensorDataMap[T] {
  return new ARRAY_OF[type](n) as TensorDataMap[T];
}

const BRAND = Symbol.for('lastmile.tensor');

/** Host tensor. Immutable dims; the data array is shared, not copied. */
export class Tensor<T extends TensorType = TensorType> {
  readonly type: T;
  readonly data: TensorDataMap[T];
  readonly dims: readonly number[];
  /** Number of elements. */
  readonly size: number;

  /** `new Tensor(type, data, dims)`; `data` may be a typed array of the right kind, or numbers/bigints/booleans to copy. */
  constructor(type: T, data: TensorDataMap[T] | readonly (number | bigint | boolean)[], dims?: readonly number[]) {
    if (!isTensorType(type)) throw new TensorDataError(`unknown tensor type ${String(type)}`, { type });
    const shape = dims ? [...dims] : [data.length];
    const size = sizeOf(shape);
    let array: TensorDataMap[T];
    if (Array.isArray(data)) {
      array = allocData(type, data.length);
      for (let i = 0; i < data.length; i++) {
        const v = data[i];
        (array as unknown as (number | bigint)[])[i] = type === 'int64' ? BigInt(v as number | bigint) : Number(v);
      }
    } else {
      const expected = ARRAY_OF[type];
      if (!(data instanceof expected)) {
        throw new TensorDataError(
          `a ${type} tensor needs a ${expected.name}, got ${data?.constructor?.name ?? typeof data}`,
          { type },
        );
      }
      array = data as TensorDataMap[T];
    }
    if (array.length !== size) {
      throw new TensorDataError(
        `data length ${array.length} does not match dims [${shape.join(', ')}] (${size} elements)`,
        {
          type,
          dims: shape,
          expected: size,
          got: array.length,
        },
      );
    }
    this.type = type;
    this.data = array;
    this.dims = Object.freeze(shape);
    this.size = size;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** A tensor of zeros. */
  static zeros<T extends TensorType>(type: T, dims: readonly number[]): Tensor<T> {
    return new Tensor(type, allocData(type, sizeOf(dims)), dims);
  }

  /** The same data viewed with other dims (element count must match). */
  reshape(dims: readonly number[]): Tensor<T> {
    return new Tensor(this.type, this.data, dims);
  }

  /** A deep copy. */
  clone(): Tensor<T> {
    return new Tensor(this.type, this.data.slice() as TensorDataMap[T], this.dims);
  }

  toString(): string {
    return `Tensor<${this.type}>[${formatShape(this.dims)}]`;
  }
}

/** True when `x` and `y` have the same type, dims and bytes (NaN payloads and -0 included). */
export function identicalTensors(x: Tensor, y: Tensor): boolean {
  if (x.type !== y.type || x.dims.length !== y.dims.length || x.dims.some((d, i) => d !== y.dims[i])) return false;
  const a = new Uint8Array(x.data.buffer, x.data.byteOffset, x.data.byteLength);
  const b = new Uint8Array(y.data.buffer, y.data.byteOffset, y.data.byteLength);
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** True for a tensor made by any copy of lastmile core. */
export function isTensor(value: unknown): value is Tensor {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** Reads element `i` as a number (int64 converted, float16 decoded). */
export function elementAsNumber(t: Tensor, i: number): number {
  if (t.type === 'float16') return halfToFloat((t.data as Uint16Array)[i]);
  const v = t.data[i];
  return typeof v === 'bigint' ? Number(v) : v;
}

/** The elements of a small integer tensor as numbers (shape math: Reshape targets, axes, pads). */
export function toNumbers(t: Tensor): number[] {
  const out = new Array<number>(t.size);
  for (let i = 0; i < t.size; i++) out[i] = elementAsNumber(t, i);
  return out;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE half bits -> number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** number -> IEEE half bits, round to nearest even. */
export function floatToHalf(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let m = mant >> shift;
    const rest = mant & ((1 << shift) - 1);
    if (rest > half || (rest === half && m & 1)) m++;
    return sign | m;
  }
  let m = mant >> 13;
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && m & 1)) {
    m++;
    if (m === 0x400) {
      m = 0;
      e++;
      if (e >= 31) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | m;
}

/** Checks a user-supplied tensor (possibly from another copy of core) and returns it. */
export function checkTensor(value: unknown, name: string): Tensor {
  if (!isTensor(value)) throw new InputError(`input '${name}' is not a lastmile Tensor`, { input: name });
  return value;
}
