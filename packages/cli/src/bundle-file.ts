/**
 * Telling a bundle (what `lastmile compile` writes) from a model file, by its first bytes.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { BUNDLE_HEAD_BYTES, looksLikeBundle } from '@lastmile/core';

/** True when `path` is a regular file that starts as a bundle does; anything else is left to the model loader. */
export async function isBundleFile(path: string): Promise<boolean> {
  // Not blocking: a FIFO must not hold the thread; the loader reports what is wrong with it.
  const file = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)).catch(() => undefined);
  if (file === undefined) return false;
  try {
    if (!(await file.stat()).isFile()) return false;
    const head = new Uint8Array(BUNDLE_HEAD_BYTES);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    return looksLikeBundle(head.subarray(0, bytesRead));
  } finally {
    await file.close();
  }
}
