/**
 * The reference backend: runs any graph through core's reference kernels, one node at a time, in plain
 * TypeScript. It is the executable spec every optimized backend is tested against, and the fallback of
 * last resort; it is not meant to be fast.
 *
 * @packageDocumentation
 */
import { createRequire } from 'node:module';
import { arch } from 'node:os';
import {
  BackendError,
  type CompiledArtifact,
  graphArtifact,
  graphOfArtifact,
  type Backend,
  type CompileOptions,
  type Executable,
  type Model,
  type Partition,
  type ProfileEntry,
  type Tensor,
  evaluateGraphUntil,
  findOp,
} from '@lastmile/core/backend';

class ReferenceExecutable implements Executable {
  readonly inputs;
  readonly outputs;
  #model: Model | undefined;
  readonly #profiling: boolean;
  #lastProfile: ProfileEntry[] = [];

  constructor(model: Model, profiling: boolean) {
    this.#model = model;
    this.#profiling = profiling;
    this.inputs = model.graph.inputs;
    this.outputs = model.graph.outputs;
  }

  /** Runs node by node; a stopped run (its signal fired) ends at the next pause, within a few ms. */
  async run(
    inputs: Readonly<Record<string, Tensor>>,
    options?: { signal?: AbortSignal },
  ): Promise<Record<string, Tensor>> {
    if (!this.#model) throw new BackendError('the reference executable was disposed', { backend: 'reference' });
    const signal = options?.signal;
    if (!this.#profiling) return evaluateGraphUntil(signal, this.#model, inputs);
    const entries: ProfileEntry[] = [];
    const outputs = await evaluateGraphUntil(signal, this.#model, inputs, {
      onNode: (node, ms) => entries.push({ name: node.name, op: node.opType, ms }),
    });
    this.#lastProfile = entries;
    return outputs;
  }

  /** The graph it interprets: the reference has nothing else to compile. */
  serialize(): CompiledArtifact {
    if (!this.#model) throw new BackendError('the reference executable was disposed', { backend: 'reference' });
    return graphArtifact(this.#model, TARGET);
  }

  /** Per-node wall times of the last run, when compiled with `profiling`. */
  profile(): ProfileEntry[] {
    return [...this.#lastProfile];
  }

  dispose(): void {
    this.#model = undefined;
  }
}

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };
/** Plain TypeScript runs the same everywhere. */
const TARGET = 'any JavaScript engine';

/** The reference backend descriptor. */
export const backend: Backend = {
  apiVersion: 2,
  name: 'reference',
  version,
  probe: () => ({ available: true, kind: 'software', device: `reference kernels, plain TypeScript on ${arch()}` }),
  supports(node, context) {
    const op = findOp(node.domain, node.opType);
    if (!op)
      return {
        supported: false,
        reason: `no reference kernel for ${node.domain ? `${node.domain}.` : ''}${node.opType}`,
      };
    if (context.opset < op.sinceVersion)
      return { supported: false, reason: `${node.opType} needs opset >= ${op.sinceVersion}` };
    return { supported: true };
  },
  async compile(partition: Partition, options: CompileOptions): Promise<Executable> {
    return new ReferenceExecutable(partition.model, options.profiling === true);
  },
  async load(artifact, options): Promise<Executable> {
    const model = graphOfArtifact(artifact, 'reference', (target) => target === TARGET);
    return new ReferenceExecutable(model, options.profiling === true);
  },
};
