/**
 * The memory a plan needs, known before anything is allocated: each value's bytes from its inferred
 * shape, live from the node that writes it to the last node that reads it (graph inputs from the start,
 * graph outputs to the end, weights throughout). A session refuses a plan over its budget, or one whose
 * peak is absurd for the size of the model and its inputs (a few hundred bytes of model asking for
 * gigabytes), before any backend allocates.
 */
import { totalmem } from 'node:os';
import { ResourceLimitError } from '../errors.js';
import type { Model } from '../ir/graph.js';
import { nodeReads } from '../ir/validate.js';
import { ModelView } from '../ir/model-view.js';
import { isStatic, sizeOf } from '../shape.js';
import { bytesPerElement } from '../tensor.js';

/** A session's memory budget when `maxMemoryBytes` is not given: half the machine's memory. */
export function defaultMemoryBudget(): number {
  return Math.floor(totalmem() / 2);
}

/** Plans past this peak are checked against the model's size (below it, any model may use it). */
export const AMPLIFICATION_FLOOR_BYTES = 256 * 2 ** 20;
/** The most a peak may exceed the bytes of the model's weights and inputs, without an explicit budget. */
export const MAX_AMPLIFICATION = 1000;

/** What a plan holds at once. */
export interface MemoryNeed {
  /** Most bytes alive at once: weights, plus the values live across the busiest node. */
  peakBytes: number;
  /** The node at that peak. */
  peakNode: string | undefined;
  /** Bytes of the weights (initializers) and the graph inputs. */
  modelBytes: number;
  /** The largest values, largest first (at most 3). */
  largest: { name: string; bytes: number }[];
}

/** The memory `model` (shape-inferred for concrete inputs) needs when run node by node in order. */
export function memoryNeed(model: Model): MemoryNeed {
  const g = model.graph;
  const types = new ModelView(model);
  const bytesOf = (name: string): number => {
    const t = types.valueType(name);
    return t?.shape !== undefined && isStatic(t.shape) ? sizeOf(t.shape) * bytesPerElement(t.type) : 0;
  };
  const lastRead = new Map<string, number>();
  g.nodes.forEach((node, i) => {
    for (const v of nodeReads(node)) lastRead.set(v, i);
  });
  for (const o of g.outputs) lastRead.set(o.name, Number.POSITIVE_INFINITY);
  let weights = 0;
  for (const t of g.initializers.values()) weights += t.data.byteLength;
  const inputs = g.inputs.reduce((sum, v) => sum + bytesOf(v.name), 0);
  const sizes = new Map<string, number>();
  let live = weights + inputs;
  let peakBytes = live;
  let peakNode: string | undefined;
  g.nodes.forEach((node, i) => {
    for (const v of node.outputs) {
      if (!v || sizes.has(v)) continue;
      sizes.set(v, bytesOf(v));
      live += sizes.get(v)!;
    }
    if (live > peakBytes) [peakBytes, peakNode] = [live, node.name || node.opType];
    for (const v of [...nodeReads(node), ...node.outputs]) {
      // Values nothing reads later are freed after this node; weights and graph inputs stay.
      if (sizes.has(v) && (lastRead.get(v) ?? -1) <= i) {
        live -= sizes.get(v)!;
        sizes.delete(v);
      }
    }
  });
  const all = [...g.inputs.map((v) => v.name), ...g.nodes.flatMap((n) => n.outputs.filter(Boolean))];
  const largest = [...new Set(all)]
    .map((name) => ({ name, bytes: bytesOf(name) }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 3);
  return { peakBytes, peakNode, modelBytes: weights + inputs, largest };
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/**
 * Refuses a plan whose peak is over `maxMemoryBytes`, or, when no budget was given, over the default
 * budget or {@link MAX_AMPLIFICATION} times the model's weights and inputs (past a floor of 256 MiB).
 */
export function checkMemoryBudget(model: Model, maxMemoryBytes: number | undefined): void {
  const need = memoryNeed(model);
  const budget = maxMemoryBytes ?? defaultMemoryBudget();
  const largest = need.largest.map((v) => `'${v.name}' ${mib(v.bytes)}`).join(', ');
  const details = {
    peakBytes: need.peakBytes,
    node: need.peakNode,
    modelBytes: need.modelBytes,
    largest: need.largest,
  };
  if (need.peakBytes > budget) {
    throw new ResourceLimitError(
      `the plan needs ${mib(need.peakBytes)} at once (at node ${need.peakNode}), over the session's memory budget of ${mib(budget)} (maxMemoryBytes); largest values: ${largest}`,
      { ...details, limit: budget, option: 'maxMemoryBytes' },
    );
  }
  const amplified = need.peakBytes > AMPLIFICATION_FLOOR_BYTES && need.peakBytes > MAX_AMPLIFICATION * need.modelBytes;
  if (maxMemoryBytes === undefined && amplified) {
    throw new ResourceLimitError(
      `the plan needs ${mib(need.peakBytes)} at once (at node ${need.peakNode}) for a model whose weights and inputs are ${need.modelBytes} bytes: over ${MAX_AMPLIFICATION} times as much; largest values: ${largest}. Set maxMemoryBytes to allow it`,
      { ...details, limit: MAX_AMPLIFICATION * need.modelBytes, option: 'maxMemoryBytes' },
    );
  }
}
