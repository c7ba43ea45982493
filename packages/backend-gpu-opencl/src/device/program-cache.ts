/**
 * Program binaries cached on disk, keyed by device, driver and source: a later process skips the
 * OpenCL C compiler. Each file carries a magic and a SHA-256 of its payload; a file that fails the check,
 * or that the driver refuses, is rebuilt from source and replaced (written to a temp file, then renamed).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Handle, OpenCL } from '../cl/api.js';
import type { DeviceInfo } from './devices.js';

/** The environment variable naming the cache folder. */
export const OPENCL_CACHE_ENV = 'LASTMILE_OPENCL_CACHE';

const MAGIC = Buffer.from('LMCLBIN1');
const HASH_BYTES = 32;

/** How a program was obtained. */
export type CacheOutcome = 'hit' | 'miss' | 'rebuilt-corrupt' | 'off';

/** The cache folder for an option value: false is none, a string is that folder. */
export function cacheFolder(option: string | false | undefined): string | undefined {
  if (option === false) return undefined;
  return option ?? process.env[OPENCL_CACHE_ENV] ?? join(tmpdir(), 'lastmile-opencl-cache');
}

/** The cache key: every fact that changes the binary. */
export function cacheKey(device: DeviceInfo, source: string, options: string): string {
  const facts = [
    device.platformName,
    device.platformVersion,
    device.vendor,
    device.name,
    device.version,
    device.driverVersion,
    options,
    source,
  ];
  return createHash('sha256').update(facts.join('\0')).digest('hex');
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest();

/** The payload of a cache file, or undefined when it is missing; 'corrupt' when it fails its checks. */
function readEntry(path: string): Uint8Array | 'corrupt' | undefined {
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch {
    return undefined;
  }
  if (file.length <= MAGIC.length + HASH_BYTES || !file.subarray(0, MAGIC.length).equals(MAGIC)) return 'corrupt';
  const payload = file.subarray(MAGIC.length + HASH_BYTES);
  return sha256(payload).equals(file.subarray(MAGIC.length, MAGIC.length + HASH_BYTES)) ? payload : 'corrupt';
}

/**
 * Writes atomically (a temporary file, then a rename), and removes the temporary file when the write
 * fails part-way: a cache that cannot be written only costs the next process a compile.
 */
export function writeEntry(folder: string, path: string, payload: Uint8Array): void {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(folder, { recursive: true });
    writeFileSync(temp, Buffer.concat([MAGIC, sha256(payload), payload]));
    renameSync(temp, path);
  } catch {
    // Read-only or full disks are not errors of the model being compiled.
    rmSync(temp, { force: true });
  }
}

/** A built program for `device`, from the cache when a valid binary is there. */
export function buildCachedProgram(
  cl: OpenCL,
  context: Handle,
  device: DeviceInfo,
  source: string,
  options: string,
  folder: string | undefined,
): { program: Handle; cache: CacheOutcome } {
  if (folder === undefined) return { program: buildFromSource(cl, context, device, source, options), cache: 'off' };
  const path = join(folder, `${cacheKey(device, source, options)}.clbin`);
  const entry = readEntry(path);
  let outcome: CacheOutcome = entry === 'corrupt' ? 'rebuilt-corrupt' : 'miss';
  if (entry instanceof Uint8Array) {
    let program: Handle | undefined;
    try {
      program = cl.createProgramFromBinary(context, device.handle, entry);
      cl.buildProgram(program, device.handle, options);
      return { program, cache: 'hit' };
    } catch {
      // A binary the driver refuses (another driver build, a bad write) is as good as corrupt.
      if (program !== undefined) cl.release('program', program);
      outcome = 'rebuilt-corrupt';
    }
  }
  if (outcome === 'rebuilt-corrupt') rmSync(path, { force: true });
  const program = buildFromSource(cl, context, device, source, options);
  writeEntry(folder, path, cl.programBinary(program));
  return { program, cache: outcome };
}

function buildFromSource(cl: OpenCL, context: Handle, device: DeviceInfo, source: string, options: string): Handle {
  const program = cl.createProgramFromSource(context, source);
  try {
    cl.buildProgram(program, device.handle, options);
  } catch (error) {
    cl.release('program', program);
    throw error;
  }
  return program;
}
