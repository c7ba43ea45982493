/**
 * The one backend-vs-reference harness every backend's tests use: a one-node case run on the backend
 * through a session (fallback off and no graph optimization, so the backend gets the node as written,
 * and the session converts at its boundary as in deployment) against core's reference kernel.
 */
import { type Backend, type Precision, Session } from '@lastmile/core';
import { expectClose } from './close.js';
import { caseFeeds, type OpCase, runReference, singleNodeModel } from './one-node.js';

/** Options of {@link expectBackendMatchesReference}. */
export interface BackendCheckOptions {
  precision?: Precision;
  /** Default 1e-4 (fp16: 1e-2). */
  rtol?: number;
  /** Default 1e-5 (fp16: 1e-2). */
  atol?: number;
}

/** Runs `c` on `backend` and asserts every output is close to the reference's. */
export async function expectBackendMatchesReference(
  backend: Backend,
  c: OpCase,
  options: BackendCheckOptions = {},
): Promise<void> {
  const half = options.precision === 'fp16';
  const model = singleNodeModel(c);
  const session = await Session.init(model, {
    backends: [backend],
    fallback: false,
    optimization: 'none',
    ...(options.precision ? { precision: options.precision } : {}),
  });
  try {
    const got = await session.run(caseFeeds(c));
    const want = runReference(c);
    model.graph.outputs.forEach((o, i) =>
      expectClose(
        got[o.name],
        want[i],
        options.rtol ?? (half ? 1e-2 : 1e-4),
        options.atol ?? (half ? 1e-2 : 1e-5),
        `${c.op} ${o.name}`,
      ),
    );
  } finally {
    await session.destroy();
  }
}
