/**
 * The settings a session passes as `backendOptions['gpu-opencl']`, checked: a wrong type is an InputError
 * naming the option, never a silent default.
 */
import { InputError } from '@lastmile/core';

export interface OpenCLOptions {
  /** Path of the OpenCL library (else LASTMILE_OPENCL_LIBRARY, else the system's libOpenCL). */
  libraryPath?: string;
  /** Platform by index or by a substring of its name (case-insensitive). */
  platform?: number | string;
  /** Device by index within the platform or by a substring of its name. */
  device?: number | string;
  /** Work-items per work-group for every kernel (default chosen per device). */
  workGroupSize?: number;
  /** Folder of the program-binary cache, or false for none (default: LASTMILE_OPENCL_CACHE or the OS temp folder). */
  cacheDir?: string | false;
}

const KNOWN = ['libraryPath', 'platform', 'device', 'workGroupSize', 'cacheDir'];

function bad(option: string, expected: string, got: unknown): InputError {
  return new InputError(`gpu-opencl option '${option}' must be ${expected}, got ${JSON.stringify(got)}`, {
    backend: 'gpu-opencl',
    option,
    expected,
    got,
  });
}

const isIndexOrName = (v: unknown) =>
  (typeof v === 'number' && Number.isInteger(v) && v >= 0) || (typeof v === 'string' && v.length > 0);

/** Checks `deviceOptions`; unknown keys are refused so that a typo does not pass unnoticed. */
export function readOptions(raw: Readonly<Record<string, unknown>> | undefined): OpenCLOptions {
  const o = raw ?? {};
  for (const key of Object.keys(o)) if (!KNOWN.includes(key)) throw bad(key, `one of ${KNOWN.join(', ')}`, key);
  if (o.libraryPath !== undefined && (typeof o.libraryPath !== 'string' || o.libraryPath === ''))
    throw bad('libraryPath', 'a non-empty string', o.libraryPath);
  if (o.platform !== undefined && !isIndexOrName(o.platform)) throw bad('platform', 'an index or a name', o.platform);
  if (o.device !== undefined && !isIndexOrName(o.device)) throw bad('device', 'an index or a name', o.device);
  if (
    o.workGroupSize !== undefined &&
    !(Number.isInteger(o.workGroupSize) && (o.workGroupSize as number) >= 1 && (o.workGroupSize as number) <= 4096)
  ) {
    throw bad('workGroupSize', 'an integer in [1, 4096]', o.workGroupSize);
  }
  if (o.cacheDir !== undefined && o.cacheDir !== false && (typeof o.cacheDir !== 'string' || o.cacheDir === ''))
    throw bad('cacheDir', 'a folder path or false', o.cacheDir);
  return o as OpenCLOptions;
}
