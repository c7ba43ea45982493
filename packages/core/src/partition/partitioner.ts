/**
 * The partitioner: each node goes to the first backend (by priority) that supports it, and nodes are cut
 * into partitions with Kahn's algorithm, extending the current partition with any ready node of its
 * backend and starting a new one only when none is ready. Every partition then only depends on earlier
 * ones, so the partitions are acyclic and run in a linear order by construction. Partitions too small to
 * pay for their boundaries then move to a later backend beside them (see `moveIslands`), and backends
 * with a graph-level say (`Backend.review`) give back the pieces they cannot take; then the graph is cut
 * again, until every backend keeps what it has.
 */
import type { Backend, Partition, PieceReview, Support, SupportContext } from '../backend/contract.js';
import { BackendError, GraphError, InputError, UnsupportedOpError } from '../errors.js';
import type { Graph, Model, Node, ValueInfo } from '../ir/graph.js';
import { nodeReads } from '../ir/validate.js';
import type { Tensor } from '../tensor.js';
import type { AssignmentReport, NodeAssignment, Refusal } from './report.js';
import { ModelView } from '../ir/model-view.js';

/** How nodes may be spread over the backends. */
export interface PartitionOptions {
  /** When false, only the first backend may run nodes; default true. */
  fallback?: boolean;
  /**
   * The fewest nodes a partition must have to stay on its backend when the graph is cut into several
   * (default 4). A smaller partition whose nodes all run on the later backend of a neighbouring partition
   * moves there, and the report says so in `movedFrom`. 1 keeps every node on the first backend that
   * takes it.
   */
  minPartitionNodes?: number;
}

/**
 * Measured on PP-OCR det with cpu-neon behind a backend that declines ConvTranspose: first-fit cuts 5
 * partitions, and 3 still leaves the 3 elementwise nodes between the two ConvTranspose (Add,
 * BatchNormalization, Relu) as an island with two full-resolution boundaries; 4 makes it 2 partitions,
 * and at 1x3x320x320 the 5-partition plan ran about twice as long as the 2-partition one with the same
 * kernels on both sides. Anything from 4 to 8 gives the same plans there with Resize declined too (its
 * 9-node pieces stay), so 4 is the smallest value that removes those islands.
 */
export const DEFAULT_MIN_PARTITION_NODES = 4;

/** A partition with the backend that will compile it and its boundary. */
export interface PlannedPartition extends Partition {
  backend: Backend;
  nodes: Node[];
  /** Runtime inputs of the partition model (graph inputs or earlier partitions' outputs). */
  inputs: string[];
  outputs: string[];
}

/** The partitions in run order, and the report of who runs what. */
export interface PartitionPlan {
  partitions: PlannedPartition[];
  report: AssignmentReport;
}

/** A node's name for reports: its own, or op and position when the model left it empty. */
export function nodeLabel(node: Node, index: number): string {
  return node.name || `${node.opType}#${index}`;
}

/** Splits a validated, shape-inferred model over `backends` (in priority order). */
export function partitionModel(
  model: Model,
  backends: readonly Backend[],
  options: PartitionOptions = {},
): PartitionPlan {
  if (backends.length === 0) throw new UnsupportedOpError('no backend to partition the model over', { backends: [] });
  const minNodes = options.minPartitionNodes ?? DEFAULT_MIN_PARTITION_NODES;
  if (!Number.isInteger(minNodes) || minNodes < 1) {
    throw new InputError(`minPartitionNodes must be a positive integer, got ${minNodes}`, {
      option: 'minPartitionNodes',
      got: minNodes,
    });
  }
  const candidates = options.fallback === false ? backends.slice(0, 1) : backends;
  const types = new ModelView(model);
  const answers = askEveryBackend(model, types, candidates, options.fallback !== false);
  const edges = graphEdges(model.graph);
  const labels = answers.map((a) => a.label);
  for (;;) {
    const takes = (node: number, backend: number) => answers[node].takenBy.includes(backend);
    const placed = moveIslands(
      edges,
      answers.map((a) => a.takenBy[0]),
      takes,
      minNodes,
      candidates.map((b) => b.name),
    );
    const order = placed.order;
    const usedBy = partitionsUsingEachValue(model.graph, order);
    const partitions = order.map((indices, id) =>
      buildPartition(model, types, id, indices, candidates[placed.backendOf[indices[0]]], usedBy),
    );
    const reviews = reviewPieces(types, candidates, partitions);
    if (!giveBack(reviews, partitions, answers, candidates, model))
      return planOf(model, partitions, placed, answers, candidates, labels, reviews);
  }
}

/** The plan once no backend gives anything back: the partitions and the report. */
function planOf(
  model: Model,
  partitions: PlannedPartition[],
  placed: { backendOf: number[]; order: number[][]; moves: Move[][] },
  answers: readonly Answers[],
  candidates: readonly Backend[],
  labels: readonly string[],
  reviews: readonly (PieceReview | undefined)[],
): PartitionPlan {
  const order = placed.order;
  return {
    partitions,
    report: {
      nodes: model.graph.nodes.map((node, i): NodeAssignment => {
        const backend = placed.backendOf[i];
        const declinedBy = answers[i].refusals.filter((r) => r.index < backend).map((r) => r.refusal);
        const moves = placed.moves[i];
        const report: NodeAssignment = {
          node: labels[i],
          op: node.opType,
          backend: candidates[backend].name,
          declinedBy,
        };
        if (moves.length > 0) {
          const reason = moves.map((m, k) => (k === 0 ? m.reason : `then on ${m.from}, ${m.reason}`)).join('; ');
          report.movedFrom = { backend: moves[0].from, reason };
        }
        return report;
      }),
      partitions: partitions.map((p) => {
        const costMs = reviews[p.id]?.costMs;
        return {
          id: p.id,
          backend: p.backend.name,
          nodeCount: p.nodes.length,
          nodes: order[p.id].map((i) => labels[i]),
          inputs: p.inputs,
          outputs: p.outputs,
          ...(typeof costMs === 'number' && Number.isFinite(costMs) ? { costMs } : {}),
        };
      }),
    },
  };
}

/** Each backend's review of the pieces planned for it (undefined where it has no `review`), by partition id. */
function reviewPieces(
  types: ModelView,
  candidates: readonly Backend[],
  partitions: readonly PlannedPartition[],
): (PieceReview | undefined)[] {
  const reviews: (PieceReview | undefined)[] = partitions.map(() => undefined);
  const context = { valueType: types.valueType, constant: types.constant };
  for (const backend of candidates) {
    if (typeof backend.review !== 'function') continue;
    const mine = partitions.filter((p) => p.backend === backend);
    if (mine.length === 0) continue;
    let answer: unknown;
    try {
      answer = backend.review(
        mine.map((p) => ({ nodes: p.nodes, inputs: p.inputs, outputs: p.outputs })),
        context,
      );
    } catch (error) {
      throw new BackendError(
        `backend '${backend.name}' failed to review its pieces: ${error instanceof Error ? error.message : String(error)}`,
        { backend: backend.name },
        { cause: error },
      );
    }
    if (!Array.isArray(answer) || answer.length !== mine.length)
      throw new BackendError(
        `backend '${backend.name}' reviewed ${mine.length} pieces but answered ${Array.isArray(answer) ? answer.length : 'no list'}`,
        { backend: backend.name, expected: mine.length },
      );
    mine.forEach((p, k) => (reviews[p.id] = (answer as (PieceReview | undefined)[])[k]));
  }
  return reviews;
}

/**
 * Takes the nodes the reviews give back off their backends (recording the reason as a refusal); false
 * when nothing was given back. A node no backend is left to take is an UnsupportedOpError.
 */
function giveBack(
  reviews: readonly (PieceReview | undefined)[],
  partitions: readonly PlannedPartition[],
  answers: Answers[],
  candidates: readonly Backend[],
  model: Model,
): boolean {
  const indexOf = new Map(model.graph.nodes.map((node, i) => [node, i]));
  let changed = false;
  partitions.forEach((p, id) => {
    const decline = reviews[id]?.decline;
    if (decline === undefined) return;
    const names = decline.nodes === undefined ? undefined : new Set(decline.nodes);
    const backend = candidates.indexOf(p.backend);
    for (const node of p.nodes) {
      if (names !== undefined && !names.has(node.name)) continue;
      const answer = answers[indexOf.get(node) as number];
      answer.takenBy = answer.takenBy.filter((b) => b !== backend);
      answer.refusals.push({ index: backend, refusal: { backend: p.backend.name, reason: String(decline.reason) } });
      changed = true;
      if (answer.takenBy.length === 0)
        throw new UnsupportedOpError(
          `${answer.label} (${node.opType}) was given back by '${p.backend.name}' (${decline.reason}) and no later backend supports it`,
          {
            node: answer.label,
            op: node.opType,
            backends: candidates.map((b) => b.name),
            reasons: answer.refusals.map((r) => r.refusal),
          },
        );
    }
  });
  return changed;
}

/** What the candidate backends said of one node. */
interface Answers {
  label: string;
  /** The candidates (by index, in priority order) that take it; never empty. */
  takenBy: number[];
  refusals: { index: number; refusal: Refusal }[];
}

/** Every candidate's answer for every node: a node taken by one backend may still move to a later one. */
function askEveryBackend(model: Model, types: ModelView, candidates: readonly Backend[], fallback: boolean): Answers[] {
  const answers: Answers[] = [];
  const unsupported: { node: string; op: string; domain: string; opset: number; reasons: Refusal[] }[] = [];
  model.graph.nodes.forEach((node, index) => {
    const context = types.supportContext(node.domain);
    const label = nodeLabel(node, index);
    const takenBy: number[] = [];
    const refusals: Answers['refusals'] = [];
    candidates.forEach((backend, i) => {
      const answer = askSupport(backend, node, context);
      if (answer.supported) takenBy.push(i);
      else refusals.push({ index: i, refusal: { backend: backend.name, reason: answer.reason } });
    });
    if (takenBy.length === 0)
      unsupported.push({
        node: label,
        op: node.opType,
        domain: node.domain,
        opset: context.opset,
        reasons: refusals.map((r) => r.refusal),
      });
    answers.push({ label, takenBy, refusals });
  });
  if (unsupported.length > 0) {
    const lines = unsupported.map(
      (u) => `  ${u.node} (${u.op}): ${u.reasons.map((r) => `${r.backend}: ${r.reason}`).join('; ')}`,
    );
    const scope = fallback
      ? `no backend (${candidates.map((b) => b.name).join(', ')}) supports`
      : `fallback is off and backend '${candidates[0].name}' does not support`;
    throw new UnsupportedOpError(
      `${scope} ${unsupported.length} node${unsupported.length === 1 ? '' : 's'}:\n${lines.join('\n')}`,
      {
        backends: candidates.map((b) => b.name),
        fallback,
        nodes: unsupported,
      },
    );
  }
  return answers;
}

/** A backend's answer, with a buggy `supports` (throwing or answering nonsense) counted as a refusal. */
function askSupport(backend: Backend, node: Node, context: SupportContext): Support {
  let answer: unknown;
  try {
    answer = backend.supports(node, context);
  } catch (error) {
    return { supported: false, reason: `supports() threw: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (typeof answer !== 'object' || answer === null) return { supported: false, reason: 'supports() gave no answer' };
  const a = answer as { supported?: unknown; reason?: unknown };
  if (a.supported === true) return { supported: true };
  return {
    supported: false,
    reason: typeof a.reason === 'string' && a.reason ? a.reason : 'not supported (no reason given)',
  };
}

/** The node-to-node data edges: for each node, the distinct nodes it reads from and those reading it. */
interface Edges {
  producers: number[][];
  consumers: number[][];
}

function graphEdges(graph: Graph): Edges {
  const n = graph.nodes.length;
  const producer = new Map<string, number>();
  graph.nodes.forEach((node, i) => node.outputs.forEach((o) => o && producer.set(o, i)));
  const consumers: number[][] = Array.from({ length: n }, () => []);
  const producers = graph.nodes.map((node, i) => {
    const deps = [
      ...new Set(
        nodeReads(node)
          .map((v) => producer.get(v))
          .filter((p): p is number => p !== undefined && p !== i),
      ),
    ];
    for (const d of deps) consumers[d].push(i);
    return deps;
  });
  return { producers, consumers };
}

/** A move of a node off a backend, for the report. */
interface Move {
  from: string;
  reason: string;
}

/**
 * First-fit placement, then islands moved until none is left. Every boundary between partitions is a copy
 * through the host (and a relayout, or a precision conversion, on most devices), twice for an island in
 * the middle of the graph, and a piece of fewer than `minNodes` nodes rarely saves that much. So while the
 * graph is cut into more than one partition, each partition with fewer than `minNodes` nodes moves, all
 * its nodes together, to a later backend that takes every one of them and runs one of its neighbouring
 * partitions (those it reads from or that read it), the one running the most of them, the earlier on a
 * tie; then the graph is cut again. A backend beside no neighbour would keep every boundary, so an
 * island with none stays, as does one that no such backend takes whole. A graph that is one partition is
 * never moved (a one-node model stays on the first backend). Nodes only ever move to later backends, so
 * this ends after at most nodes x backends moves.
 */
function moveIslands(
  edges: Edges,
  firstFit: readonly number[],
  takes: (node: number, backend: number) => boolean,
  minNodes: number,
  names: readonly string[],
): { backendOf: number[]; order: number[][]; moves: Move[][] } {
  const backendOf = [...firstFit];
  const moves: Move[][] = backendOf.map(() => []);
  for (;;) {
    const order = cutPartitions(edges, backendOf);
    if (order.length <= 1) return { backendOf, order, moves };
    const partitionOf = new Array<number>(backendOf.length);
    order.forEach((nodes, p) => nodes.forEach((i) => (partitionOf[i] = p)));
    const planned: { nodes: number[]; to: number; reason: string }[] = [];
    order.forEach((nodes, p) => {
      if (nodes.length >= minNodes) return;
      const before = new Set(
        nodes.flatMap((i) => edges.producers[i].map((j) => partitionOf[j])).filter((q) => q !== p),
      );
      const after = new Set(nodes.flatMap((i) => edges.consumers[i].map((j) => partitionOf[j])).filter((q) => q !== p));
      const from = backendOf[nodes[0]];
      let to = -1;
      let best = 0;
      for (let b = from + 1; b < names.length; b++) {
        const beside = [...before, ...after].filter((q) => backendOf[order[q][0]] === b).length;
        if (beside > best && nodes.every((i) => takes(i, b))) [to, best] = [b, beside];
      }
      if (to < 0) return;
      const on = (set: Set<number>) => [...set].some((q) => backendOf[order[q][0]] === to);
      const where =
        on(before) && on(after)
          ? `between ${names[to]} partitions`
          : `${on(before) ? 'after' : 'before'} a ${names[to]} partition`;
      const reason = `an island of ${nodes.length} node${nodes.length === 1 ? '' : 's'} ${where} (fewer than ${minNodes})`;
      planned.push({ nodes, to, reason });
    });
    if (planned.length === 0) return { backendOf, order, moves };
    for (const { nodes, to, reason } of planned) {
      for (const i of nodes) {
        moves[i].push({ from: names[backendOf[i]], reason });
        backendOf[i] = to;
      }
    }
  }
}

/** Kahn's algorithm, grouping by backend: the node indices of each partition, in run order. */
function cutPartitions(edges: Edges, backendOf: readonly number[]): number[][] {
  const n = backendOf.length;
  const { consumers } = edges;
  const pending = edges.producers.map((deps) => deps.length);
  let ready = backendOf.map((_, i) => i).filter((i) => pending[i] === 0);
  const partitions: number[][] = [];
  let current: number[] = [];
  let done = 0;
  while (ready.length > 0) {
    // Ready lists stay sorted, so the first match is the earliest node in the original order.
    let pick = current.length > 0 ? ready.findIndex((i) => backendOf[i] === backendOf[current[0]]) : -1;
    if (pick < 0) {
      pick = 0;
      current = [];
      partitions.push(current);
    }
    const node = ready[pick];
    ready.splice(pick, 1);
    current.push(node);
    done++;
    for (const c of consumers[node]) if (--pending[c] === 0) ready = insertSorted(ready, c);
  }
  if (done !== n)
    throw new GraphError('the graph has a cycle; it cannot be partitioned', { nodes: n, scheduled: done });
  return partitions;
}

function insertSorted(list: number[], value: number): number[] {
  let i = list.length;
  while (i > 0 && list[i - 1] > value) i--;
  list.splice(i, 0, value);
  return list;
}

/** For each value, the partitions whose nodes read it (graph outputs count as read by the caller, -1). */
function partitionsUsingEachValue(graph: Graph, order: readonly number[][]): Map<string, Set<number>> {
  const usedBy = new Map<string, Set<number>>();
  const use = (v: string, p: number) => {
    if (!v) return;
    let set = usedBy.get(v);
    if (set === undefined) {
      set = new Set();
      usedBy.set(v, set);
    }
    set.add(p);
  };
  order.forEach((indices, p) => indices.forEach((i) => nodeReads(graph.nodes[i]).forEach((v) => use(v, p))));
  graph.outputs.forEach((o) => use(o.name, -1));
  return usedBy;
}

function buildPartition(
  model: Model,
  types: ModelView,
  id: number,
  indices: readonly number[],
  backend: Backend,
  usedBy: Map<string, Set<number>>,
): PlannedPartition {
  const g = model.graph;
  const nodes = indices.map((i) => g.nodes[i]);
  const produced = new Set(nodes.flatMap((node) => node.outputs.filter(Boolean)));
  // In first-read order, kept in a Set too: a lookup in the list would make wide graphs quadratic.
  const inputs = new Set<string>();
  const initializers = new Map<string, Tensor>();
  for (const node of nodes) {
    // Control-flow nodes also read outer values from their bodies: those cross the boundary too.
    for (const v of nodeReads(node)) {
      if (produced.has(v) || inputs.has(v) || initializers.has(v)) continue;
      const constant = g.initializers.get(v);
      if (constant !== undefined) initializers.set(v, constant);
      else inputs.add(v);
    }
  }
  const outputs = [...produced].filter((v) => [...(usedBy.get(v) ?? [])].some((p) => p !== id));
  const info = (name: string): ValueInfo => ({ name, ...types.requireType(name) });
  const valueInfo = new Map<string, ValueInfo>();
  for (const v of produced) valueInfo.set(v, info(v));
  const graph: Graph = {
    name: `${g.name}/partition-${id}`,
    nodes,
    inputs: [...inputs].map(info),
    outputs: outputs.map(info),
    initializers,
    valueInfo,
  };
  const sub: Model = {
    irVersion: model.irVersion,
    opsets: new Map(model.opsets),
    graph,
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    metadata: new Map(),
  };
  return { id, model: sub, backend, nodes, inputs: [...inputs], outputs };
}
