/**
 * Writing output tensors as .npy files: names made safe for a file system, each file written to a
 * temporary name and renamed, so an interrupted run never leaves a half-written output.
 */
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Tensor, writeFileAtomic } from '@lastmile/core';
import { UsageError } from './exit-codes.js';
import { encodeNpy } from './npy.js';

/** A file name for a tensor name: only [A-Za-z0-9._-], never `.`/`..`, unique within `taken`. */
export function fileNameFor(name: string, taken: Set<string>): string {
  let base = name.replace(/[^A-Za-z0-9._-]/g, '_');
  if (/^\.*$/.test(base)) base = `_${base}`;
  let file = `${base}.npy`;
  for (let i = 2; taken.has(file.toLowerCase()); i++) file = `${base}_${i}.npy`;
  taken.add(file.toLowerCase());
  return file;
}

/** Refuses, before anything runs, an output folder path that names something other than a folder. */
export async function checkOutputDir(dir: string): Promise<void> {
  const found = await stat(dir).catch(() => undefined);
  if (found !== undefined && !found.isDirectory())
    throw new UsageError(`--output-dir '${dir}' exists and is not a folder`);
}

/** Writes each tensor into `dir` (created if needed); returns the paths by tensor name. */
export async function saveTensors(dir: string, tensors: ReadonlyMap<string, Tensor>): Promise<Map<string, string>> {
  await mkdir(dir, { recursive: true });
  const taken = new Set<string>();
  const paths = new Map<string, string>();
  for (const [name, tensor] of tensors) {
    const path = join(dir, fileNameFor(name, taken));
    await writeFileAtomic(path, encodeNpy(tensor));
    paths.set(name, path);
  }
  return paths;
}
