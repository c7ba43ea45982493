/**
 * onnx.TensorProto / SparseTensorProto -> lastmile Tensor, with every size checked before allocating.
 */
import {
  allocData,
  bytesPerElement,
  isLastmileError,
  ModelLimitError,
  ShapeError,
  sizeOf,
  Tensor,
  TensorDataError,
} from '@lastmile/core';
import type { TensorData, TensorType } from '@lastmile/core';
import { onnxTypeName, tensorTypeOf } from './data-types.js';
import type { ExternalDataFiles } from './external-data.js';
import type { onnx } from './generated/onnx.js';
import { longToBigInt, longToSafeInteger } from './int64.js';
import { fromRawData } from './tensor-bytes.js';

const EXTERNAL = 1; // TensorProto.DataLocation.EXTERNAL
const SUPPORTED = ['FLOAT', 'FLOAT16', 'INT8', 'UINT8', 'INT32', 'INT64', 'BOOL'];

/** What a tensor import needs besides the proto. */
export interface TensorContext {
  external: ExternalDataFiles;
  /** Largest tensor accepted, in bytes (a sparse one counted dense). */
  maxTensorBytes: number;
}

/** Integer range of the values int32_data may carry for each type stored there. */
const INT32_RANGE: Partial<Record<TensorType, [number, number]>> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int8: [-128, 127],
  uint8: [0, 255],
  bool: [0, 1],
  float16: [0, 0xffff],
};

/** Checked dims of a tensor: non-negative safe integers whose product fits 2^53. */
export function checkedDims(
  dims: readonly (onnx.TensorProto['dims'][number] | number)[],
  what: string,
): { dims: number[]; count: number } {
  const out = dims.map((d, i) => {
    const n = longToSafeInteger(d);
    if (n === undefined || n < 0) {
      throw new ShapeError(`${what} has dimension ${i} = ${String(n ?? d)}: dims must be non-negative integers`, {
        tensor: what,
        axis: i,
        got: String(n ?? d),
      });
    }
    return n;
  });
  try {
    return { dims: out, count: sizeOf(out) };
  } catch (error) {
    if (!isLastmileError(error)) throw error;
    throw new ShapeError(
      `${what} has dims [${out.join(', ')}] whose element count exceeds 2^53`,
      { tensor: what, dims: out },
      { cause: error },
    );
  }
}

function checkTensorBytes(bytes: number, what: string, ctx: TensorContext): void {
  if (bytes > ctx.maxTensorBytes) {
    throw new ModelLimitError(
      `${what} needs ${bytes} bytes, over the limit of ${ctx.maxTensorBytes} (option maxTensorBytes)`,
      {
        tensor: what,
        limit: ctx.maxTensorBytes,
        got: bytes,
        option: 'maxTensorBytes',
      },
    );
  }
}

function elementType(code: number, what: string): TensorType {
  const type = tensorTypeOf(code);
  if (type === undefined) {
    throw new TensorDataError(
      `${what} has data type ${onnxTypeName(code)}, which lastmile does not support (supported: ${SUPPORTED.join(', ')})`,
      {
        tensor: what,
        got: onnxTypeName(code),
        expected: SUPPORTED,
      },
    );
  }
  return type;
}

/** The fields that may hold a tensor's data, with how many values each holds. */
function dataSources(t: onnx.TensorProto.$Properties): [string, number][] {
  const fields: [string, number][] = [
    ['external_data', t.dataLocation === EXTERNAL || (t.externalData?.length ?? 0) > 0 ? 1 : 0],
    ['raw_data', t.rawData?.length ?? 0],
    ['float_data', t.floatData?.length ?? 0],
    ['int32_data', t.int32Data?.length ?? 0],
    ['int64_data', t.int64Data?.length ?? 0],
    ['string_data', t.stringData?.length ?? 0],
    ['double_data', t.doubleData?.length ?? 0],
    ['uint64_data', t.uint64Data?.length ?? 0],
  ];
  return fields.filter(([, n]) => n > 0);
}

function fromTypedField(
  t: onnx.TensorProto.$Properties,
  field: string,
  type: TensorType,
  count: number,
  what: string,
): TensorData {
  const expectedField = type === 'float32' ? 'float_data' : type === 'int64' ? 'int64_data' : 'int32_data';
  if (field !== expectedField) {
    throw new TensorDataError(`${what} is ${type} but stores its data in ${field} (expected ${expectedField})`, {
      tensor: what,
      expected: expectedField,
      got: field,
    });
  }
  const values = (field === 'float_data' ? t.floatData : field === 'int64_data' ? t.int64Data : t.int32Data) ?? [];
  if (values.length !== count) {
    throw new TensorDataError(`${what} has ${values.length} values in ${field}, its dims need ${count}`, {
      tensor: what,
      expected: count,
      got: values.length,
    });
  }
  const out = allocData(type, count);
  if (type === 'int64') {
    const big = out as BigInt64Array;
    for (let i = 0; i < count; i++) {
      big[i] = longToBigInt((values as onnx.TensorProto['int64Data'])[i]);
    }
    return out;
  }
  const range = INT32_RANGE[type];
  for (let i = 0; i < count; i++) {
    const v = (values as number[])[i];
    if (range && (v < range[0] || v > range[1])) {
      throw new TensorDataError(
        `${what} holds ${v} at index ${i} in int32_data, outside the ${type} range [${range[0]}, ${range[1]}]`,
        {
          tensor: what,
          index: i,
          got: v,
          expected: range,
        },
      );
    }
    (out as Float32Array)[i] = v;
  }
  return out;
}

/** Converts a TensorProto; `what` names it in errors ("initializer 'conv1.weight'"). */
export function importTensor(t: onnx.TensorProto.$Properties, what: string, ctx: TensorContext): Tensor {
  const type = elementType(t.dataType ?? 0, what);
  if (t.segment)
    throw new TensorDataError(`${what} is a segment of a larger tensor; segmented tensors are not supported`, {
      tensor: what,
    });
  const { dims, count } = checkedDims(t.dims ?? [], what);
  const width = bytesPerElement(type);
  const byteLength = count * width;
  checkTensorBytes(byteLength, what, ctx);
  const sources = dataSources(t);
  if (sources.length > 1) {
    throw new TensorDataError(`${what} sets both ${sources[0][0]} and ${sources[1][0]}; a tensor has one data field`, {
      tensor: what,
      got: sources.map(([f]) => f),
    });
  }
  const field = sources[0]?.[0];
  if (field === undefined) {
    if (count !== 0)
      throw new TensorDataError(`${what} has no data; its dims [${dims.join(', ')}] need ${count} values`, {
        tensor: what,
        expected: count,
        got: 0,
      });
    return new Tensor(type, allocData(type, 0), dims);
  }
  if (field === 'raw_data' || field === 'external_data') {
    const bytes =
      field === 'raw_data' ? (t.rawData as Uint8Array) : ctx.external.read(what, t.externalData ?? [], byteLength);
    if (bytes.length !== byteLength) {
      throw new TensorDataError(
        `${what} has ${bytes.length} bytes of raw_data, its type ${type} and dims [${dims.join(', ')}] need ${byteLength}`,
        {
          tensor: what,
          expected: byteLength,
          got: bytes.length,
        },
      );
    }
    return new Tensor(type, fromRawData(type, bytes, count), dims);
  }
  return new Tensor(type, fromTypedField(t, field, type, count, what), dims);
}

/** Expands a SparseTensorProto into a dense tensor, refusing one whose dense form exceeds `ctx.maxDenseBytes`. */
export function importSparseTensor(s: onnx.SparseTensorProto.$Properties, what: string, ctx: TensorContext): Tensor {
  if (!s.values || !s.indices)
    throw new TensorDataError(`sparse ${what} lacks its values or indices`, { tensor: what });
  const { dims, count } = checkedDims(s.dims ?? [], what);
  const values = importTensor(s.values, `values of sparse ${what}`, ctx);
  checkTensorBytes(count * bytesPerElement(values.type), `dense form of sparse ${what}`, ctx);
  const indices = importTensor(s.indices, `indices of sparse ${what}`, ctx);
  const nnz = values.size;
  if (values.dims.length !== 1 || indices.type !== 'int64') {
    throw new TensorDataError(`sparse ${what} needs 1-D values and int64 indices`, {
      tensor: what,
      got: { values: values.dims, indices: indices.type },
    });
  }
  const linear = indices.dims.length === 1 && indices.dims[0] === nnz;
  const coordinates = indices.dims.length === 2 && indices.dims[0] === nnz && indices.dims[1] === dims.length;
  if (!linear && !coordinates) {
    throw new TensorDataError(
      `sparse ${what} has indices of dims [${indices.dims.join(', ')}] for ${nnz} values of rank ${dims.length}`,
      {
        tensor: what,
        expected: [[nnz], [nnz, dims.length]],
        got: indices.dims,
      },
    );
  }
  const dense = allocData(values.type, count);
  const idx = indices.data as BigInt64Array;
  for (let k = 0; k < nnz; k++) {
    let at = linear ? Number(idx[k]) : 0;
    for (let r = 0; !linear && r < dims.length; r++) {
      const i = Number(idx[k * dims.length + r]);
      if (!(i >= 0 && i < dims[r])) {
        at = -1;
        break;
      }
      at = at * dims[r] + i;
    }
    if (!(at >= 0 && at < count))
      throw new TensorDataError(`sparse ${what} has an index out of range at value ${k}`, { tensor: what, index: k });
    (dense as Float32Array)[at] = (values.data as Float32Array)[k];
  }
  return new Tensor(values.type, dense, dims);
}
