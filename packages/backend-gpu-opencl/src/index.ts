/**
 * The GPU backend: OpenCL C kernels run through an FFI (koffi) into the system's OpenCL ICD loader, on
 * Mali, Adreno, desktop GPUs, or PoCL's CPU device in CI. Weights are uploaded once, activations live in
 * pooled device buffers, program binaries are cached on disk, and with no OpenCL on the machine probe()
 * says so and sessions fall back to the next backend.
 *
 * @packageDocumentation
 */
import {
  BACKEND_API_VERSION,
  type Backend,
  BackendError,
  type CompileOptions,
  type Executable,
  type Partition,
} from '@lastmile/core';
import { OpenCL } from './cl/api.js';
import { libraryCandidates } from './cl/library.js';
import { lowerPartition } from './compile/lower-partition.js';
import { supportsNode } from './compile/supports.js';
import { chooseDevice, listDevices } from './device/devices.js';
import { readOptions } from './device/options.js';
import { cacheFolder } from './device/program-cache.js';
import { acquireRuntime } from './device/runtime.js';
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

async function compile(partition: Partition, options: CompileOptions): Promise<Executable> {
  const o = readOptions(options.deviceOptions);
  const storage = storageFor(options.precision);
  const cl = OpenCL.open(libraryCandidates(o.libraryPath));
  const device = chooseDevice(listDevices(cl), o.platform, o.device);
  const lowered = lowerPartition(partition.model, storage === 'fp16' ? 2 : 4);
  const runtime = acquireRuntime(cl, device);
  try {
    const { program } = runtime.program(storage, cacheFolder(o.cacheDir));
    return new OpenCLExecutable({
      runtime,
      program,
      lowered,
      storage,
      profiling: options.profiling === true,
      workGroupSize: Math.min(o.workGroupSize ?? DEFAULT_WORK_GROUP_SIZE, device.maxWorkGroupSize),
    });
  } finally {
    runtime.release();
  }
}

/** The gpu-opencl backend descriptor. */
export const backend: Backend = {
  apiVersion: BACKEND_API_VERSION,
  name: 'gpu-opencl',
  probe: () => probeOpenCL(),
  supports: supportsNode,
  compile,
};
