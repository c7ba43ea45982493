/**
 * The compiled partition: copies inputs into the arena (NCHW to NHWC), runs the step list, copies the
 * outputs out. Nothing is allocated between those copies. Shared steps run on the calling thread and the
 * worker pool together.
 */
import {
  BackendError,
  type CompiledArtifact,
  type Executable,
  graphArtifact,
  type Model,
  type ProfileEntry,
  type Tensor,
  TimeSlicer,
  type ValueInfo,
} from '@lastmile/core';
import type { CompiledProgram, SharedStep } from './compile/compile.js';
import { readStored, writeStored } from './compile/lower-host.js';
import { detectFeatures } from './wasm/features.js';
import { WorkerPool } from './threads/pool.js';

/** A step of a compiled partition, as {@link CpuNeonExecutable.describe} lists it. */
export interface StepDescription {
  /** Node name, or the names of a fused group joined by `+`. */
  name: string;
  op: string;
  /** A wasm kernel, core's reference kernel on the host, or nothing (an alias of its input). */
  runs: 'wasm' | 'host' | 'alias';
}

/** What cpu-neon's `compile` returns: an {@link Executable} that also lists its steps. */
export interface CpuNeonExecutable extends Executable {
  /** The steps of a run, in order: node (or fused group) names, op, and where each runs. */
  describe(): StepDescription[];
}

export class NeonExecutable implements CpuNeonExecutable {
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  #program: CompiledProgram | undefined;
  readonly #profiling: boolean;
  #profile: ProfileEntry[] = [];
  readonly #pool: WorkerPool | undefined;
  /** Runs the chunk at a plan offset on the calling thread. */
  readonly #runChunk: (offset: number) => void;
  /** What it was compiled from, and for: its artifact. */
  readonly #source: { model: Model; target: string };

  constructor(program: CompiledProgram, profiling: boolean, source: { model: Model; target: string }) {
    this.#program = program;
    this.#source = source;
    this.#profiling = profiling;
    this.inputs = program.graph.model.graph.inputs;
    this.outputs = program.graph.model.graph.outputs;
    const parallel = program.parallel;
    if (parallel) {
      const { plan } = parallel;
      const fns = parallel.kernels.map((name) => program.runtime.kernels[name]);
      this.#runChunk = (o) =>
        fns[plan[o]](
          plan[o + 1],
          plan[o + 2],
          plan[o + 3],
          plan[o + 4],
          plan[o + 5],
          plan[o + 6],
          plan[o + 7],
          plan[o + 8],
          plan[o + 9],
          plan[o + 10],
        );
      this.#pool = new WorkerPool({
        module: parallel.module,
        memory: program.runtime.memory,
        plan,
        kernels: parallel.kernels,
        workers: parallel.threads - 1,
        relaxedSimd: detectFeatures().relaxedSimd,
      });
      // Workers boot (tens of ms) while the session finishes preparing, not during the first run.
      this.#pool.start();
    } else {
      this.#runChunk = () => undefined;
    }
  }

  /** The worker pool, when some step is shared between threads (tests inspect and fault it). */
  get pool(): WorkerPool | undefined {
    return this.#pool;
  }

  /** Runs the steps; a stopped run (its signal fired) ends at the next pause between steps, within a few ms. */
  async run(
    inputs: Readonly<Record<string, Tensor>>,
    options?: { signal?: AbortSignal },
  ): Promise<Record<string, Tensor>> {
    const p = this.#program;
    if (!p) throw new BackendError('the cpu-neon executable was disposed', { backend: 'cpu-neon' });
    const slicer = new TimeSlicer(options?.signal);
    const pool = this.#pool;
    await pool?.beginRun();
    try {
      return await this.#runSteps(p, inputs, slicer);
    } finally {
      pool?.endRun();
    }
  }

  async #runSteps(
    p: CompiledProgram,
    inputs: Readonly<Record<string, Tensor>>,
    slicer: TimeSlicer,
  ): Promise<Record<string, Tensor>> {
    const { runtime, graph, addresses } = p;
    for (const info of this.inputs) {
      const tensor = inputs[info.name];
      if (tensor === undefined)
        throw new BackendError(`cpu-neon: input '${info.name}' was not given`, {
          backend: 'cpu-neon',
          value: info.name,
        });
      const at = addresses.get(info.name);
      if (at === undefined) runtime.host.set(info.name, tensor);
      else writeStored(runtime, graph.value(info.name), at, tensor);
    }
    if (this.#profiling) await this.#runProfiled(p, slicer);
    else {
      for (const step of p.steps) {
        if (typeof step === 'function') step();
        else await this.#runShared(step);
        if (slicer.due()) await slicer.pause();
      }
    }
    const out: Record<string, Tensor> = {};
    for (const info of this.outputs) {
      const at = addresses.get(info.name);
      const value =
        at !== undefined
          ? readStored(runtime, graph.value(info.name), at)
          : (runtime.host.get(info.name) ?? graph.constant(info.name));
      if (value === undefined)
        throw new BackendError(`cpu-neon: output '${info.name}' was not computed`, {
          backend: 'cpu-neon',
          value: info.name,
        });
      out[info.name] = value;
    }
    runtime.host.clear();
    return out;
  }

  async #runShared(step: SharedStep): Promise<void> {
    const pool = this.#pool!;
    for (const phase of step.phases) {
      if (typeof phase === 'function') {
        phase();
        continue;
      }
      let finished: boolean;
      try {
        finished = pool.runRegion(phase, this.#runChunk);
      } catch (error) {
        // Workers may still be inside this region: never let them overlap the next one.
        await pool.restart();
        throw error;
      }
      if (!finished) await pool.settle(phase);
    }
  }

  async #runProfiled(p: CompiledProgram, slicer: TimeSlicer): Promise<void> {
    const entries: ProfileEntry[] = [];
    for (const [i, step] of p.steps.entries()) {
      const started = performance.now();
      if (typeof step === 'function') step();
      else await this.#runShared(step);
      entries.push({ name: p.ops[i].name, op: p.ops[i].op, ms: performance.now() - started });
      if (slicer.due()) await slicer.pause();
    }
    this.#profile = entries;
  }

  describe(): StepDescription[] {
    return (this.#program?.ops ?? []).map(({ name, op, runs }) => ({ name, op, runs }));
  }

  profile(): ProfileEntry[] {
    return this.#profile;
  }

  /** The partition's graph and the kernel target: compiling them again gives the same code and bits. */
  serialize(): CompiledArtifact {
    if (!this.#program) throw new BackendError('the cpu-neon executable was disposed', { backend: 'cpu-neon' });
    return graphArtifact(this.#source.model, this.#source.target);
  }

  async dispose(): Promise<void> {
    this.#program = undefined;
    this.#profile = [];
    await this.#pool?.close();
  }
}
