/**
 * Gather: picks slices along an axis by index; negative indices count from the end, others are refused.
 */
import { sizeOf, type Dim } from '../../shape.js';
import { elementAsNumber, Tensor } from '../../tensor.js';
import type { OpDef } from '../op.js';
import { axisAttribute } from './concat.js';
import { checkInputCount, checkOutputSize, checkType, elements, INDEX_TYPES, required, shapeError } from './util.js';

export const gatherOp: OpDef = {
  opType: 'Gather',
  domain: '',
  sinceVersion: 1,
  infer(inputs, ctx) {
    checkInputCount(ctx, inputs, 2, 2);
    const x = required(ctx, inputs, 0, 'data');
    const indices = required(ctx, inputs, 1, 'indices');
    checkType(ctx, 'indices', indices.type, INDEX_TYPES);
    if (x.shape === undefined || indices.shape === undefined) return [{ type: x.type }];
    if (x.shape.length === 0) throw shapeError(ctx, 'data must have rank >= 1', { expected: '>= 1', got: 0 });
    const axis = axisAttribute(ctx, x.shape.length, 'axis', 0);
    const shape: Dim[] = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
    return [{ type: x.type, shape }];
  },
  run(inputs, ctx) {
    checkInputCount(ctx, inputs, 2, 2);
    const x = required(ctx, inputs, 0, 'data');
    const indices = required(ctx, inputs, 1, 'indices');
    checkType(ctx, 'indices', indices.type, INDEX_TYPES);
    if (x.dims.length === 0) throw shapeError(ctx, 'data must have rank >= 1', { expected: '>= 1', got: 0 });
    const axis = axisAttribute(ctx, x.dims.length, 'axis', 0);
    const dim = x.dims[axis];
    const dims = [...x.dims.slice(0, axis), ...indices.dims, ...x.dims.slice(axis + 1)];
    checkOutputSize(ctx, dims, x.type);
    const picks = new Array<number>(indices.size);
    for (let i = 0; i < indices.size; i++) {
      const v = elementAsNumber(indices, i);
      if (v < -dim || v >= dim)
        throw shapeError(ctx, `index ${indices.data[i]} is out of range [${-dim}, ${dim - 1}] for axis ${axis}`, {
          axis,
          expected: `[${-dim}, ${dim - 1}]`,
          got: String(indices.data[i]),
        });
      picks[i] = v < 0 ? v + dim : v;
    }
    const outer = sizeOf(x.dims.slice(0, axis));
    const inner = sizeOf(x.dims.slice(axis + 1));
    const out = Tensor.zeros(x.type, dims);
    const src = elements(x);
    const dst = elements(out);
    let flat = 0;
    for (let o = 0; o < outer; o++) {
      for (const p of picks) {
        const base = (o * dim + p) * inner;
        for (let i = 0; i < inner; i++) dst[flat++] = src[base + i];
      }
    }
    return [out];
  },
};
