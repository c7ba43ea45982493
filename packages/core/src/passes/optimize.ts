/**
 * The default optimization pipeline every model goes through at `Session.init`.
 */
import type { Model } from '../ir/graph.js';
import { validateGraph } from '../ir/validate.js';
import { foldBatchNorm } from './fold-batch-norm.js';
import { foldConstants } from './fold-constants.js';
import { foldQdq } from './fold-qdq.js';
import { removeDeadNodes } from './remove-dead-nodes.js';
import { removeIdentities } from './remove-identities.js';

export interface OptimizeOptions {
  /**
   * 'none' only validates; 'basic' (the default) folds a QDQ model's Q/DQ pairs into quantized ops, then
   * constants, identities and BatchNorm, then drops dead nodes.
   */
  level?: 'none' | 'basic';
}

/** Validates and optimizes a model; device-specific fusions (fuseActivations) are left to the backends. */
export function optimize(model: Model, options: OptimizeOptions = {}): Model {
  const validated = validateGraph(model);
  if (options.level === 'none') return validated;
  // Q/DQ first: constant folding would turn the quantized weights behind a DequantizeLinear into floats.
  return [foldQdq, foldConstants, removeIdentities, foldBatchNorm, removeDeadNodes].reduce(
    (m, pass) => pass(m),
    validated,
  );
}
