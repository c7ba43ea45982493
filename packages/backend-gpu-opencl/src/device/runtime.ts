/**
 * One OpenCL context per device, shared by every executable compiled for it, with its programs built
 * once per storage variant. Executables acquire it and release it; the last release frees the context
 * and programs, so a process that disposed everything holds no OpenCL object.
 */
import type { Handle, OpenCL } from '../cl/api.js';
import { buildOptions, PROGRAM_SOURCE, type StorageType } from '../kernels/program.js';
import type { DeviceInfo } from './devices.js';
import { buildCachedProgram, type CacheOutcome } from './program-cache.js';

/** A device's shared context and programs. */
export class DeviceRuntime {
  readonly cl: OpenCL;
  readonly device: DeviceInfo;
  readonly context: Handle;
  readonly #programs = new Map<StorageType, { program: Handle; cache: CacheOutcome }>();
  #users = 0;
  readonly #onIdle: () => void;

  constructor(cl: OpenCL, device: DeviceInfo, onIdle: () => void) {
    this.cl = cl;
    this.device = device;
    this.context = cl.createContext(device.handle);
    this.#onIdle = onIdle;
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

  acquire(): void {
    this.#users++;
  }

  /** Drops one user; the last one frees the programs and the context. */
  release(): void {
    if (--this.#users > 0) return;
    for (const { program } of this.#programs.values()) this.cl.release('program', program);
    this.#programs.clear();
    this.cl.release('context', this.context);
    this.#onIdle();
  }
}

const runtimes = new Map<string, DeviceRuntime>();

/** The runtime of `device`, created on first use; the caller must `release()` it. */
export function acquireRuntime(cl: OpenCL, device: DeviceInfo): DeviceRuntime {
  const key = `${cl.path}#${device.platformIndex}/${device.deviceIndex}`;
  let runtime = runtimes.get(key);
  if (!runtime) {
    runtime = new DeviceRuntime(cl, device, () => runtimes.delete(key));
    runtimes.set(key, runtime);
  }
  runtime.acquire();
  return runtime;
}
