import type { OpDef } from '../op.js';
/** Math, activations, convolution, pooling, normalization, matmul, softmax and reductions. */
export const nnOps: OpDef[] = [];
