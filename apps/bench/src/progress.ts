/**
 * Progress of a bench run: a bar on a terminal, a line per cell when output is piped, nothing in CI.
 */
import { SingleBar } from 'cli-progress';
import type { ProgressEvent } from './orchestrate.js';

export interface ProgressOptions {
  stream: NodeJS.WriteStream;
  ci: boolean;
}

export interface Progress {
  onProgress(event: ProgressEvent): void;
  stop(): void;
}

export function createProgress({ stream, ci }: ProgressOptions): Progress {
  if (ci) return { onProgress: () => undefined, stop: () => undefined };
  if (!stream.isTTY) {
    return {
      onProgress(event) {
        if (event.type === 'preparing') stream.write(`preparing ${event.model}\n`);
        if (event.type === 'cell-done')
          stream.write(
            `[${event.done}/${event.total}] pass ${event.pass + 1} ${event.model} ${event.contestant}: ${event.status}\n`,
          );
      },
      stop: () => undefined,
    };
  }
  const bar = new SingleBar({
    stream,
    format: 'bench [{bar}] {value}/{total} cells | {cell}',
    hideCursor: true,
    clearOnComplete: true,
  });
  let started = false;
  return {
    onProgress(event) {
      if (event.type === 'preparing') return;
      if (!started) {
        bar.start(event.total, event.done, { cell: '' });
        started = true;
      }
      bar.setTotal(event.total);
      bar.update(event.done, {
        cell: event.type === 'cell' ? `pass ${event.pass + 1}: ${event.model} on ${event.contestant}` : '',
      });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
