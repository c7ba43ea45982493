/**
 * How a long operation (a run, a prepare, an init) is stopped: by its caller's AbortSignal, with
 * CancelledError, or at its deadline, with TimeoutError. Timers cannot fire while synchronous work holds
 * the thread, so the work calls `checkpoint()` between its stages: that lets the event loop run (the
 * caller's timers, I/O, other sessions) and then throws if the operation has been stopped.
 */
import { setImmediate } from 'node:timers/promises';
import { CancelledError, InputError, TimeoutError, isLastmileError } from '../errors.js';

/** The caller's side: what may stop an operation. */
export interface StopOptions {
  /** Cancels the operation with CancelledError (or with the signal's reason, when that is a lastmile error). */
  signal?: AbortSignal;
  /** The time (as `Date.now()`) by which the operation must be done; past it, TimeoutError. */
  deadline?: number;
}

/** One operation's stop. */
export interface Stopper {
  /** Aborts with the stop's error: hand it to the work (executables, backends) so it can stop early. */
  readonly signal: AbortSignal;
  readonly deadline: number | undefined;
  /** Rejects with the stop's error when the operation is stopped. */
  readonly stopped: Promise<never>;
  /** Throws the stop's error if the operation is stopped or past its deadline. */
  check(): void;
  /** Lets the event loop run, then checks. */
  checkpoint(): Promise<void>;
  /** Drops the timer and the listener once the operation is over. */
  release(): void;
}

/** A stopper for `what` ('run', 'prepare'...), after checking the caller's options. */
export function createStopper(what: string, options: StopOptions): Stopper {
  const { signal, deadline } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal))
    throw new InputError(`${what} options: signal must be an AbortSignal`, { got: typeof signal });
  if (deadline !== undefined && !Number.isFinite(deadline))
    throw new InputError(`${what} options: deadline must be a time in ms (as Date.now()), got ${deadline}`, {
      got: deadline,
    });
  const controller = new AbortController();
  const cancel = () =>
    controller.abort(
      isLastmileError(signal?.reason)
        ? signal.reason
        : new CancelledError(`the ${what} was cancelled by its AbortSignal`, { reason: String(signal?.reason) }),
    );
  const expire = () =>
    controller.abort(new TimeoutError(`the ${what} passed its deadline (${deadline})`, { deadline }));
  let timer: NodeJS.Timeout | undefined;
  if (signal?.aborted) cancel();
  else if (deadline !== undefined && deadline <= Date.now()) expire();
  else {
    signal?.addEventListener('abort', cancel, { once: true });
    if (deadline !== undefined) timer = setTimeout(expire, deadline - Date.now());
  }
  const stopped = new Promise<never>((_, reject) => {
    if (controller.signal.aborted) reject(controller.signal.reason);
    else controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
  });
  stopped.catch(() => undefined);
  const release = () => {
    clearTimeout(timer);
    signal?.removeEventListener('abort', cancel);
  };
  const check = () => {
    if (!controller.signal.aborted && deadline !== undefined && Date.now() >= deadline) expire();
    controller.signal.throwIfAborted();
  };
  return {
    signal: controller.signal,
    deadline,
    stopped,
    check,
    async checkpoint() {
      await setImmediate();
      check();
    },
    release,
  };
}

/** The earlier of two deadlines, either of which may be absent. */
export function earlierDeadline(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}
