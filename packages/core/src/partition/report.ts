/**
 * The assignment report: which backend runs each node, why the others declined, and the partitions that
 * resulted. It is plain data (the CLI prints it, tests assert on it); {@link formatAssignment} renders it.
 */

/** One backend's refusal of a node. */
export interface Refusal {
  backend: string;
  reason: string;
}

/** Where one node runs. */
export interface NodeAssignment {
  node: string;
  op: string;
  backend: string;
  /** The backends earlier in the priority list that declined it, with their reasons. */
  declinedBy: Refusal[];
  /**
   * Set when the node left the first backend that takes it: that backend, and why (it was part of a
   * partition too small to pay for its boundaries; see `PartitionOptions.minPartitionNodes`).
   */
  movedFrom?: { backend: string; reason: string };
}

/** One partition of the plan. */
export interface PartitionSummary {
  id: number;
  backend: string;
  nodeCount: number;
  nodes: string[];
  /** Values it takes from graph inputs or earlier partitions. */
  inputs: string[];
  /** Values later partitions or the caller need from it. */
  outputs: string[];
  /** What its backend's review expects it to cost per run, in ms, when the backend said. */
  costMs?: number;
}

/** The full assignment of a model. */
export interface AssignmentReport {
  nodes: NodeAssignment[];
  partitions: PartitionSummary[];
}

/** The report as aligned text: one line per node, then one per partition. */
export function formatAssignment(report: AssignmentReport): string {
  const nodeWidth = report.nodes.reduce((w, n) => Math.max(w, n.node.length), 4);
  const opWidth = report.nodes.reduce((w, n) => Math.max(w, n.op.length), 2);
  const lines = [`${'node'.padEnd(nodeWidth)}  ${'op'.padEnd(opWidth)}  backend`];
  for (const n of report.nodes) {
    const declined = n.declinedBy.length
      ? `  (declined by ${n.declinedBy.map((r) => `${r.backend}: ${r.reason}`).join('; ')})`
      : '';
    const moved = n.movedFrom ? `  (moved from ${n.movedFrom.backend}: ${n.movedFrom.reason})` : '';
    lines.push(`${n.node.padEnd(nodeWidth)}  ${n.op.padEnd(opWidth)}  ${n.backend}${declined}${moved}`);
  }
  lines.push('');
  for (const p of report.partitions) {
    lines.push(
      `partition ${p.id}: ${p.backend}, ${p.nodeCount} node${p.nodeCount === 1 ? '' : 's'}; inputs: ${p.inputs.join(', ') || '-'}; outputs: ${p.outputs.join(', ') || '-'}${p.costMs === undefined ? '' : `; expected ${p.costMs} ms (its backend's estimate)`}`,
    );
  }
  return lines.join('\n');
}
