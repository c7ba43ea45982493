/**
 * Tensors across the boundary to onnxruntime-node: booleans as 0/1 bytes, and bool outputs copied out of
 * the view into ORT's own buffer.
 */
import { Tensor, type TensorType } from '@lastmile/core';
import * as ort from 'onnxruntime-node';

/** `t` as an onnxruntime-node tensor. */
export function toOrt(t: Tensor): ort.Tensor {
  const data = t.type === 'bool' ? Uint8Array.from(t.data as Uint8Array, (v) => (v ? 1 : 0)) : t.data;
  return new ort.Tensor(t.type, data as ort.Tensor.DataType, [...t.dims]);
}

/** An onnxruntime-node output as a lastmile tensor. */
export function fromOrt(t: ort.Tensor): Tensor {
  const data = t.type === 'bool' ? new Uint8Array(t.data as Uint8Array) : t.data;
  return new Tensor(t.type as TensorType, data as never, t.dims as number[]);
}
