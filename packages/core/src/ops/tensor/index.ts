import type { OpDef } from '../op.js';
import { castOp } from './cast.js';
import { equalOp, greaterOp, lessOp, notOp, whereOp } from './compare.js';
import { concatOp } from './concat.js';
import { constantOfShapeOp, constantOp } from './constant.js';
import { expandOp } from './expand.js';
import { gatherOp } from './gather.js';
import { dropoutOp, identityOp } from './identity.js';
import { padOp } from './pad.js';
import { flattenOp, reshapeOp } from './reshape.js';
import { resizeOp, upsampleOp } from './resize.js';
import { shapeOp } from './shape-op.js';
import { sliceOp } from './slice.js';
import { splitOp } from './split.js';
import { squeezeOp, unsqueezeOp } from './squeeze.js';
import { transposeOp } from './transpose.js';

export { shapeValue } from './shape-op.js';
export { castTensor } from './cast.js';

/** Shape and data movement, comparisons, casts, constants, resize and pad. */
export const tensorOps: OpDef[] = [
  concatOp,
  splitOp,
  sliceOp,
  reshapeOp,
  flattenOp,
  transposeOp,
  squeezeOp,
  unsqueezeOp,
  shapeOp,
  gatherOp,
  castOp,
  constantOp,
  constantOfShapeOp,
  expandOp,
  whereOp,
  equalOp,
  lessOp,
  greaterOp,
  notOp,
  resizeOp,
  upsampleOp,
  padOp,
  identityOp,
  dropoutOp,
];
