/**
 * Files lastmile writes and reads whole: written to a temporary sibling, synced and renamed, so a crash
 * or a full disk never leaves a half-written file under the final name; read only when regular files,
 * opened without blocking, so a FIFO or a device path never holds a thread.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InputError } from './errors.js';

/** Writes `bytes` to `path` atomically: the old file, if any, stays until the new one is complete. */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const file = await open(temp, 'wx');
  try {
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** The bytes of a regular file; InputError naming `what` when the path is missing or something else. */
export async function readRegularFile(path: string, what: string): Promise<Uint8Array> {
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
    throw new InputError(`cannot read ${what} '${path}' (${code})`, { path }, { cause });
  }
  try {
    if (!(await file.stat()).isFile()) throw new InputError(`${what} path '${path}' is not a regular file`, { path });
    return new Uint8Array(await file.readFile());
  } finally {
    await file.close();
  }
}
