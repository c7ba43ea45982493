/**
 * Progress bars, drawn on stderr only when stderr is a terminal: pipes, CI logs and --json runs stay clean.
 */
import { Presets, SingleBar } from 'cli-progress';

/** A started bar; a no-op when stderr is not a terminal. */
export interface Progress {
  tick(): void;
  stop(): void;
}

const NONE: Progress = { tick: () => undefined, stop: () => undefined };

/** A bar of `total` steps labelled `label`. */
export function startProgress(label: string, total: number): Progress {
  if (!process.stderr.isTTY || total <= 0) return NONE;
  const bar = new SingleBar({ stream: process.stderr, format: `${label} [{bar}] {value}/{total}`, clearOnComplete: true, hideCursor: true }, Presets.shades_classic);
  bar.start(total, 0);
  return {
    tick: () => bar.increment(),
    stop: () => bar.stop(),
  };
}
