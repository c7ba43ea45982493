import type { OpDef } from '../op.js';
/** Shape and data movement, comparisons, casts, constants, resize and pad. */
export const tensorOps: OpDef[] = [];
