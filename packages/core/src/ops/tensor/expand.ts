/**
 * Expand: broadcasts the input against a target shape (bidirectionally: the result may be larger than both).
 */
import { Tensor } from '../../tensor.js';
import type { OpDef } from '../op.js';
import {
  broadcastOrThrow,
  broadcastStrides,
  checkInputCount,
  checkOutputSize,
  checkType,
  constInts,
  elements,
  forEachIndex,
  freshDims,
  intValues,
  offsetOf,
  required,
  shapeError,
} from './util.js';

export const expandOp: OpDef = {
  opType: 'Expand',
  domain: '',
  sinceVersion: 8,
  infer(inputs, ctx) {
    checkInputCount(ctx, inputs, 2, 2);
    const x = required(ctx, inputs, 0, 'input');
    const shape = required(ctx, inputs, 1, 'shape');
    checkType(ctx, 'shape', shape.type, ['int64']);
    const target = constInts(ctx, shape, 'shape');
    if (target !== undefined && x.shape !== undefined)
      return [{ type: x.type, shape: broadcastOrThrow(ctx, x.shape, target) }];
    const n = shape.shape?.[0];
    if (typeof n !== 'number' || x.shape === undefined) return [{ type: x.type }];
    return [{ type: x.type, shape: freshDims(ctx, Math.max(n, x.shape.length)) }];
  },
  run(inputs, ctx) {
    checkInputCount(ctx, inputs, 2, 2);
    const x = required(ctx, inputs, 0, 'input');
    const shape = required(ctx, inputs, 1, 'shape');
    checkType(ctx, 'shape', shape.type, ['int64']);
    if (shape.dims.length !== 1)
      throw shapeError(ctx, `shape must be 1-D, got rank ${shape.dims.length}`, {
        expected: 1,
        got: shape.dims.length,
      });
    const target = intValues(ctx, shape, 'shape');
    if (target.some((d) => d < 0))
      throw shapeError(ctx, `shape must be non-negative, got [${target.join(', ')}]`, { got: target });
    const dims = broadcastOrThrow(ctx, x.dims, target) as number[];
    checkOutputSize(ctx, dims, x.type);
    const out = Tensor.zeros(x.type, dims);
    const strides = broadcastStrides(x.dims, dims);
    const src = elements(x);
    const dst = elements(out);
    forEachIndex(dims, (index, flat) => (dst[flat] = src[offsetOf(index, strides)]));
    return [out];
  },
};
