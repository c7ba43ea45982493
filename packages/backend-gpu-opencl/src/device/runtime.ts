/**
 * One OpenCL context on one device with its programs, built once per storage variant: what a session's
 * partitions share (the gpu-opencl DeviceContext holds one). Its users acquire and release it; the last
 * release frees the queue, programs and context, so a process that disposed everything holds no OpenCL
 * object.
 */
import type { Handle, OpenCL } from '../cl/api.js';
import { buildOptions, PROGRAM_SOURCE, type StorageType } from '../kernels/program.js';
import type { DeviceInfo } from './devices.js';
import { buildCachedProgram, type CacheOutcome } from './program-cache.js';

export class DeviceRuntime {
  readonly cl: OpenCL;
  readonly device: DeviceInfo;
  readonly context: Handle;
  readonly #programs = new Map<StorageType, { program: Handle; cache: CacheOutcome }>();
  #transfers: Handle | undefined;
  /** The creator holds the first use. */
  #users = 1;

  constructor(cl: OpenCL, device: DeviceInfo) {
    this.cl = cl;
    this.device = device;
    this.context = cl.createContext(device.handle);
  }

  /** The program of a storage variant, built (or loaded from `cacheFolder`) on first use. */
  program(storage: StorageType, cacheFolder: string | undefined): { program: Handle; cache: CacheOutcome } {
    let entry = this.#programs.get(storage);
    if (!entry) {
      entry = buildCachedProgram(
        this.cl,
        this.context,
        this.device,
        PROGRAM_SOURCE,
        buildOptions(storage),
        cacheFolder,
      );
      this.#programs.set(storage, entry);
    }
    return entry;
  }

  /** The queue that reads device tensors back to the host, made on first use. */
  get transfers(): Handle {
    this.#transfers ??= this.cl.createQueue(this.context, this.device.handle, false);
    return this.#transfers;
  }

  acquire(): void {
    this.#users++;
  }

  /** Drops one use; the last one frees the queue, the programs and the context. */
  release(): void {
    if (--this.#users > 0) return;
    if (this.#transfers !== undefined) this.cl.release('queue', this.#transfers);
    for (const { program } of this.#programs.values()) this.cl.release('program', program);
    this.#programs.clear();
    this.cl.release('context', this.context);
  }
}
