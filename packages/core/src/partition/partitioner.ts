/**
 * The partitioner: each node goes to the first backend (by priority) that supports it, and nodes are cut
 * into partitions with Kahn's algorithm, extending the current partition with any ready node of its
 * backend and starting a new one only when none is ready. Every partition then only depends on earlier
 * ones, so the partitions are acyclic and run in a linear order by construction.
 */
import type { Backend, Partition, Support, SupportContext } from '../backend/contract.js';
import { GraphError, UnsupportedOpError } from '../errors.js';
import type { Graph, Model, Node, ValueInfo } from '../ir/graph.js';
import { nodeReads } from '../ir/validate.js';
import type { Tensor } from '../tensor.js';
import type { AssignmentReport, NodeAssignment, Refusal } from './report.js';
import { lookupValueType, opsetOf, requireValueType } from './value-types.js';

/** How nodes may be spread over the backends. */
export interface PartitionOptions {
  /** When false, only the first backend may run nodes; default true. */
  fallback?: boolean;
}

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
export function partitionModel(model: Model, backends: readonly Backend[], options: PartitionOptions = {}): PartitionPlan {
  if (backends.length === 0) throw new UnsupportedOpError('no backend to partition the model over', { backends: [] });
  const assignment = assignNodes(model, options.fallback === false ? backends.slice(0, 1) : backends, options.fallback !== false);
  const order = cutPartitions(model.graph, assignment.map((a) => a.backendIndex));
  const usedBy = partitionsUsingEachValue(model.graph, order);
  const partitions = order.map((indices, id) => buildPartition(model, id, indices, backends[assignment[indices[0]].backendIndex], usedBy));
  return {
    partitions,
    report: {
      nodes: assignment.map((a) => a.report),
      partitions: partitions.map((p) => ({
        id: p.id,
        backend: p.backend.name,
        nodeCount: p.nodes.length,
        nodes: order[p.id].map((i) => assignment[i].report.node),
        inputs: p.inputs,
        outputs: p.outputs,
      })),
    },
  };
}

interface Assigned {
  backendIndex: number;
  report: NodeAssignment;
}

function assignNodes(model: Model, candidates: readonly Backend[], fallback: boolean): Assigned[] {
  const assigned: Assigned[] = [];
  const unsupported: { node: string; op: string; domain: string; opset: number; reasons: Refusal[] }[] = [];
  model.graph.nodes.forEach((node, index) => {
    const context = supportContext(model, node);
    const declinedBy: Refusal[] = [];
    const label = nodeLabel(node, index);
    const backendIndex = candidates.findIndex((backend) => {
      const answer = askSupport(backend, node, context);
      if (!answer.supported) declinedBy.push({ backend: backend.name, reason: answer.reason });
      return answer.supported;
    });
    if (backendIndex < 0) unsupported.push({ node: label, op: node.opType, domain: node.domain, opset: context.opset, reasons: declinedBy });
    else assigned.push({ backendIndex, report: { node: label, op: node.opType, backend: candidates[backendIndex].name, declinedBy } });
  });
  if (unsupported.length > 0) {
    const lines = unsupported.map((u) => `  ${u.node} (${u.op}): ${u.reasons.map((r) => `${r.backend}: ${r.reason}`).join('; ')}`);
    const scope = fallback ? `no backend (${candidates.map((b) => b.name).join(', ')}) supports` : `fallback is off and backend '${candidates[0].name}' does not support`;
    throw new UnsupportedOpError(`${scope} ${unsupported.length} node${unsupported.length === 1 ? '' : 's'}:\n${lines.join('\n')}`, {
      backends: candidates.map((b) => b.name),
      fallback,
      nodes: unsupported,
    });
  }
  return assigned;
}

function supportContext(model: Model, node: Node): SupportContext {
  return {
    opset: opsetOf(model, node.domain),
    valueType: (name) => lookupValueType(model, name),
    constant: (name): Tensor | undefined => model.graph.initializers.get(name),
  };
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
  return { supported: false, reason: typeof a.reason === 'string' && a.reason ? a.reason : 'not supported (no reason given)' };
}

/** Kahn's algorithm, grouping by backend: the node indices of each partition, in run order. */
function cutPartitions(graph: Graph, backendOf: readonly number[]): number[][] {
  const n = graph.nodes.length;
  const producer = new Map<string, number>();
  graph.nodes.forEach((node, i) => node.outputs.forEach((o) => o && producer.set(o, i)));
  const consumers: number[][] = Array.from({ length: n }, () => []);
  const pending = new Array<number>(n).fill(0);
  graph.nodes.forEach((node, i) => {
    const deps = new Set(nodeReads(node).map((v) => producer.get(v)).filter((p): p is number => p !== undefined && p !== i));
    pending[i] = deps.size;
    for (const d of deps) consumers[d].push(i);
  });
  let ready = graph.nodes.map((_, i) => i).filter((i) => pending[i] === 0);
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
  if (done !== n) throw new GraphError('the graph has a cycle; it cannot be partitioned', { nodes: n, scheduled: done });
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

function buildPartition(model: Model, id: number, indices: readonly number[], backend: Backend, usedBy: Map<string, Set<number>>): PlannedPartition {
  const g = model.graph;
  const nodes = indices.map((i) => g.nodes[i]);
  const produced = new Set(nodes.flatMap((node) => node.outputs.filter(Boolean)));
  const inputs: string[] = [];
  const initializers = new Map<string, Tensor>();
  for (const node of nodes) {
    // Control-flow nodes also read outer values from their bodies: those cross the boundary too.
    for (const v of nodeReads(node)) {
      if (produced.has(v) || inputs.includes(v) || initializers.has(v)) continue;
      const constant = g.initializers.get(v);
      if (constant !== undefined) initializers.set(v, constant);
      else inputs.push(v);
    }
  }
  const outputs = [...produced].filter((v) => [...(usedBy.get(v) ?? [])].some((p) => p !== id));
  const info = (name: string): ValueInfo => ({ name, ...requireValueType(model, name) });
  const valueInfo = new Map<string, ValueInfo>();
  for (const v of produced) valueInfo.set(v, info(v));
  const graph: Graph = {
    name: `${g.name}/partition-${id}`,
    nodes,
    inputs: inputs.map(info),
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
  return { id, model: sub, backend, nodes, inputs, outputs };
}
