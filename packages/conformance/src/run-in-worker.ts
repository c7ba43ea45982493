/**
 * Runs one WorkerTask in a fresh worker thread with a time limit. Hangs (the limit passes: the thread
 * is terminated), crashes (the thread exits or dies with an uncaught error) and thrown errors all come
 * back as a WorkerReply, never as an exception of the caller.
 */
import { Worker } from 'node:worker_threads';
import { ErrorCodes } from '@lastmile/core';
import type { WorkerReply, WorkerTask } from './worker-protocol.js';

/** The compiled worker script: beside this module in dist, or in dist when this runs from sources (tests). */
function workerScript(): URL {
  const fromSource = import.meta.url.endsWith('.ts');
  return new URL(fromSource ? '../dist/case-worker.js' : './case-worker.js', import.meta.url);
}

const TAIL = 2000;

/**
 * The parent's flags minus export conditions: the worker is compiled JavaScript, and a source condition
 * inherited from a test runner would point its imports at TypeScript files.
 */
function workerExecArgv(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--conditions' || argv[i] === '-C') i++;
    else if (!argv[i].startsWith('--conditions=')) out.push(argv[i]);
  }
  return out;
}

/** Runs `task` in its own thread; after `timeoutMs` the thread is terminated and a timeout reported. */
export function runInWorker(task: WorkerTask, timeoutMs: number): Promise<WorkerReply> {
  return new Promise((resolve) => {
    // Backends may print; their output is kept (the tail of stderr explains crashes), not mixed into ours.
    const worker = new Worker(workerScript(), {
      workerData: task,
      stdout: true,
      stderr: true,
      execArgv: workerExecArgv(),
    });
    let stderr = '';
    worker.stdout.resume();
    worker.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-TAIL);
    });
    let settled = false;
    const finish = (reply: WorkerReply) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(reply);
    };
    const timer = setTimeout(() => {
      finish({
        kind: 'error',
        error: {
          name: 'TimeoutError',
          code: ErrorCodes.Timeout,
          message: `the case did not finish within ${timeoutMs} ms and was stopped`,
          details: { limitMs: timeoutMs },
        },
      });
    }, timeoutMs);
    worker.on('message', (reply: WorkerReply) => finish(reply));
    worker.on('error', (error: Error) => {
      finish({
        kind: 'error',
        error: {
          name: 'BackendCrashedError',
          code: ErrorCodes.BackendCrashed,
          message: `the case worker died: ${error.message}`,
          details: { stderr },
        },
      });
    });
    worker.on('exit', (code) => {
      const tail = stderr.trim() ? ` (stderr: ${stderr.trim().slice(-300)})` : '';
      finish({
        kind: 'error',
        error: {
          name: 'BackendCrashedError',
          code: ErrorCodes.BackendCrashed,
          message: `the case worker exited with code ${code} before answering${tail}`,
          details: { exitCode: code, stderr },
        },
      });
    });
  });
}
