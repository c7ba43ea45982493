/**
 * Progress bars, drawn on stderr only when stderr is a terminal: pipes, CI logs and --json runs stay clean.
 */
import type { SessionEvent } from '@lastmile/core';
import { Presets, SingleBar } from 'cli-progress';
import type { CommandContext } from './context.js';

/** A started bar; a no-op when stderr is not a terminal. */
export interface Progress {
  tick(): void;
  stop(): void;
}

const NONE: Progress = { tick: () => undefined, stop: () => undefined };

/** A bar of `total` steps labelled `label`. */
export function startProgress(label: string, total: number): Progress {
  if (!process.stderr.isTTY || total <= 0) return NONE;
  const bar = new SingleBar(
    { stream: process.stderr, format: `${label} [{bar}] {value}/{total}`, clearOnComplete: true, hideCursor: true },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return {
    tick: () => bar.increment(),
    stop: () => bar.stop(),
  };
}

/** Shows a session's compilation: a bar over its partitions, and with --verbose a notice per partition. */
export function compileProgress(ctx: CommandContext): { onEvent: (event: SessionEvent) => void; stop(): void } {
  let bar: Progress = NONE;
  let total = 0;
  return {
    onEvent(event) {
      if (event.type === 'partitioned') {
        bar.stop();
        total = event.report.partitions.length;
        bar = startProgress('compiling', total);
      } else if (event.type === 'compiled') {
        bar.tick();
        if (ctx.verbose) {
          const nodes = `${event.nodeCount} node${event.nodeCount === 1 ? '' : 's'}`;
          ctx.notice(
            `compiled partition ${event.partition + 1}/${total} on ${event.backend} (${nodes}) in ${event.ms.toFixed(0)} ms`,
          );
        }
      }
    },
    stop: () => bar.stop(),
  };
}
