/**
 * The parent side of a cell: fork the bench entry in cell mode, send the request, wait for the result.
 * A child that crashes or outlives its timeout becomes a failed cell, with the end of its stderr as reason.
 */
import { fork } from 'node:child_process';
import type { AnyCellRequest, CellResult } from './protocol.js';

/** The flag that puts the entry script into cell mode. */
export const CELL_FLAG = '--cell';

const STDERR_TAIL = 2000;

export function spawnCell(entry: string, request: AnyCellRequest, timeoutMs: number): Promise<CellResult> {
  return new Promise((resolve) => {
    // No inherited execArgv: a test runner's loader flags must not reach the measured process.
    const child = fork(entry, [CELL_FLAG], {
      execArgv: [],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    let stderr = '';
    let result: CellResult | undefined;
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL);
    });
    const timer = setTimeout(() => {
      result ??= {
        status: 'failed',
        reason: `the cell's process ran past ${Math.round(timeoutMs / 1000)} s and was stopped`,
      };
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('message', (message: CellResult) => {
      result ??= message;
    });
    child.on('error', (error) => {
      result ??= { status: 'failed', reason: `could not start the cell's process: ${error.message}` };
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const tail = stderr.trim().split('\n').slice(-3).join(' | ');
      resolve(
        result ?? {
          status: 'failed',
          reason: `the cell's process exited (${signal ?? `code ${code}`}) without a result${tail ? `: ${tail}` : ''}`,
        },
      );
    });
    child.send(request);
  });
}
