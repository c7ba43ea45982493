/**
 * Compiles a partition: lower the nodes, plan the arena from lifetimes, emit kernels and pack constants
 * into one module and one memory, and bind each step to its prebuilt arguments.
 */
import { lifetimes, type Model, planArena, ResourceLimitError } from '@lastmile/core';
import { RESERVED_BYTES, type KernelTarget } from '../kernels/common.js';
import { ModuleBuilder } from '../wasm/module-builder.js';
import { physicalDims } from '../layout/nhwc.js';
import { placeConcatParts } from './concat-placement.js';
import { GraphInfo, storedBytes, type ValueDesc } from './graph-info.js';
import { writeStored } from './lower-host.js';
import { lowerGraph } from './lower.js';
import type { Binder, EmitContext, KernelCalls, LoweredOp, Runtime, Step } from './program.js';
import { CHUNK_WORDS, MAX_CHUNKS } from '../threads/control.js';

/**
 * A step some of whose phases the threads share: each phase is a region of the plan (its index in the
 * region table) or a call the calling thread makes alone.
 */
export interface SharedStep {
  phases: (number | Step)[];
}

/** What the pool needs: the compiled module and the work plan of every shared step. */
export interface ParallelPlan {
  module: WebAssembly.Module;
  /** Region table, then per region its chunk count and chunks (threads/control.ts), in a SharedArrayBuffer. */
  plan: Int32Array;
  /** Export name of each kernel index used in the plan. */
  kernels: string[];
  threads: number;
}

/** Everything an executable runs with. */
export interface CompiledProgram {
  graph: GraphInfo;
  ops: LoweredOp[];
  /** One per op, in run order. */
  steps: (Step | SharedStep)[];
  /** Present when some step is shared between threads. */
  parallel?: ParallelPlan;
  runtime: Runtime;
  /** Arena address of each float value stored there. */
  addresses: Map<string, number>;
  /** Bytes of the memory: arena, then constants. */
  memoryBytes: number;
  arenaBytes: number;
}

const PAGE = 65536;
// wasm32 addresses 4 GiB; stay well inside what V8 gives one memory.
const MAX_MEMORY_BYTES = 2 ** 31;

const align = (n: number, to = 64) => Math.ceil(n / to) * to;

export async function compileProgram(model: Model, target: KernelTarget, threads = 1): Promise<CompiledProgram> {
  const graph = new GraphInfo(model);
  const ops = lowerGraph(graph);
  const inArena = (name: string) =>
    name !== '' && !graph.constant(name) && graph.has(name) && graph.value(name).type === 'float32';

  // Aliases share their source's storage.
  const root = new Map<string, string>();
  const rootOf = (name: string): string => {
    const r = root.get(name);
    return r === undefined ? name : rootOf(r);
  };
  for (const op of ops) if (op.aliasOf) root.set(op.writes[0], op.aliasOf);
  shareInPlace(ops, model, inArena, rootOf, root);
  const lastAxis = (name: string) => {
    const v = graph.value(name);
    return physicalDims(v.dims, v.layout).at(-1) ?? 1;
  };
  const pinned = new Set([...model.graph.inputs, ...model.graph.outputs].map((v) => v.name));
  const concats = placeConcatParts(ops, pinned, inArena, lastAxis, root);
  for (const [i, op] of ops.entries()) if (concats.emptied.has(op)) ops[i] = { ...op, runs: 'alias' };

  const names = (values: readonly { name: string }[]) => values.map((v) => v.name);
  const lives = lifetimes(
    ops.map((op) => [...op.reads, ...op.writes]),
    { inputs: names(model.graph.inputs), outputs: names(model.graph.outputs) },
    (name) => (inArena(name) ? rootOf(name) : undefined),
  );
  const roots = [...lives.keys()];
  const scratchOps = ops.flatMap((op, i) => (op.scratchBytes ? [i] : []));
  const plan = planArena([
    ...roots.map((r) => ({ bytes: storedBytes(graph.value(r)), ...lives.get(r)! })),
    ...scratchOps.map((i) => ({ bytes: ops[i].scratchBytes!, from: i, to: i })),
  ]);
  const rootAddress = new Map(roots.map((r, i) => [r, RESERVED_BYTES + plan.offsets[i]]));
  const scratchAddress = new Map(scratchOps.map((op, j) => [op, RESERVED_BYTES + plan.offsets[roots.length + j]]));
  const arenaEnd = RESERVED_BYTES + plan.size;

  // A loop, not Math.max(...ops): a spread of 200k arguments overflows the stack.
  const zeroBytes = ops.reduce((most, op) => Math.max(most, op.zeroBytes ?? 0), 64);
  const zeroRow = align(arenaEnd);
  let staticEnd = align(zeroRow + zeroBytes);
  const placed: { at: number; data: Float32Array | Int32Array }[] = [];
  // Placed once per array: nodes sharing a weight get the same packed array from the pack cache.
  const placedAt = new Map<Float32Array | Int32Array, number>();
  const place = (data: Float32Array | Int32Array) => {
    const known = placedAt.get(data);
    if (known !== undefined) return known;
    const at = staticEnd;
    placed.push({ at, data });
    placedAt.set(data, at);
    staticEnd = align(at + data.byteLength + 16);
    return at;
  };
  const constants = new Map<string, number>();
  const module = new ModuleBuilder();
  const ctx: EmitContext = {
    graph,
    module,
    target,
    zeroRow,
    threads,
    scratch: 0,
    place,
    rowFloats: (name) => concats.rowFloats.get(name) ?? lastAxis(name),
    addressOf(name) {
      const constant = graph.constant(name);
      if (constant) {
        let at = constants.get(name);
        if (at === undefined) {
          // Written in the stored layout once the memory exists (below).
          at = staticEnd;
          constants.set(name, at);
          staticEnd = align(at + storedBytes(graph.value(name)));
        }
        return at;
      }
      const at = rootAddress.get(rootOf(name));
      if (at === undefined)
        throw new ResourceLimitError(`cpu-neon: value '${name}' has no place in the arena`, { value: name });
      return at + (concats.offsets.get(name) ?? 0);
    },
  };
  const binders = ops.map((op, i) => op.emit({ ...ctx, scratch: scratchAddress.get(i) ?? 0 }));

  const memoryBytes = staticEnd + 64;
  if (memoryBytes > MAX_MEMORY_BYTES) {
    throw new ResourceLimitError(
      `cpu-neon: the partition needs ${memoryBytes} bytes of memory, more than ${MAX_MEMORY_BYTES}`,
      { expected: `<= ${MAX_MEMORY_BYTES}`, got: memoryBytes },
    );
  }
  const pages = Math.ceil(memoryBytes / PAGE);
  // Shared, so worker threads can run on it; fixed size, so no thread ever has to rebuild its views.
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const bytes = new Uint8Array(memory.buffer);
  for (const { at, data } of placed) bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
  const wasm = module.encode({ pages, maxPages: pages, shared: true });
  const compiled = await WebAssembly.compile(wasm);
  const instance = await WebAssembly.instantiate(compiled, { env: { memory } });
  const runtime: Runtime = {
    kernels: instance.exports as Runtime['kernels'],
    memory,
    f32: new Float32Array(memory.buffer),
    host: new Map(),
  };
  for (const [name, at] of constants) writeStored(runtime, graph.value(name) as ValueDesc, at, graph.constant(name)!);
  const addresses = new Map<string, number>();
  for (const name of [...model.graph.inputs.map((i) => i.name), ...model.graph.outputs.map((o) => o.name)]) {
    if (inArena(name)) addresses.set(name, rootAddress.get(rootOf(name))!);
  }
  const { steps, parallel } = schedule(binders, runtime, compiled, threads);
  return { graph, ops, steps, parallel, runtime, addresses, memoryBytes, arenaBytes: plan.size };
}

/**
 * Gives an op's output the buffer of an input it may overwrite (`inPlace`) when that op is the last to
 * read the input's buffer: elementwise chains then run in one buffer, which stays in cache.
 */
function shareInPlace(
  ops: readonly LoweredOp[],
  model: Model,
  inArena: (name: string) => boolean,
  rootOf: (name: string) => string,
  root: Map<string, string>,
): void {
  const lastRead = new Map<string, number>();
  const read = (name: string, step: number) => {
    if (!inArena(name)) return;
    const r = rootOf(name);
    lastRead.set(r, Math.max(lastRead.get(r) ?? -1, step));
  };
  ops.forEach((op, i) => {
    for (const name of op.reads) read(name, i);
  });
  for (const output of model.graph.outputs) read(output.name, Number.POSITIVE_INFINITY);
  ops.forEach((op, i) => {
    const [written] = op.writes;
    if (!op.inPlace || op.writes.length !== 1 || !inArena(written) || rootOf(written) !== written) return;
    const shared = op.inPlace.find((name) => inArena(name) && lastRead.get(rootOf(name)) === i);
    if (shared === undefined) return;
    const r = rootOf(shared);
    root.set(written, r);
    lastRead.set(r, Math.max(i, lastRead.get(written) ?? -1));
  });
}

/** Binds host steps, runs unsplit kernel calls on the calling thread, and writes the plan of shared ones. */
function schedule(
  binders: Binder[],
  rt: Runtime,
  module: WebAssembly.Module,
  threads: number,
): { steps: (Step | SharedStep)[]; parallel?: ParallelPlan } {
  const regions: { kernel: number; calls: number[][] }[] = [];
  const kernels: string[] = [];
  const phase = (b: KernelCalls): number | Step => {
    const k = rt.kernels[b.kernel];
    if (threads > 1 && b.calls.length > 1 && b.calls.length <= MAX_CHUNKS) {
      let kernel = kernels.indexOf(b.kernel);
      if (kernel < 0) kernel = kernels.push(b.kernel) - 1;
      return regions.push({ kernel, calls: b.calls }) - 1;
    }
    if (b.calls.length === 1) {
      const [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9] = b.calls[0];
      return () => k(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9);
    }
    return () => {
      for (const c of b.calls) k(...c);
    };
  };
  const steps = binders.map((b): Step | SharedStep => {
    if (typeof b === 'function') return b(rt);
    const phases = (Array.isArray(b) ? b : [b]).map((p) => (typeof p === 'function' ? p(rt) : phase(p)));
    if (phases.every((p) => typeof p === 'function')) {
      const calls = phases as Step[];
      return calls.length === 1 ? calls[0] : () => calls.forEach((call) => call());
    }
    return { phases };
  });
  if (regions.length === 0) return { steps };
  const words = regions.reduce((n, r) => n + 1 + r.calls.length * CHUNK_WORDS, regions.length);
  const plan = new Int32Array(new SharedArrayBuffer(words * 4));
  let at = regions.length;
  regions.forEach((r, i) => {
    plan[i] = at;
    plan[at++] = r.calls.length;
    for (const call of r.calls) {
      plan[at] = r.kernel;
      plan.set(call, at + 1);
      at += CHUNK_WORDS;
    }
  });
  return { steps, parallel: { module, plan, kernels, threads } };
}
