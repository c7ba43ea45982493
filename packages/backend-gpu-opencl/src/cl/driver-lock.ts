/**
 * A lock held across the threads of one process around OpenCL device discovery. PoCL 3.1 sets its
 * devices up on the first call of a process without a lock that holds across threads: two worker
 * threads discovering at once crash (SIGSEGV) or find no device. Worker threads share no JavaScript
 * memory unless handed it, so the lock is a file named by the process id, created exclusively.
 */
import { closeSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RETRY_MS = 2;
/** A holder this late died mid-discovery (a terminated worker): its file is taken over. */
const STALE_MS = 15_000;

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** The lock file of this process. */
export function driverLockPath(): string {
  return join(tmpdir(), `lastmile-opencl-${process.pid}.lock`);
}

/** Runs `work` while no other thread of this process runs work under this lock. */
export function withDriverLock<T>(work: () => T, staleMs = STALE_MS): T {
  const path = driverLockPath();
  let deadline = Date.now() + staleMs;
  let fd: number | undefined;
  while (fd === undefined) {
    try {
      fd = openSync(path, 'wx');
    } catch (error) {
      // An unwritable temp folder leaves discovery unguarded rather than impossible.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') break;
      if (Date.now() > deadline) {
        rmSync(path, { force: true });
        deadline = Date.now() + staleMs;
      } else {
        Atomics.wait(sleeper, 0, 0, RETRY_MS);
      }
    }
  }
  try {
    return work();
  } finally {
    if (fd !== undefined) {
      closeSync(fd);
      rmSync(path, { force: true });
    }
  }
}
