/**
 * The GPU backend: OpenCL C kernels run through an FFI (koffi) into the system's OpenCL ICD loader, on
 * Mali, Adreno, desktop GPUs, or PoCL's CPU device in CI. Weights are uploaded once, activations live in
 * pooled device buffers, program binaries are cached on disk, and with no OpenCL on the machine probe()
 * says so and sessions fall back to the next backend.
 *
 * @packageDocumentation
 */
import { createRequire } from 'node:module';
import {
  ArtifactMismatchError,
  type Backend,
  BackendError,
  type CompileOptions,
  type Executable,
  graphOfArtifact,
  type Model,
} from '@lastmile/core';
import { OpenCL } from './cl/api.js';
import { libraryCandidates } from './cl/library.js';
import { lowerPartition } from './compile/lower-partition.js';
import { supportsNode } from './compile/supports.js';
import { chooseDevice, listDevices } from './device/devices.js';
import { readOptions } from './device/options.js';
import { cacheFolder } from './device/program-cache.js';
import { OpenCLContext } from './device/context.js';
import { OpenCLExecutable } from './executable.js';
import type { StorageType } from './kernels/program.js';
import { probeOpenCL } from './probe.js';

export { liveObjects, type ClObjectKind } from './cl/live-objects.js';
export { OPENCL_LIBRARY_ENV } from './cl/library.js';
export { OPENCL_CACHE_ENV } from './device/program-cache.js';
export { openclOps } from './compile/ops.js';
export type { OpenCLOptions } from './device/options.js';

/** Work-items per work-group unless `workGroupSize` says otherwise (capped by what each kernel allows). */
const DEFAULT_WORK_GROUP_SIZE = 64;

function storageFor(precision: CompileOptions['precision']): StorageType {
  if (precision === 'int8') {
    throw new BackendError("gpu-opencl computes in fp32 or fp16, not int8: pass precision 'fp32', 'fp16' or 'auto'", {
      backend: 'gpu-opencl',
      expected: ['auto', 'fp32', 'fp16'],
      got: precision,
    });
  }
  return precision === 'fp16' ? 'fp16' : 'fp32';
}

/** The target artifacts name: the storage precision and the device, whose compiler shapes the bits. */
const targetOf = (storage: StorageType, device: string) => `opencl ${storage} on ${device}`;
const TARGET = /^opencl (fp32|fp16) on /;

/**
 * Compiles `model` on the session's context (or, called without one, on a context of its own); `target`,
 * when loading an artifact, must be what this compile would be named (the same storage, on a device of
 * the same name).
 */
async function compileFor(
  model: Model,
  storage: StorageType,
  options: CompileOptions,
  target?: string,
): Promise<Executable> {
  const shared = options.context instanceof OpenCLContext ? options.context : undefined;
  const context = shared ?? new OpenCLContext(options.deviceOptions);
  try {
    const { runtime } = context;
    const here = targetOf(storage, runtime.device.name);
    if (target !== undefined && target !== here)
      throw new ArtifactMismatchError(`the gpu-opencl artifact is for target '${target}', this device is '${here}'`, {
        backend: 'gpu-opencl',
        field: 'target',
        expected: here,
        got: target,
      });
    const o = readOptions(options.deviceOptions);
    const lowered = lowerPartition(model, storage === 'fp16' ? 2 : 4);
    const { program } = runtime.program(storage, cacheFolder(o.cacheDir));
    return new OpenCLExecutable({
      context,
      program,
      lowered,
      storage,
      profiling: options.profiling === true,
      workGroupSize: Math.min(o.workGroupSize ?? DEFAULT_WORK_GROUP_SIZE, runtime.device.maxWorkGroupSize),
      source: { model, target: here },
    });
  } finally {
    // A context of its own lives as long as the executable's hold on it.
    if (!shared) context.close();
  }
}

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** The gpu-opencl backend descriptor. */
export const backend: Backend = {
  apiVersion: 2,
  name: 'gpu-opencl',
  version,
  probe: () => probeOpenCL(),
  supports: supportsNode,
  /** One OpenCL context per session: its partitions share the programs and hand tensors over on the device. */
  open: ({ deviceOptions }) => new OpenCLContext(deviceOptions),
  compile: async (partition, options) => compileFor(partition.model, storageFor(options.precision), options),
  /** Compiles the artifact's graph again, in its storage precision, after checking the device is the one named. */
  async load(artifact, options): Promise<Executable> {
    const storage = TARGET.exec(artifact.header.target)?.[1] as StorageType | undefined;
    const model = graphOfArtifact(artifact, 'gpu-opencl', () => storage !== undefined, 'not a gpu-opencl target');
    return compileFor(model, storage as StorageType, options, artifact.header.target);
  },
};
