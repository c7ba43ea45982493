/**
 * The child side of a cell: receive one CellRequest over IPC, measure, send the CellResult, exit. The exit
 * is explicit because ORT-web's thread pool keeps the event loop alive.
 */
import { measureCell } from './cell.js';
import type { CellRequest, CellResult } from './protocol.js';

export function serveOneCell(): void {
  process.once('message', (request: CellRequest) => {
    measureCell(request)
      .catch((error: unknown): CellResult => ({ status: 'failed', reason: error instanceof Error ? error.message : String(error) }))
      .then((result) => process.send?.(result, () => process.exit(0)));
  });
}
