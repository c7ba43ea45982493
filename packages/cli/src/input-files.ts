/**
 * Reading the files a user points `--input` at: regular files only, size checked before reading, every
 * failure an InputError naming the input and the path.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { InputError } from '@lastmile/core';

/** The largest input file read (Node's own Buffer limit would throw a RangeError past it). */
export const MAX_INPUT_FILE_BYTES = 2 ** 31 - 1;

/** Reads a whole input file. */
export async function readInputFile(path: string, input: string): Promise<Uint8Array> {
  let file: Awaited<ReturnType<typeof open>>;
  try {
    // Non-blocking, so a FIFO is refused by the regular-file check below instead of hanging the open.
    file = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'error';
    throw new InputError(`input '${input}': cannot open '${path}' (${code})`, { input, path }, { cause });
  }
  try {
    const info = await file.stat();
    if (!info.isFile()) throw new InputError(`input '${input}': '${path}' is not a regular file`, { input, path });
    if (info.size > MAX_INPUT_FILE_BYTES) {
      throw new InputError(
        `input '${input}': '${path}' is ${info.size} bytes, over the ${MAX_INPUT_FILE_BYTES}-byte limit`,
        {
          input,
          path,
          expected: MAX_INPUT_FILE_BYTES,
          got: info.size,
        },
      );
    }
    const bytes = new Uint8Array(info.size);
    let done = 0;
    while (done < bytes.length) {
      const { bytesRead } = await file.read(bytes, done, bytes.length - done, done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return bytes.subarray(0, done);
  } finally {
    await file.close();
  }
}
