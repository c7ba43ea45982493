/**
 * Plans as bundles and back: {@link exportPlan} writes every compiled partition of a prepared plan in
 * its envelope; {@link loadPlan} has each backend load its artifacts and rebuilds the plan, with no
 * source model. Everything a bundle says is checked before it runs: integrity, each envelope against
 * its backend, each loaded executable against its signature, and the data flow between partitions.
 */
import { type Bundle, type BundlePartition, encodeBundle } from '../artifact/bundle.js';
import {
  checkArtifactFor,
  checkSignature,
  decodeArtifact,
  describeValues,
  encodeArtifact,
  numericsOf,
  versionOf,
} from '../artifact/envelope.js';
import { encodeModel } from '../artifact/model-image.js';
import {
  type ArtifactHeader,
  BACKEND_API_VERSION,
  type Backend,
  type Executable,
  type PartitionSignature,
} from '../backend/contract.js';
import { resolveBackend } from '../backend/registry.js';
import { BackendError, BackendUnavailableError, isLastmileError, SerializationError } from '../errors.js';
import { emptyGraph, type Model } from '../ir/graph.js';
import { formatShape } from '../shape.js';
import type { PlannedPartition } from '../partition/partitioner.js';
import { isTensor } from '../tensor.js';
import { type Contexts, contextFor } from './device-handover.js';
import type { SessionEvent, SessionOptions } from './options.js';
import {
  type CompiledPartition,
  checkExecutable,
  compiledStep,
  completePlan,
  disposeAll,
  type Plan,
  shapeSignature,
} from './plan.js';

/** The plan as a bundle: BackendError when a backend of it cannot serialize. */
export async function exportPlan(plan: Plan): Promise<Uint8Array> {
  const partitions: BundlePartition[] = [];
  for (const { partition, executable, optionsHash } of plan.partitions) {
    const { backend } = partition;
    const details = { backend: backend.name, partition: partition.id };
    if (typeof executable.serialize !== 'function')
      throw new BackendError(
        `backend '${backend.name}' cannot write its compiled partitions (its executables have no serialize), so this plan cannot be exported`,
        { ...details, missing: 'serialize' },
      );
    const artifact = await executable.serialize();
    if (typeof artifact?.target !== 'string' || !(artifact.bytes instanceof Uint8Array))
      throw new BackendError(
        `backend '${backend.name}' serialized partition ${partition.id} as no { target, bytes }`,
        details,
      );
    const header: ArtifactHeader = {
      contract: BACKEND_API_VERSION,
      backend: backend.name,
      backendVersion: versionOf(backend),
      numerics: numericsOf(backend),
      target: artifact.target,
      optionsHash,
      signature: { inputs: [...executable.inputs], outputs: [...executable.outputs] },
    };
    partitions.push({
      id: partition.id,
      backend: backend.name,
      nodes: partition.nodes.map((n) => n.name),
      boundary: { inputs: partition.model.graph.inputs, outputs: partition.model.graph.outputs },
      artifact: encodeArtifact(header, artifact.bytes),
    });
  }
  return encodeBundle(encodeModel(hostModel(plan)), partitions, plan.report);
}

/** The model with no nodes: inputs at the plan's shapes, outputs, and the outputs that are constants. */
function hostModel(plan: Plan): Model {
  const { graph } = plan.model;
  const initializers = new Map(
    graph.outputs.flatMap((o) => {
      const constant = graph.initializers.get(o.name);
      return constant ? [[o.name, constant] as const] : [];
    }),
  );
  return {
    ...plan.model,
    graph: {
      ...emptyGraph(graph.name),
      inputs: graph.inputs.map((i) => ({ ...i, shape: [...plan.inputShapes[i.name]] })),
      outputs: graph.outputs,
      initializers,
    },
  };
}

/** What loading a bundle needs from the session being made. */
export interface LoadContext {
  what: string;
  options: SessionOptions;
  contexts: Contexts;
  emit: (event: SessionEvent) => void;
}

/** The bundle's plan, every partition loaded by its backend; what was loaded is freed on failure. */
export async function loadPlan(bundle: Bundle, ctx: LoadContext): Promise<{ plan: Plan; backends: Backend[] }> {
  const { what, options } = ctx;
  checkDataFlow(bundle, what);
  const backends = await bundleBackends(
    bundle.partitions.map((p) => p.backend),
    ctx,
  );
  const compiled: CompiledPartition[] = [];
  try {
    for (const entry of bundle.partitions) {
      const backend = backends.get(entry.backend) as Backend;
      const label = `partition ${entry.id} of ${what}`;
      const { header, payload } = decodeArtifact(entry.artifact, label);
      checkArtifactFor(header, backend, label);
      checkBoundary(entry, header.signature, label);
      if (typeof backend.load !== 'function')
        throw new BackendError(
          `backend '${backend.name}' cannot load artifacts (it has no load), so ${what} cannot run`,
          {
            backend: backend.name,
          },
        );
      const deviceOptions = options.backendOptions?.[backend.name];
      const context = await contextFor(ctx.contexts, backend, deviceOptions);
      const started = performance.now();
      let loaded: unknown;
      try {
        loaded = await backend.load(
          { header, bytes: payload },
          { threads: options.threads, profiling: options.profiling, deviceOptions, ...(context ? { context } : {}) },
        );
      } catch (error) {
        if (isLastmileError(error)) throw error;
        throw new BackendError(
          `backend '${backend.name}' failed to load ${label}: ${(error as Error)?.message ?? String(error)}`,
          { backend: backend.name, partition: entry.id },
          { cause: error },
        );
      }
      let executable: Executable;
      try {
        executable = checkExecutable(loaded, backend.name, entry.id);
      } catch (error) {
        await Promise.resolve((loaded as Partial<Executable> | null)?.dispose?.()).catch(() => undefined);
        throw error;
      }
      const partition: PlannedPartition = {
        id: entry.id,
        backend,
        nodes: [],
        model: { ...bundle.host, graph: { ...emptyGraph(`partition ${entry.id}`), ...entry.boundary } },
        inputs: entry.boundary.inputs.map((v) => v.name),
        outputs: entry.boundary.outputs.map((v) => v.name),
      };
      compiled.push(compiledStep(partition, executable, context, header.optionsHash));
      checkSignature(header.signature, { inputs: [...executable.inputs], outputs: [...executable.outputs] }, label);
      ctx.emit({
        type: 'compiled',
        partition: entry.id,
        backend: backend.name,
        nodeCount: entry.nodes.length,
        ms: performance.now() - started,
      });
    }
  } catch (error) {
    await disposeAll(compiled).catch(() => undefined);
    throw error;
  }
  const inputShapes = Object.fromEntries(bundle.host.graph.inputs.map((i) => [i.name, i.shape as number[]]));
  const signature = shapeSignature(
    inputShapes,
    bundle.host.graph.inputs.map((i) => i.name),
  );
  const plan = completePlan({
    signature,
    inputShapes,
    partitions: compiled,
    report: bundle.report,
    model: bundle.host,
  });
  return { plan, backends: [...backends.values()] };
}

/**
 * The backends a bundle runs on, by name: a Backend object in `options.backends`, else the installed
 * package of that name (hostile names are refused as everywhere). Each must be able to run here.
 */
async function bundleBackends(names: readonly string[], ctx: LoadContext): Promise<Map<string, Backend>> {
  const given = new Map<string, Backend>();
  for (const spec of ctx.options.backends ?? []) {
    if (typeof spec !== 'object') continue;
    const backend = await resolveBackend(spec, ctx.options);
    given.set(backend.name, backend);
  }
  const found = new Map<string, Backend>();
  for (const name of new Set(names)) {
    const backend = given.get(name) ?? (await resolveBackend(name, ctx.options));
    let reason: string | undefined;
    try {
      const probe = await backend.probe();
      if (probe?.available === true) ctx.emit({ type: 'backend-selected', backend: name, probe });
      else reason = typeof probe?.reason === 'string' ? probe.reason : 'device not available';
    } catch (error) {
      reason = `probe() threw: ${(error as Error)?.message ?? String(error)}`;
    }
    if (reason !== undefined)
      throw new BackendUnavailableError(`${ctx.what} runs partitions on '${name}', which cannot run here: ${reason}`, {
        backend: name,
        reason,
      });
    found.set(name, backend);
  }
  return found;
}

/**
 * Before anything loads: every partition input is a graph input or an earlier partition's output, of
 * the same shape; every graph output is computed; the graph inputs have concrete shapes.
 */
function checkDataFlow(bundle: Bundle, what: string): void {
  const broken = (reason: string): never => {
    throw new SerializationError(`${what}: its plan is broken: ${reason}`, { what, reason });
  };
  const { graph } = bundle.host;
  const shapes = new Map<string, string>();
  for (const input of graph.inputs) {
    if (!input.shape?.every((d) => typeof d === 'number')) broken(`input '${input.name}' has no concrete shape`);
    shapes.set(input.name, formatShape(input.shape ?? []));
  }
  for (const { id, boundary } of bundle.partitions) {
    for (const { name, shape } of boundary.inputs) {
      const known = shapes.get(name);
      if (known === undefined) broken(`partition ${id} reads '${name}' before anything computes it`);
      if (known !== formatShape(shape ?? []))
        broken(`partition ${id} reads '${name}' as ${formatShape(shape ?? [])}, it is ${known}`);
    }
    for (const { name, shape } of boundary.outputs) shapes.set(name, formatShape(shape ?? []));
  }
  for (const { name } of graph.outputs)
    if (!shapes.has(name) && !isTensor(graph.initializers.get(name))) broken(`nothing computes output '${name}'`);
}

/** A partition's boundary in the bundle names the values its artifact's signature does, at its shapes. */
function checkBoundary(entry: BundlePartition, signature: PartitionSignature, label: string): void {
  for (const side of ['inputs', 'outputs'] as const) {
    // Types may differ (an fp16 executable declares float16 where the plan has float32): names and shapes.
    if (describeValues(entry.boundary[side], false) !== describeValues(signature[side], false))
      throw new SerializationError(`${label}: its ${side} in the bundle do not match its artifact's signature`, {
        what: label,
        field: side,
      });
  }
}
