/**
 * The `--contexts` check, for a backend with a device context (`open`): the case's model runs again cut
 * into several partitions of the backend (the middle node of its largest piece given to the reference
 * backend), and the session must open the context once for all of them, close it once when destroyed,
 * and give the uncut run's outputs within the case's tolerance. Values between two of its partitions
 * may stay on the device; `session.boundaries` says how many did.
 */
import {
  type Backend,
  type BackendSpec,
  type DeviceContext,
  type Model,
  type PieceReview,
  type Precision,
  Session,
  type Tensor,
} from '@lastmile/core';
import { compareTensors, type Tolerance, toleranceFor } from './compare.js';

export interface ContextCheck {
  model: Model;
  /** The backend under test, resolved. */
  backend: Backend;
  feeds: Record<string, Tensor>;
  /** The uncut run's outputs on `feeds`, in the model's output order. */
  want: readonly Tensor[];
  declared: Partial<Tolerance>;
  precision?: Precision;
  /** Where the reference backend is found. */
  search: { projectRoot: string; resolveFrom: string[] };
}

const REASON = 'cut by the conformance kit to check context sharing';

/** The backend, with one cut in the first plan it reviews and a count of the contexts it opens and closes. */
function cutting(backend: Backend) {
  const counts = { opens: 0, closes: 0 };
  let cut = false;
  const open = backend.open?.bind(backend);
  const wrapped: Backend = {
    ...backend,
    review(pieces, context) {
      const own: readonly PieceReview[] = backend.review?.(pieces, context) ?? pieces.map(() => ({}));
      if (cut) return own;
      cut = true;
      const largest = pieces.reduce((best, p, i) => (p.nodes.length > pieces[best].nodes.length ? i : best), 0);
      const piece = pieces[largest];
      if (piece === undefined || piece.nodes.length < 3 || own[largest]?.decline !== undefined) return own;
      const middle = piece.nodes[Math.floor(piece.nodes.length / 2)].name;
      return own.map((r, i) => (i === largest ? { ...r, decline: { nodes: [middle], reason: REASON } } : r));
    },
    ...(open && {
      async open(options) {
        const context: DeviceContext = await open(options);
        counts.opens++;
        const close = context.close.bind(context);
        // Counted in place: backends know their contexts by identity.
        (context as { close: DeviceContext['close'] }).close = () => {
          counts.closes++;
          return close();
        };
        return context;
      },
    }),
  };
  return { wrapped, counts };
}

/** Undefined when the backend shared its context as it must (or has none, or the model has nothing to cut). */
export async function checkContexts(check: ContextCheck): Promise<string | undefined> {
  if (typeof check.backend.open !== 'function') return undefined;
  const { wrapped, counts } = cutting(check.backend);
  const backends: BackendSpec[] = [wrapped, 'reference'];
  let session: Session | undefined = await Session.init(check.model, {
    backends,
    fallback: true,
    optimization: 'none',
    minPartitionNodes: 1,
    ...check.search,
    ...(check.precision !== undefined ? { precision: check.precision } : {}),
  });
  try {
    const got = await session.run(check.feeds);
    const own = session.partitions.filter((p) => p.backend === check.backend.name).length;
    if (own < 2) return undefined;
    if (counts.opens !== 1)
      return `the case cut into ${own} partitions of '${check.backend.name}' opened ${counts.opens} contexts, not 1`;
    for (const [k, info] of session.outputs.entries()) {
      const want = check.want[k];
      const c = compareTensors(
        got[info.name],
        want,
        toleranceFor(want.type, check.declared, check.precision),
        info.name,
      );
      if (!c.ok) return `cut into ${own} partitions of '${check.backend.name}': ${c.message}`;
    }
    await session.destroy();
    session = undefined;
    if (counts.closes !== 1) return `destroying the session closed its context ${counts.closes} times, not once`;
    return undefined;
  } finally {
    await session?.destroy();
  }
}
