/**
 * Finds and opens the system's OpenCL ICD loader through koffi, lazily and once per path. A missing FFI
 * binary, a missing library or a library without the OpenCL 1.2 entry points is a BackendUnavailableError
 * whose message says which, so probe() can report it and sessions fall back.
 */
import { createRequire } from 'node:module';
import { platform } from 'node:os';
import { BackendUnavailableError } from '@lastmile/core';
import type { LibraryHandle } from 'koffi';

/** The environment variable that overrides where libOpenCL is looked for. */
export const OPENCL_LIBRARY_ENV = 'LASTMILE_OPENCL_LIBRARY';

type Koffi = typeof import('koffi').default;

/** The library names tried in order when neither the option nor the environment variable names one. */
export function defaultLibraryNames(): string[] {
  switch (platform()) {
    case 'darwin':
      return ['/System/Library/Frameworks/OpenCL.framework/OpenCL'];
    case 'win32':
      return ['OpenCL.dll'];
    case 'android':
      return ['libOpenCL.so', '/vendor/lib64/libOpenCL.so', '/system/vendor/lib64/libOpenCL.so'];
    default:
      return ['libOpenCL.so.1', 'libOpenCL.so'];
  }
}

/** The candidates for a session: an explicit path wins, then the environment variable, then the defaults. */
export function libraryCandidates(explicit?: string): string[] {
  if (explicit) return [explicit];
  const fromEnv = process.env[OPENCL_LIBRARY_ENV];
  return fromEnv ? [fromEnv] : defaultLibraryNames();
}

let koffiModule: Koffi | undefined;

/** koffi, loaded on first use: its native addon is only needed once someone asks for OpenCL. */
export function loadKoffi(): Koffi {
  if (koffiModule) return koffiModule;
  try {
    koffiModule = createRequire(import.meta.url)('koffi') as Koffi;
    return koffiModule;
  } catch (error) {
    throw new BackendUnavailableError(
      `the FFI library koffi could not be loaded on ${platform()}: ${(error as Error).message}`,
      { backend: 'gpu-opencl', library: 'koffi' },
      { cause: error },
    );
  }
}

/** The opened library and the path it was found at. */
export interface OpenedLibrary {
  lib: LibraryHandle;
  path: string;
}

const opened = new Map<string, OpenedLibrary>();

/** Opens the first candidate that loads; BackendUnavailableError listing every attempt when none does. */
export function openLibrary(candidates: readonly string[]): OpenedLibrary {
  const koffi = loadKoffi();
  const failures: string[] = [];
  for (const path of candidates) {
    const cached = opened.get(path);
    if (cached) return cached;
    try {
      const found = { lib: koffi.load(path), path };
      opened.set(path, found);
      return found;
    } catch (error) {
      failures.push(`${path}: ${(error as Error).message}`);
    }
  }
  throw new BackendUnavailableError(`no OpenCL library could be loaded (${failures.join('; ')})`, {
    backend: 'gpu-opencl',
    tried: [...candidates],
  });
}
