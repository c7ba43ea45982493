/**
 * What gpu-opencl's `open` gives a session: its device, opened once and shared by its partitions.
 */
import type { CompileOptions, DeviceContext } from '@lastmile/core';
import { OpenCL } from '../cl/api.js';
import { libraryCandidates } from '../cl/library.js';
import { chooseDevice, listDevices } from './devices.js';
import { readOptions } from './options.js';
import { DeviceRuntime } from './runtime.js';

/** A session's OpenCL device: one context, its programs and its transfer queue, for all its partitions. */
export class OpenCLContext implements DeviceContext {
  readonly runtime: DeviceRuntime;
  #closed = false;

  constructor(options: CompileOptions['deviceOptions']) {
    const o = readOptions(options);
    const cl = OpenCL.open(libraryCandidates(o.libraryPath));
    this.runtime = new DeviceRuntime(cl, chooseDevice(listDevices(cl), o.platform, o.device));
  }

  /** Drops the session's hold; executables and device tensors still alive keep the device until freed. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.runtime.release();
  }
}
