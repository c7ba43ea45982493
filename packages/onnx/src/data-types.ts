/**
 * ONNX TensorProto.DataType codes <-> lastmile tensor types.
 */
import type { TensorType } from '@lastmile/core';

/** ONNX data type codes (TensorProto.DataType in onnx.proto, ONNX 1.12 plus the later float8/int4 codes for names). */
const ONNX_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'UNDEFINED',
  1: 'FLOAT',
  2: 'UINT8',
  3: 'INT8',
  4: 'UINT16',
  5: 'INT16',
  6: 'INT32',
  7: 'INT64',
  8: 'STRING',
  9: 'BOOL',
  10: 'FLOAT16',
  11: 'DOUBLE',
  12: 'UINT32',
  13: 'UINT64',
  14: 'COMPLEX64',
  15: 'COMPLEX128',
  16: 'BFLOAT16',
  17: 'FLOAT8E4M3FN',
  18: 'FLOAT8E4M3FNUZ',
  19: 'FLOAT8E5M2',
  20: 'FLOAT8E5M2FNUZ',
  21: 'UINT4',
  22: 'INT4',
};

const CODE_OF: { readonly [K in TensorType]: number } = {
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
};

const TYPE_OF: ReadonlyMap<number, TensorType> = new Map(Object.entries(CODE_OF).map(([t, c]) => [c, t as TensorType]));

/** The ONNX data type code of a lastmile tensor type. */
export function onnxDataType(type: TensorType): number {
  return CODE_OF[type];
}

/** The lastmile tensor type of an ONNX data type code, or undefined when lastmile does not compute with it. */
export function tensorTypeOf(code: number): TensorType | undefined {
  return TYPE_OF.get(code);
}

/** `FLOAT`, `DOUBLE`, ... for messages; unknown codes are shown as numbers. */
export function onnxTypeName(code: number): string {
  return ONNX_TYPE_NAMES[code] ?? `unknown data type ${code}`;
}
