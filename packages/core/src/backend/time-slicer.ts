/**
 * Cooperative stopping for work that runs on the calling thread (an interpreter, a wasm run loop). A
 * cancelled or timed-out run is told through its AbortSignal, but the abort is itself an event: it can
 * only fire while the work lets the event loop run. The work asks `due()` between its steps, cheaply,
 * and `pause()`s once it has held the thread for a slice; the pause lets timers and I/O run and then
 * throws the signal's reason if the run was stopped meanwhile.
 */
import { setImmediate } from 'node:timers/promises';

export class TimeSlicer {
  readonly #signal: AbortSignal | undefined;
  readonly #sliceMs: number;
  #since = performance.now();

  /** `sliceMs`: how long the work may hold the thread between pauses (10 ms: timers stay punctual). */
  constructor(signal?: AbortSignal, sliceMs = 10) {
    this.#signal = signal;
    this.#sliceMs = sliceMs;
    signal?.throwIfAborted();
  }

  /** True when the work has held the thread for a slice. */
  due(): boolean {
    return performance.now() - this.#since >= this.#sliceMs;
  }

  /** Lets the event loop run, then throws the signal's reason if the work was stopped. */
  async pause(): Promise<void> {
    await setImmediate();
    this.#since = performance.now();
    this.#signal?.throwIfAborted();
  }
}
