/**
 * Transpose: permutes axes; the default permutation reverses them.
 */
import { attr } from '../../ir/attributes.js';
import { stridesOf } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import type { OpContext, OpDef } from '../op.js';
import { attributeError, checkInputCount, elements, forEachIndex, required } from './util.js';

function permutation(ctx: OpContext, rank: number): number[] {
  const reversed = Array.from({ length: rank }, (_, i) => rank - 1 - i);
  const perm = attr.ints(ctx.node, 'perm', reversed);
  const seen = new Set(perm);
  if (perm.length !== rank || seen.size !== rank || perm.some((p) => !Number.isInteger(p) || p < 0 || p >= rank)) {
    throw attributeError(ctx, 'perm', `must be a permutation of 0..${rank - 1}, got [${perm.join(', ')}]`, {
      expected: rank,
      got: [...perm],
    });
  }
  return perm;
}

export const transposeOp: OpDef = {
  opType: 'Transpose',
  domain: '',
  sinceVersion: 1,
  infer(inputs, ctx) {
    checkInputCount(ctx, inputs, 1, 1);
    const x = required(ctx, inputs, 0, 'data');
    if (x.shape === undefined) return [{ type: x.type }];
    const shape = x.shape;
    return [{ type: x.type, shape: permutation(ctx, shape.length).map((p) => shape[p]) }];
  },
  run(inputs, ctx) {
    checkInputCount(ctx, inputs, 1, 1);
    const x = required(ctx, inputs, 0, 'data');
    const perm = permutation(ctx, x.dims.length);
    const outDims = perm.map((p) => x.dims[p]);
    const inStrides = stridesOf(x.dims);
    const src = elements(x);
    const out = Tensor.zeros(x.type, outDims);
    const dst = elements(out);
    forEachIndex(outDims, (index, flat) => {
      let offset = 0;
      for (let i = 0; i < perm.length; i++) offset += index[i] * inStrides[perm[i]];
      dst[flat] = src[offset];
    });
    return [out];
  },
};
