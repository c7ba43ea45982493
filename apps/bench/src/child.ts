/**
 * The child side of a cell: receive one request over IPC (a model cell or an OCR pipeline cell),
 * measure, send the CellResult, exit. The exit is explicit because ORT-web's thread pool keeps the event
 * loop alive.
 */
import type { AnyCellRequest, CellResult } from './protocol.js';

async function measure(request: AnyCellRequest): Promise<CellResult> {
  if (request.kind === 'ocr') return (await import('./ocr-cell.js')).measureOcrCell(request);
  return (await import('./cell.js')).measureCell(request);
}

export function serveOneCell(): void {
  process.once('message', (request: AnyCellRequest) => {
    measure(request)
      .catch(
        (error: unknown): CellResult => ({
          status: 'failed',
          reason: error instanceof Error ? error.message : String(error),
        }),
      )
      .then((result) => process.send?.(result, () => process.exit(0)));
  });
}
