/**
 * Trainable parameter count, counted as PyTorch's `sum(p.numel() for p in model.parameters())`.
 */
import type { Model } from '@lastmile/core';

/**
 * Elements of the float initializers, less BatchNormalization's running mean and variance (PyTorch
 * keeps those as buffers, not parameters). Integer constants (Reshape targets) and scalars (Clip bounds)
 * are not weights.
 */
export function parameterCount(model: Model): number {
  const buffers = new Set<string>();
  for (const node of model.graph.nodes) {
    if (node.opType === 'BatchNormalization') for (const name of node.inputs.slice(3, 5)) buffers.add(name);
  }
  let count = 0;
  for (const [name, tensor] of model.graph.initializers) {
    if ((tensor.type === 'float32' || tensor.type === 'float16') && tensor.dims.length > 0 && !buffers.has(name))
      count += tensor.size;
  }
  return count;
}
