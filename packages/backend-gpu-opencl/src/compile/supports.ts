/**
 * The capability query: a node runs on gpu-opencl when its op has a kernel here and in core, its device
 * tensors are float32 with static dims that fit 32-bit indexing, and its op-specific conditions hold.
 */
import { findOp, type Node, type Support, type SupportContext } from '@lastmile/core';
import { opKernel } from './ops.js';

/** Kernels index with int: every tensor must have fewer elements than this. */
export const MAX_ELEMENTS = 2 ** 31 - 1;

function checkValue(name: string, context: SupportContext): string | undefined {
  const t = context.valueType(name);
  if (!t) return `the type of '${name}' is unknown`;
  if (t.type !== 'float32')
    return `'${name}' is ${t.type}; gpu-opencl computes float32 tensors (stored as fp32 or fp16)`;
  if (!t.shape?.every((d): d is number => typeof d === 'number')) return `'${name}' has no static dims`;
  if (t.shape.reduce((p, d) => p * d, 1) > MAX_ELEMENTS) return `'${name}' has more than ${MAX_ELEMENTS} elements`;
  return undefined;
}

export function supportsNode(node: Node, context: SupportContext): Support {
  const kernel = opKernel(node);
  const label = node.domain ? `${node.domain}.${node.opType}` : node.opType;
  if (!kernel) return { supported: false, reason: `no OpenCL kernel for ${label}` };
  const op = findOp(node.domain, node.opType);
  if (!op || context.opset < op.sinceVersion)
    return { supported: false, reason: `${label} at opset ${context.opset} is not known to core` };
  const deviceInputs = node.inputs.slice(0, kernel.deviceInputs ?? node.inputs.length).filter((name) => name !== '');
  for (const name of [...deviceInputs, ...node.outputs.filter((name) => name !== '')]) {
    const problem = checkValue(name, context);
    if (problem) return { supported: false, reason: problem };
  }
  const refused = kernel.refuse?.(node, context);
  return refused ? { supported: false, reason: refused } : { supported: true };
}
