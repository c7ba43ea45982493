/**
 * `lastmile inspect <model>`: the graph summary, then for each backend which nodes it would take and why
 * it declines the others, and with several backends the plan the partitioner makes over all of them.
 */
import {
  BackendUnavailableError,
  DEFAULT_MIN_PARTITION_NODES,
  type Model,
  type NodeAssignment,
  type PartitionSummary,
  Session,
} from '@lastmile/core';
import { type Coverage, backendCoverage } from './backend-coverage.js';
import { type CommandContext, packageSearch, parseBackendList, partitionOption, sessionOptions } from './context.js';
import { toJson } from './json-output.js';
import { UsageError } from './exit-codes.js';
import { knownBackends } from './installed-backends.js';
import { loadModelFile } from './model-file.js';
import { type ModelSummary, formatModelSummary, summarizeModel } from './model-summary.js';
import { concreteShape, parseShapeOptions } from './shape-options.js';
import { formatDims, oneLine } from './text.js';

/** Options of `lastmile inspect`, as commander parses them. */
export interface InspectOptions {
  backends?: string;
  shape: string[];
  minPartitionNodes?: string;
}

/** The --json result of `lastmile inspect`. */
export interface InspectResult extends ModelSummary {
  model: string;
  /** The input shapes the backends were asked about; null when symbolic dims had no --shape. */
  shapes: Record<string, number[]> | null;
  backends: Coverage[];
  /**
   * The partitions over the available backends of --backends in their order, when there are several,
   * with the nodes moved off islands smaller than `minPartitionNodes`.
   */
  plan?: { backends: string[]; minPartitionNodes: number; partitions: PartitionSummary[]; moved: NodeAssignment[] };
}

export async function inspectCommand(modelPath: string, options: InspectOptions, ctx: CommandContext): Promise<void> {
  const explicit = options.backends !== undefined;
  const partitioning = partitionOption(options.minPartitionNodes);
  const specs = options.backends !== undefined ? parseBackendList(options.backends) : installedSpecs(ctx);
  const model = await loadModelFile(modelPath, ctx);
  const shapes = inputShapes(model, parseShapeOptions(options.shape, model.graph.inputs), ctx);
  const result: InspectResult = { model: modelPath, ...summarizeModel(model), shapes, backends: [] };
  if (shapes !== null) {
    const base = sessionOptions(ctx);
    for (const spec of specs) result.backends.push(await backendCoverage(model, spec, shapes, base));
    const usable = result.backends.filter((c) => c.available);
    if (explicit && usable.length === 0) {
      const failures = result.backends.map((c) => ({ backend: c.backend, reason: c.reason ?? 'not available' }));
      throw new BackendUnavailableError(
        `no usable backend:\n${failures.map((f) => `  ${f.backend}: ${f.reason}`).join('\n')}`,
        { failures },
      );
    }
    // The plan needs a priority order, which only an explicit --backends gives.
    if (explicit && usable.length > 1)
      result.plan = await planOver(
        model,
        usable.map((c) => c.backend),
        shapes,
        partitioning,
        ctx,
      );
  }
  ctx.out(ctx.json ? toJson(result) : formatInspect(result));
}

/** Every installed backend the project knows, when --backends is not given. */
function installedSpecs(ctx: CommandContext): string[] {
  const specs = knownBackends(packageSearch(ctx))
    .filter((b) => b.installed !== undefined)
    .map((b) => b.spec);
  if (specs.length === 0)
    throw new UsageError(
      'no backend is installed in the project; install one (e.g. @lastmile/backend-reference) or name one with --backends',
    );
  return specs;
}

/** Shapes for every input, or null (with a notice) when a symbolic dim has no --shape. */
function inputShapes(
  model: Model,
  given: ReadonlyMap<string, number[]>,
  ctx: CommandContext,
): Record<string, number[]> | null {
  const shapes: Record<string, number[]> = {};
  for (const info of model.graph.inputs) {
    try {
      shapes[info.name] = concreteShape(info, given, ctx.notice);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      ctx.notice(`${error.message}; the backends are not asked until then`);
      return null;
    }
  }
  return shapes;
}

async function planOver(
  model: Model,
  backends: string[],
  shapes: Record<string, number[]>,
  partitioning: ReturnType<typeof partitionOption>,
  ctx: CommandContext,
): Promise<InspectResult['plan']> {
  const session = await Session.init(model, sessionOptions(ctx, { backends, ...partitioning }));
  try {
    await session.prepare(shapes);
    const moved = (session.assignment?.nodes ?? []).filter((n) => n.movedFrom !== undefined);
    return {
      backends,
      minPartitionNodes: partitioning.minPartitionNodes ?? DEFAULT_MIN_PARTITION_NODES,
      partitions: [...session.partitions],
      moved,
    };
  } finally {
    await session.destroy();
  }
}

const MAX_NODES_NAMED = 3;

function formatCoverage(c: Coverage): string[] {
  if (!c.available) return [`backend ${c.backend}: unavailable: ${oneLine(c.reason ?? 'not available')}`];
  const device = c.probe ? ` (${c.probe.kind === 'simulator' ? 'SIMULATED' : c.probe.kind}: ${c.probe.device})` : '';
  const declined = c.declined ?? [];
  const lines = [
    `backend ${c.backend}${device}`,
    `  takes ${c.taken} of ${c.nodeCount} nodes${declined.length ? `; declines ${declined.length}:` : ''}`,
  ];
  // Grouped by op and reason: a model with 50 Resize nodes gets one line, not 50.
  const groups = new Map<string, string[]>();
  for (const d of declined) {
    const key = `${d.op}\u0000${d.reason}`;
    groups.set(key, [...(groups.get(key) ?? []), d.node]);
  }
  for (const [key, nodes] of groups) {
    const [op, reason] = key.split('\u0000');
    const named =
      nodes.slice(0, MAX_NODES_NAMED).join(', ') +
      (nodes.length > MAX_NODES_NAMED ? `, +${nodes.length - MAX_NODES_NAMED} more` : '');
    lines.push(`    ${op} x${nodes.length} (${named}): ${reason}`);
  }
  return lines;
}

function formatInspect(r: InspectResult): string {
  const lines = [formatModelSummary(r.model, r)];
  if (r.shapes !== null) {
    lines.push(
      `shapes        ${Object.entries(r.shapes)
        .map(([name, dims]) => `${name}=${formatDims(dims)}`)
        .join(', ')}`,
      '',
    );
    for (const c of r.backends) lines.push(...formatCoverage(c));
  }
  if (r.plan) {
    const rule = `first that takes a node runs it; pieces under ${r.plan.minPartitionNodes} nodes move to a neighbour's backend`;
    lines.push('', `plan over ${r.plan.backends.join(', ')} (${rule}):`);
    for (const p of r.plan.partitions)
      lines.push(`  partition ${p.id}: ${p.backend}, ${p.nodeCount} node${p.nodeCount === 1 ? '' : 's'}`);
    for (const n of r.plan.moved)
      lines.push(`  moved ${n.node} (${n.op}) from ${n.movedFrom?.backend} to ${n.backend}: ${n.movedFrom?.reason}`);
  }
  return lines.join('\n');
}
