/**
 * The compiled partition: copies inputs into the arena (NCHW to NHWC), runs the step list, copies the
 * outputs out. Nothing is allocated between those copies.
 */
import { BackendError, type Executable, type ProfileEntry, type Tensor, type ValueInfo } from '@lastmile/core';
import type { CompiledProgram } from './compile/compile.js';
import { readStored, writeStored } from './compile/lower-host.js';

export class CpuNeonExecutable implements Executable {
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  #program: CompiledProgram | undefined;
  readonly #profiling: boolean;
  #profile: ProfileEntry[] = [];

  constructor(program: CompiledProgram, profiling: boolean) {
    this.#program = program;
    this.#profiling = profiling;
    this.inputs = program.graph.model.graph.inputs;
    this.outputs = program.graph.model.graph.outputs;
  }

  async run(inputs: Readonly<Record<string, Tensor>>): Promise<Record<string, Tensor>> {
    const p = this.#program;
    if (!p) throw new BackendError('the cpu-neon executable was disposed', { backend: 'cpu-neon' });
    const { runtime, graph, addresses } = p;
    for (const info of this.inputs) {
      const tensor = inputs[info.name];
      if (tensor === undefined) throw new BackendError(`cpu-neon: input '${info.name}' was not given`, { backend: 'cpu-neon', value: info.name });
      const at = addresses.get(info.name);
      if (at === undefined) runtime.host.set(info.name, tensor);
      else writeStored(runtime, graph.value(info.name), at, tensor);
    }
    if (this.#profiling) this.#runProfiled(p);
    else for (const step of p.steps) step();
    const out: Record<string, Tensor> = {};
    for (const info of this.outputs) {
      const at = addresses.get(info.name);
      const value = at !== undefined ? readStored(runtime, graph.value(info.name), at) : (runtime.host.get(info.name) ?? graph.constant(info.name));
      if (value === undefined) throw new BackendError(`cpu-neon: output '${info.name}' was not computed`, { backend: 'cpu-neon', value: info.name });
      out[info.name] = value;
    }
    runtime.host.clear();
    return out;
  }

  #runProfiled(p: CompiledProgram): void {
    const entries: ProfileEntry[] = [];
    p.steps.forEach((step, i) => {
      const started = performance.now();
      step();
      entries.push({ name: p.ops[i].name, op: p.ops[i].op, ms: performance.now() - started });
    });
    this.#profile = entries;
  }

  /** The steps of a run: node (or fused group) names, op, and whether a wasm kernel or the host runs it. */
  describe(): { name: string; op: string; runs: 'wasm' | 'host' | 'alias' }[] {
    return (this.#program?.ops ?? []).map(({ name, op, runs }) => ({ name, op, runs }));
  }

  profile(): ProfileEntry[] {
    return this.#profile;
  }

  dispose(): void {
    this.#program = undefined;
    this.#profile = [];
  }
}

