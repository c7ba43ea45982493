/**
 * Which nodes one backend would take, and why it declines the others: a session on that backend with the
 * reference backend behind it to catch what it declines, prepared for the given shapes, so the answer is
 * the real partitioner's on the real optimized graph.
 */
import { backend as referenceBackend } from '@lastmile/backend-reference';
import {
  type AssignmentReport,
  type Backend,
  type Model,
  type ProbeResult,
  Session,
  type SessionOptions,
} from '@lastmile/core';

/** A node a backend declines. */
export interface Declined {
  node: string;
  op: string;
  reason: string;
}

/** One backend's answer for a model. */
export interface Coverage {
  backend: string;
  available: boolean;
  /** Why it cannot be used, when it cannot. */
  reason?: string;
  probe?: ProbeResult;
  /** Nodes of the prepared graph (after optimization and constant folding). */
  nodeCount?: number;
  taken?: number;
  declined?: Declined[];
}

/** The coverage of `spec` on `model` prepared for `shapes`. */
export async function backendCoverage(
  model: Model,
  spec: string,
  shapes: Record<string, number[]>,
  base: SessionOptions,
): Promise<Coverage> {
  let skipped: string | undefined;
  let probe: ProbeResult | undefined;
  const alone = spec === referenceBackend.name;
  const options: SessionOptions = {
    ...base,
    // Only the backend under study may fail to load; the reference catch-all is passed as an object.
    backends: alone ? [spec] : [spec, referenceBackend],
    // Every node the backend takes stays on it: coverage is what it takes, not the plan's island moves.
    minPartitionNodes: 1,
    onEvent: (event) => {
      if (event.type === 'backend-skipped') skipped = event.reason;
      // The studied backend is probed first.
      if (event.type === 'backend-selected' && probe === undefined) probe = event.probe;
    },
  };
  let session: Session;
  try {
    session = await Session.init(model, options);
  } catch (error) {
    // Only reachable when the reference itself was asked for and could not load.
    if (skipped !== undefined) return { backend: spec, available: false, reason: skipped };
    throw error;
  }
  try {
    const studied: Backend | undefined = alone || session.backends.length > 1 ? session.backends[0] : undefined;
    if (studied === undefined) return { backend: spec, available: false, reason: skipped ?? 'not available' };
    await session.prepare(shapes);
    const report = session.assignment as AssignmentReport;
    const declined = report.nodes
      .filter((n) => n.backend !== studied.name)
      .map((n) => ({
        node: n.node,
        op: n.op,
        reason: n.declinedBy.find((r) => r.backend === studied.name)?.reason ?? 'not supported',
      }));
    return {
      backend: studied.name,
      available: true,
      ...(probe ? { probe } : {}),
      nodeCount: report.nodes.length,
      taken: report.nodes.length - declined.length,
      declined,
    };
  } finally {
    await session.destroy();
  }
}
