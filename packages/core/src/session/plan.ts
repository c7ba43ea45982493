/**
 * A prepared plan: the model shape-inferred for one set of input shapes, partitioned, and each partition
 * compiled in order. Partitions that need calibration get the values of their inputs on every calibration
 * feed, computed by running the partitions compiled before them.
 */
import type {
  Backend,
  CompileOptions,
  DeviceContext,
  DeviceTensor,
  Executable,
  Precision,
  ProfileEntry,
} from '../backend/contract.js';
import { BackendError, ErrorCodes, GraphError, InputError, UnsupportedOpError, isLastmileError } from '../errors.js';
import type { Model, ValueInfo } from '../ir/graph.js';
import { inferShapesAndConstants } from '../ir/infer.js';
import { bakeConstants } from '../passes/fold-constants.js';
import { removeDeadNodes } from '../passes/remove-dead-nodes.js';
import { partitionModel, type PlannedPartition } from '../partition/partitioner.js';
import type { AssignmentReport } from '../partition/report.js';
import { formatShape } from '../shape.js';
import { isTensor, type Tensor } from '../tensor.js';
import { optionsHash } from '../artifact/envelope.js';
import { agrees, convertAtBoundary, quantizationOf, withQuantization } from './boundary.js';
import { checkFeeds } from './input-check.js';
import { checkMemoryBudget } from './memory-budget.js';
import type { SessionEvent, SessionOptions } from './options.js';
import { type Contexts, contextFor, isDeviceTensor, reaches, residentOutputs } from './device-handover.js';
import type { Stopper } from './stopper.js';

/** A partition and its compiled executable. */
export interface CompiledPartition {
  partition: PlannedPartition;
  executable: Executable;
  /** The executable's declared inputs and outputs by name, looked up once here rather than on every run. */
  declared: ReadonlyMap<string, ValueInfo>;
  /** Its backend's context in this session, when the backend has one. */
  context?: DeviceContext;
  /** Outputs that stay on its device, handed to the partitions reading them (see device-handover.ts). */
  keep: ReadonlySet<string>;
  /** Hash of the compile options that shaped it, for its artifact's envelope. */
  optionsHash: string;
}

/** How the values between partitions travelled in a run. */
export interface BoundaryCounts {
  /** Handed over in device memory. */
  onDevice: number;
  /** Copied through the host. */
  throughHost: number;
}

/** Everything needed to run the model for one input-shape signature. */
export interface Plan {
  signature: string;
  inputShapes: Record<string, number[]>;
  partitions: CompiledPartition[];
  report: AssignmentReport;
  /** The last partition (index) reading each value, after which it is dropped. */
  lastUse: Map<string, number>;
  model: Model;
}

/** What building a plan needs from the session. */
export interface PlanContext {
  model: Model;
  backends: readonly Backend[];
  options: SessionOptions;
  emit: (event: SessionEvent) => void;
  /** The session's device contexts, one per backend that opens one. */
  contexts: Contexts;
}

/** A stable key for a set of concrete input shapes. */
export function shapeSignature(shapes: Readonly<Record<string, readonly number[]>>, order: readonly string[]): string {
  return order.map((name) => `${name}:${formatShape(shapes[name])}`).join(';');
}

/**
 * Infers shapes, partitions and compiles, letting the event loop run between stages and partitions and
 * stopping there when `stop` says so; on failure every executable compiled so far is disposed.
 */
export async function buildPlan(
  ctx: PlanContext,
  inputShapes: Record<string, number[]>,
  signature: string,
  stop: Stopper,
): Promise<Plan> {
  const { options, emit } = ctx;
  const inferred = inferNamingBackends(ctx, inputShapes);
  await stop.checkpoint();
  // With static shapes, shape math is constant: fold it so devices never see Shape/Gather/Concat chains.
  const model = removeDeadNodes(bakeConstants(inferred.model, inferred.constants));
  await stop.checkpoint();
  checkMemoryBudget(model, options.maxMemoryBytes);
  const { partitions, report } = partitionModel(model, ctx.backends, {
    fallback: options.fallback,
    minPartitionNodes: options.minPartitionNodes,
  });
  emit({ type: 'partitioned', signature, report });
  await stop.checkpoint();
  const samples = calibrationSamples(ctx, partitions, inputShapes);
  const lastCalibrated = partitions.findLastIndex((p) => p.backend.requiresCalibration);
  const compiled: CompiledPartition[] = [];
  try {
    for (const [index, partition] of partitions.entries()) {
      const calibration = partition.backend.requiresCalibration
        ? samples.map((env) => asModelTypes(env, partition.model.graph.inputs, partition.backend.name))
        : undefined;
      if (calibration)
        emit({
          type: 'calibrated',
          partition: partition.id,
          backend: partition.backend.name,
          samples: calibration.length,
        });
      const started = performance.now();
      const deviceOptions = options.backendOptions?.[partition.backend.name];
      const precision = precisionFor(options.precision, partition.backend.name);
      const context = await contextFor(ctx.contexts, partition.backend, deviceOptions);
      const executable = await compileUnlessStopped(
        partition,
        {
          threads: options.threads,
          precision,
          profiling: options.profiling,
          calibration,
          ...(options.calibrationTable ? { calibrationTable: options.calibrationTable } : {}),
          deviceOptions,
          ...(context ? { context } : {}),
        },
        stop,
      );
      const step = compiledStep(partition, executable, context, optionsHash({ precision, deviceOptions }));
      compiled.push(step);
      emit({
        type: 'compiled',
        partition: partition.id,
        backend: partition.backend.name,
        nodeCount: partition.nodes.length,
        ms: performance.now() - started,
      });
      // Sample values flow along only as far as a later partition still needs them.
      if (index < lastCalibrated) {
        for (const env of samples)
          for (const [name, value] of Object.entries(await runPartition(step, env, stop.signal)))
            env.set(name, value as Tensor);
      }
      await stop.checkpoint();
    }
  } catch (error) {
    await disposeAll(compiled);
    throw error;
  }
  emit({ type: 'prepared', signature, partitions: compiled.length });
  return completePlan({ signature, inputShapes, partitions: compiled, report, model });
}

/** The precision `option` asks of `backend`: the one for all, its own, or undefined (its default). */
function precisionFor(option: SessionOptions['precision'], backend: string): Precision | undefined {
  if (typeof option === 'string' || option === undefined) return option;
  return Object.hasOwn(option, backend) ? option[backend] : undefined;
}

/** A compiled partition before the plan decides which of its outputs stay on the device. */
export function compiledStep(
  partition: PlannedPartition,
  executable: Executable,
  context: DeviceContext | undefined,
  hash: string,
): CompiledPartition {
  const declared = new Map([...executable.inputs, ...executable.outputs].map((v) => [v.name, v]));
  return { partition, executable, declared, context, keep: new Set(), optionsHash: hash };
}

/** Decides the device hand-overs and when each value is last read. */
export function completePlan(plan: Omit<Plan, 'lastUse'>): Plan {
  const keeps = residentOutputs(plan.partitions, new Set(plan.model.graph.outputs.map((o) => o.name)));
  plan.partitions.forEach((c, i) => (c.keep = keeps[i]));
  const lastUse = new Map<string, number>();
  plan.partitions.forEach((p, i) => p.partition.inputs.forEach((v) => lastUse.set(v, i)));
  return { ...plan, lastUse };
}

/**
 * Shape inference meets an op core does not know (or not at this opset, or for these types) before the
 * partitioner asks any backend: the error names the session's backends too, as the partitioner's does.
 */
function inferNamingBackends(
  ctx: PlanContext,
  inputShapes: Record<string, number[]>,
): ReturnType<typeof inferShapesAndConstants> {
  try {
    return inferShapesAndConstants(ctx.model, { inputShapes, maxTensorBytes: ctx.options.maxTensorBytes });
  } catch (error) {
    if (!isLastmileError(error, ErrorCodes.UnsupportedOp)) throw error;
    const backends = ctx.backends.map((b) => b.name);
    throw new UnsupportedOpError(
      `${error.message}; no backend of this session (${backends.join(', ')}) can run it`,
      { ...error.details, backends },
      { cause: error },
    );
  }
}

function calibrationSamples(
  ctx: PlanContext,
  partitions: readonly PlannedPartition[],
  inputShapes: Record<string, number[]>,
): Map<string, Tensor>[] {
  const needing = [...new Set(partitions.filter((p) => p.backend.requiresCalibration).map((p) => p.backend.name))];
  if (needing.length === 0) return [];
  const feeds = ctx.options.calibration ?? [];
  if (feeds.length === 0 && ctx.options.calibrationTable !== undefined) return [];
  if (feeds.length === 0) {
    throw new InputError(
      `${needing.length > 1 ? 'backends' : 'backend'} ${needing.map((n) => `'${n}'`).join(', ')} ${needing.length > 1 ? 'quantize and need' : 'quantizes and needs'} calibration feeds: pass options.calibration (sample inputs of the model) or a calibrationTable`,
      { backends: needing },
    );
  }
  return feeds.map((feed, i) => {
    let checked: Record<string, Tensor>;
    try {
      checked = checkFeeds(ctx.model.graph.inputs, feed);
    } catch (error) {
      if (isLastmileError(error))
        throw new InputError(
          `calibration feed #${i}: ${error.message}`,
          { ...error.details, sample: i },
          { cause: error },
        );
      throw error;
    }
    // Samples run through partitions compiled for the prepared shapes, so they must have those shapes.
    for (const [name, tensor] of Object.entries(checked)) {
      const want = inputShapes[name];
      if (formatShape(tensor.dims) !== formatShape(want)) {
        throw new InputError(
          `calibration feed #${i}: input '${name}' is ${formatShape(tensor.dims)}, but the plan is prepared for ${formatShape(want)}`,
          {
            input: name,
            sample: i,
            expected: want,
            got: [...tensor.dims],
          },
        );
      }
    }
    return new Map(Object.entries(checked));
  });
}

/** The values `infos` name, as the model types them (calibration samples are the model's values). */
function asModelTypes(
  env: ReadonlyMap<string, Tensor>,
  infos: readonly ValueInfo[],
  backend: string,
): Record<string, Tensor> {
  return Object.fromEntries(
    infos.map((info) => {
      const t = env.get(info.name) as Tensor;
      return [info.name, convertAtBoundary(t, quantizationOf(t), info, info.name, `backend '${backend}'`)];
    }),
  );
}

/**
 * Compiles unless stopped first. The backend gets the stop's signal; one that ignores it may still
 * finish after the stop, and its executable is then freed.
 */
async function compileUnlessStopped(
  partition: PlannedPartition,
  options: CompileOptions,
  stop: Stopper,
): Promise<Executable> {
  const compiling = compilePartition(partition, { ...options, signal: stop.signal });
  try {
    return await Promise.race([compiling, stop.stopped]);
  } catch (error) {
    if (stop.signal.aborted)
      compiling.then(
        (late) => Promise.resolve(late.dispose()).catch(() => undefined),
        () => undefined,
      );
    throw error;
  }
}

async function compilePartition(partition: PlannedPartition, options: CompileOptions): Promise<Executable> {
  const backend = partition.backend.name;
  let executable: unknown;
  try {
    executable = await partition.backend.compile({ id: partition.id, model: partition.model }, options);
  } catch (error) {
    if (isLastmileError(error)) throw error;
    throw new BackendError(
      `backend '${backend}' failed to compile partition ${partition.id}: ${(error as Error)?.message ?? String(error)}`,
      { backend, partition: partition.id },
      { cause: error },
    );
  }
  return checkExecutable(executable, backend, partition.id);
}

/** What a backend's `compile` or `load` returned, checked to be an executable. */
export function checkExecutable(value: unknown, backend: string, partition: number): Executable {
  const e = value as Partial<Executable> | null;
  if (
    typeof e !== 'object' ||
    e === null ||
    typeof e.run !== 'function' ||
    typeof e.dispose !== 'function' ||
    !Array.isArray(e.inputs) ||
    !Array.isArray(e.outputs)
  ) {
    throw new BackendError(
      `backend '${backend}' returned no valid executable for partition ${partition} (needs inputs, outputs, run, dispose)`,
      { backend, partition },
    );
  }
  return e as Executable;
}

/**
 * Runs one compiled partition on the values it needs from `env`, converting precision at the boundary
 * both ways, and checks that it returned every output with the inferred dims. A device tensor it can
 * reach is handed over as it is (counted `onDevice`), any other is downloaded first; `counts` tallies how
 * the values from earlier partitions travelled.
 */
export async function runPartition(
  step: CompiledPartition,
  env: ReadonlyMap<string, Tensor | DeviceTensor>,
  signal?: AbortSignal,
  counts?: BoundaryCounts,
  fromPartitions?: ReadonlySet<string>,
): Promise<Record<string, Tensor | DeviceTensor>> {
  const { partition, executable, declared } = step;
  const backend = partition.backend.name;
  const reader = `backend '${backend}'`;
  const resident = typeof executable.runResident === 'function' && step.context !== undefined;
  const inputs: Record<string, Tensor | DeviceTensor> = {};
  for (const name of partition.inputs) {
    const value = env.get(name);
    if (value === undefined)
      throw new GraphError(`value '${name}' needed by partition ${partition.id} was not computed`, {
        value: name,
        partition: partition.id,
      });
    const crossing = fromPartitions?.has(name) === true;
    const want = declared.get(name);
    const quant = quantizationOf(value);
    if (
      isDeviceTensor(value) &&
      resident &&
      reaches(value.device, step) &&
      (!want || agrees({ type: value.type, quant }, want))
    ) {
      if (crossing && counts) counts.onDevice++;
      inputs[name] = value;
      continue;
    }
    const host = isDeviceTensor(value) ? await value.download() : value;
    if (crossing && counts) counts.throughHost++;
    inputs[name] = want ? convertAtBoundary(host, quant, want, name, reader) : host;
  }
  let results: Record<string, unknown>;
  try {
    results = resident
      ? await executable.runResident!(inputs, { signal, keep: step.keep })
      : await executable.run(inputs as Record<string, Tensor>, signal === undefined ? undefined : { signal });
  } catch (error) {
    if (isLastmileError(error)) throw error;
    if (signal?.aborted) throw signal.reason;
    throw new BackendError(
      `backend '${backend}' failed running partition ${partition.id}: ${(error as Error)?.message ?? String(error)}`,
      { backend, partition: partition.id },
      { cause: error },
    );
  }
  const outputs: Record<string, Tensor | DeviceTensor> = {};
  for (const info of partition.model.graph.outputs) {
    const value = results?.[info.name];
    const onDevice = step.keep.has(info.name) && isDeviceTensor(value);
    if (!onDevice && !isTensor(value)) {
      throw new BackendError(`backend '${backend}' did not return output '${info.name}' of partition ${partition.id}`, {
        backend,
        partition: partition.id,
        value: info.name,
      });
    }
    const { dims, type } = value as Tensor | DeviceTensor;
    const shape = info.shape;
    const kind = declared.get(info.name) ?? info;
    if (
      type !== kind.type ||
      (shape !== undefined &&
        (shape.length !== dims.length || shape.some((d, i) => typeof d === 'number' && d !== dims[i])))
    ) {
      throw new BackendError(
        `backend '${backend}' returned '${info.name}' as ${type}[${formatShape(dims)}], expected ${kind.type}[${formatShape(shape ?? dims)}]`,
        {
          backend,
          value: info.name,
          expected: [...(shape ?? dims)],
          got: [...dims],
        },
      );
    }
    // Kept as the executable gave it, its quantization noted: the next reader converts only if it must.
    outputs[info.name] = withQuantization(value as Tensor | DeviceTensor, kind.quant);
  }
  return outputs;
}

/**
 * Runs the plan on checked feeds; each intermediate is dropped after the last partition that reads it
 * (a device tensor freed then, or when the run fails). `counts` tallies the hand-overs.
 */
export async function executePlan(
  plan: Plan,
  feeds: Readonly<Record<string, Tensor>>,
  signal?: AbortSignal,
  counts?: BoundaryCounts,
): Promise<Record<string, Tensor>> {
  const graph = plan.model.graph;
  const keep = new Set(graph.outputs.map((o) => o.name));
  const env = new Map<string, Tensor | DeviceTensor>(Object.entries(feeds));
  const produced = new Set<string>();
  const drop = (name: string) => {
    const value = env.get(name);
    if (isDeviceTensor(value)) value.release();
    env.delete(name);
  };
  try {
    for (const [index, step] of plan.partitions.entries()) {
      signal?.throwIfAborted();
      for (const [name, value] of Object.entries(await runPartition(step, env, signal, counts, produced))) {
        env.set(name, value);
        produced.add(name);
      }
      for (const name of step.partition.inputs) if (plan.lastUse.get(name) === index && !keep.has(name)) drop(name);
    }
    const out: Record<string, Tensor> = {};
    for (const info of graph.outputs) {
      const value = env.get(info.name) ?? graph.initializers.get(info.name);
      if (value === undefined)
        throw new GraphError(`graph output '${info.name}' was not computed`, { value: info.name });
      const quant = quantizationOf(value);
      const host = isDeviceTensor(value) ? await value.download() : value;
      out[info.name] = convertAtBoundary(host, quant, info, info.name, "the model's output");
    }
    return out;
  } finally {
    for (const name of [...env.keys()]) if (isDeviceTensor(env.get(name))) drop(name);
  }
}

/** Timings of the plan's last run, from executables compiled with profiling. */
export function planProfile(plan: Plan): ProfileEntry[] {
  return plan.partitions.flatMap((p) => p.executable.profile?.() ?? []);
}

/** Disposes every executable, even when some throw; the first failure is rethrown afterwards. */
export async function disposeAll(steps: readonly CompiledPartition[]): Promise<void> {
  const failures: unknown[] = [];
  for (const { executable, partition } of steps) {
    try {
      await executable.dispose();
    } catch (error) {
      failures.push(
        new BackendError(
          `backend '${partition.backend.name}' failed to dispose partition ${partition.id}`,
          { backend: partition.backend.name, partition: partition.id },
          { cause: error },
        ),
      );
    }
  }
  if (failures.length > 0) throw failures[0];
}
