/**
 * The one OpenCL program every partition of a device uses, in two variants: fp32, and fp16 storage
 * (`-D LM_FP16`). Built once per device and variant, and cached on disk as a binary.
 */
import { CONV_SOURCE } from './conv.js';
import { ELEMENTWISE_SOURCE } from './elementwise.js';
import { MATMUL_SOURCE } from './matmul.js';
import { MOVEMENT_SOURCE } from './movement.js';
import { POOL_SOURCE } from './pool.js';
import { PRELUDE } from './prelude.js';
import { REDUCE_SOURCE } from './reduce.js';
import { RESIZE_SOURCE } from './resize.js';
import { SOFTMAX_SOURCE } from './softmax.js';

/** The storage precision a program is built for. */
export type StorageType = 'fp32' | 'fp16';

export const PROGRAM_SOURCE = [
  PRELUDE,
  CONV_SOURCE,
  POOL_SOURCE,
  ELEMENTWISE_SOURCE,
  MOVEMENT_SOURCE,
  MATMUL_SOURCE,
  SOFTMAX_SOURCE,
  REDUCE_SOURCE,
  RESIZE_SOURCE,
].join('\n');

/** clBuildProgram options of a variant. */
export function buildOptions(storage: StorageType): string {
  return storage === 'fp16' ? '-cl-std=CL1.2 -D LM_FP16' : '-cl-std=CL1.2';
}
