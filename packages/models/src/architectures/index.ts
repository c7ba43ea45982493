/**
 * The architectures by name, for tools and benchmarks that pick a model from a string.
 */
import { InputError, type Model } from '@lastmile/core';
import { encodeModel } from '@lastmile/onnx';
import type { ArchitectureOptions } from './common.js';
import { mobilenetV2 } from './mobilenet-v2.js';
import { mobilenetV3Small } from './mobilenet-v3-small.js';
import { resnet18 } from './resnet18.js';
import { shuffleNetV2x05 } from './shufflenet-v2.js';
import { squeezenet11 } from './squeezenet11.js';

/** Every architecture this package builds. */
export const ARCHITECTURES = {
  mobilenetV2,
  resnet18,
  squeezenet11,
  mobilenetV3Small,
  shuffleNetV2x05,
} as const satisfies Record<string, (options?: ArchitectureOptions) => Model>;

export type ArchitectureName = keyof typeof ARCHITECTURES;

/** True if `name` names an architecture. */
export function isArchitectureName(name: unknown): name is ArchitectureName {
  return typeof name === 'string' && Object.hasOwn(ARCHITECTURES, name);
}

/** The architecture `name` as a core Model. */
export function buildModel(name: ArchitectureName, options: ArchitectureOptions = {}): Model {
  if (!isArchitectureName(name)) {
    throw new InputError(`unknown architecture '${String(name)}'`, { expected: Object.keys(ARCHITECTURES), got: name });
  }
  return ARCHITECTURES[name](options);
}

/** The architecture `name` as ONNX ModelProto bytes. */
export function buildModelBytes(name: ArchitectureName, options: ArchitectureOptions = {}): Uint8Array {
  return encodeModel(buildModel(name, options));
}
