/**
 * The `--abort` check: a compile or run stopped before it starts, or while in flight, fails with
 * CancelledError (or finishes, when the backend was done first), and leaves the session usable: the next
 * run gives the same bits as a run that was never stopped.
 */
import { ErrorCodes, identicalTensors, isLastmileError, type Session, type Tensor } from '@lastmile/core';

const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/** Undefined when the stops behaved; else what went wrong. */
async function stopped(work: (signal: AbortSignal) => Promise<unknown>, what: string): Promise<string | undefined> {
  const before = new AbortController();
  before.abort();
  const early = await work(before.signal).then(
    () => 'it ran',
    (e: unknown) => e,
  );
  if (!isLastmileError(early, ErrorCodes.Cancelled))
    return `a ${what} with an aborted signal should fail with CancelledError, but ${early === 'it ran' ? early : describe(early)}`;
  const during = new AbortController();
  const running = work(during.signal);
  setImmediate(() => during.abort());
  const late = await running.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (late !== undefined && !isLastmileError(late, ErrorCodes.Cancelled))
    return `a ${what} aborted in flight should fail with CancelledError or finish, but ${describe(late)}`;
  return undefined;
}

/**
 * Stops a prepare of `fresh` (a session of the case's model not yet prepared) and runs of `session`
 * (already run on `feeds`, giving `want`), then checks both still give `want`.
 */
export async function checkAborts(
  session: Session,
  fresh: Session | undefined,
  feeds: Record<string, Tensor>,
  want: readonly Tensor[],
): Promise<string | undefined> {
  const shapes = Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, [...t.dims]]));
  const problem =
    (fresh && (await stopped((signal) => fresh.prepare(shapes, { signal }), 'prepare'))) ??
    (await stopped((signal) => session.run(feeds, { signal }), 'run'));
  if (problem !== undefined) return problem;
  for (const s of fresh ? [session, fresh] : [session]) {
    const again = await s.run(feeds);
    for (const [k, o] of s.outputs.entries())
      if (!identicalTensors(again[o.name], want[k]))
        return `after stopped ${s === fresh ? 'prepares' : 'runs'}, output '${o.name}' differs from an unstopped run's`;
  }
  return undefined;
}
