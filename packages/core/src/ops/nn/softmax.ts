/**
 * Softmax and LogSoftmax. Before opset 13 the input is viewed as 2-D [prod(dims[:axis]), prod(dims[axis:])]
 * with axis defaulting to 1; from 13 they work along one axis, defaulting to -1. Sums run in float64.
 */
import { attr } from '../../ir/attributes.js';
import type { OpContext, OpDef } from '../op.js';
import { allocOutput, axisIn, firstInput, FLOAT, product } from './common.js';

/** The axis attribute, defaulting to 1 before opset 13 and to -1 from 13. */
function softmaxAxis(ctx: OpContext, rank: number): number {
  return axisIn(ctx.node, 'axis', attr.int(ctx.node, 'axis', ctx.opset < 13 ? 1 : -1), rank);
}

/** The [outer, length, inner] view of `dims` the op normalizes over. */
function softmaxView(ctx: OpContext, dims: readonly number[]): [number, number, number] {
  const axis = softmaxAxis(ctx, dims.length);
  if (ctx.opset < 13) return [product(dims, 0, axis), product(dims, axis), 1];
  return [product(dims, 0, axis), dims[axis] ?? 1, product(dims, axis + 1)];
}

function softmaxOp(opType: string, log: boolean): OpDef {
  return {
    opType,
    domain: '',
    sinceVersion: 7,
    infer(inputs, ctx) {
      const x = firstInput(inputs, ctx, 'input', FLOAT);
      if (x.shape) softmaxAxis(ctx, x.shape.length);
      return [{ type: x.type, shape: x.shape }];
    },
    run(inputs, ctx) {
      const x = firstInput(inputs, ctx, 'input', FLOAT);
      const [outer, length, inner] = softmaxView(ctx, x.dims);
      const src = x.data as Float32Array;
      const out = allocOutput('float32', x.dims, ctx);
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < inner; i++) {
          const base = o * length * inner + i;
          // Subtract the max so exp never overflows.
          let max = -Infinity;
          for (let k = 0; k < length; k++) max = Math.max(max, src[base + k * inner]);
          let sum = 0;
          for (let k = 0; k < length; k++) sum += Math.exp(src[base + k * inner] - max);
          const logSum = Math.log(sum);
          for (let k = 0; k < length; k++) {
            const shifted = src[base + k * inner] - max;
            out.data[base + k * inner] = log ? shifted - logSum : Math.exp(shifted) / sum;
          }
        }
      }
      return [out];
    },
  };
}

export const Softmax = softmaxOp('Softmax', false);
export const LogSoftmax = softmaxOp('LogSoftmax', true);
