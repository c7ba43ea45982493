/**
 * The Session: the six-call lifecycle (init, prepare, setTensor, forward, getTensor, destroy) and the
 * one-call `run`. Calls that touch compiled plans go through one promise chain, so concurrent runs are
 * queued and never see each other's values, and destroy() frees executables only after the run in flight.
 */
import type { Backend, ProfileEntry } from '../backend/contract.js';
import { decodeBundle } from '../artifact/bundle.js';
import { type CalibrateOptions, type CalibrationTable, calibrate, checkTableFor } from '../calibration/table.js';
import {
  BackendUnavailableError,
  InputError,
  ModelFormatError,
  QueueFullError,
  SessionClosedError,
  SessionStateError,
} from '../errors.js';
import { readRegularFile, writeFileAtomic } from '../files.js';
import type { Model, ValueInfo } from '../ir/graph.js';
import type { AssignmentReport, PartitionSummary } from '../partition/report.js';
import { optimize } from '../passes/optimize.js';
import type { Tensor } from '../tensor.js';
import { selectBackends } from './backend-selection.js';
import { checkFeeds, checkInput, concreteInputShapes, snapshotFeeds } from './input-check.js';
import { type CaffeModelSource, importModel, isCaffeModelSource } from './model-source.js';
import {
  DEFAULT_BACKENDS,
  DEFAULT_MAX_QUEUED_RUNS,
  type RunOptions,
  type SessionEvent,
  type SessionOptions,
} from './options.js';
import {
  buildPlan,
  disposeAll,
  executePlan,
  planProfile,
  shapeSignature,
  type BoundaryCounts,
  type Plan,
  type PlanContext,
} from './plan.js';
import { exportPlan, loadPlan } from './bundle-io.js';
import { closeContexts } from './device-handover.js';
import { createStopper, earlierDeadline, type StopOptions, type Stopper } from './stopper.js';

const DEFAULT_MAX_CACHED_PLANS = 8;

/** When an init or a plan build started now must be done by, from `compileTimeoutMs`. */
function compileDeadline(options: SessionOptions): number | undefined {
  const ms = options.compileTimeoutMs;
  if (ms === undefined) return undefined;
  if (!(ms > 0))
    throw new InputError(`compileTimeoutMs must be a positive number of ms, got ${ms}`, {
      option: 'compileTimeoutMs',
      got: ms,
    });
  return Date.now() + ms;
}

function isModel(value: unknown): value is Model {
  return (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof Uint8Array) &&
    typeof (value as Model).graph === 'object'
  );
}

/** A model deployed on a set of backends. */
export class Session {
  /** The validated, optimized model. */
  readonly model: Model;
  /** The usable backends, by priority. */
  readonly backends: readonly Backend[];
  readonly #context: PlanContext;
  readonly #plans = new Map<string, Plan>();
  readonly #bound = new Map<string, Tensor>();
  #current: Plan | undefined;
  #outputs: Record<string, Tensor> | undefined;
  #boundaries: BoundaryCounts | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  /** Runs and forwards queued or in flight. */
  #pending = 0;
  #closed = false;
  #destroyed: Promise<void> | undefined;
  /** Backends selected to compile only: their devices are not here (see `SessionOptions.purpose`). */
  #compileOnly: ReadonlySet<Backend> = new Set();

  private constructor(
    model: Model,
    backends: Backend[],
    options: SessionOptions,
    emit: (event: SessionEvent) => void,
    contexts: PlanContext['contexts'] = new Map(),
  ) {
    this.model = model;
    this.backends = backends;
    this.#context = { model, backends, options, emit, contexts };
  }

  /**
   * Loads a bundle that `export` wrote (a path or its bytes) and runs it without the source model: each
   * partition's backend (a Backend object in `options.backends`, else the installed package of that
   * name) loads its artifact. Its model is the bundle's inputs and outputs at the shapes it was prepared
   * for, so other shapes are refused as any wrong input is.
   * A damaged bundle is a SerializationError, one built for another backend version or target an
   * ArtifactMismatchError, and nothing runs.
   */
  static async load(source: string | Uint8Array, options: SessionOptions = {}): Promise<Session> {
    const emit = options.onEvent ?? (() => undefined);
    const what = typeof source === 'string' ? `bundle '${source}'` : 'bundle';
    const bytes = typeof source === 'string' ? await readRegularFile(source, 'bundle') : source;
    const bundle = decodeBundle(bytes, what);
    const contexts: PlanContext['contexts'] = new Map();
    let loaded: Awaited<ReturnType<typeof loadPlan>>;
    try {
      loaded = await loadPlan(bundle, { what, options, contexts, emit });
    } catch (error) {
      // The load's own failure is what the caller needs; a context failing to close as well is secondary.
      await closeContexts(contexts).catch(() => undefined);
      throw error;
    }
    const session = new Session(bundle.host, loaded.backends, options, emit, contexts);
    session.#plans.set(loaded.plan.signature, loaded.plan);
    session.#current = loaded.plan;
    return session;
  }

  /**
   * Writes the last prepared plan as a bundle (to `file` when given, atomically) and returns its bytes:
   * every partition's compiled artifact in its envelope, the plan and the assignment report, so
   * {@link Session.load} runs it without the model. Every backend of the plan must serialize.
   */
  async export(file?: string): Promise<Uint8Array> {
    this.#checkOpen();
    return this.#enqueue(async () => {
      const plan = this.#current;
      if (plan === undefined)
        throw new SessionStateError('export() before prepare(): there is no compiled plan to write yet', {});
      const bytes = await exportPlan(plan);
      if (file !== undefined) await writeFileAtomic(file, bytes);
      return bytes;
    });
  }

  /**
   * NN_Init: imports (bytes or path, format told by content; or Caffe's `{ prototxt, caffemodel }`),
   * validates and optimizes, then picks the backends.
   */
  static async init(
    model: Model | Uint8Array | string | CaffeModelSource,
    options: SessionOptions = {},
  ): Promise<Session> {
    const emit = options.onEvent ?? (() => undefined);
    const stop = createStopper('init', { deadline: compileDeadline(options) });
    try {
      let source: Model;
      if (isModel(model)) source = model;
      else if (model instanceof Uint8Array || typeof model === 'string' || isCaffeModelSource(model)) {
        source = await importModel(model, options, options.importOptions ?? {}, emit);
      } else
        throw new ModelFormatError(
          `Session.init needs a Model, the model's bytes or a path, got ${model === null ? 'null' : typeof model}`,
          { got: typeof model },
        );
      await stop.checkpoint();
      // optimize() validates first (topological order, GraphError on malformed graphs).
      const optimized = optimize(source, { level: options.optimization });
      if (options.calibrationTable) checkTableFor(options.calibrationTable, optimized);
      await stop.checkpoint();
      const { usable, compileOnly } = await selectBackends(
        options.backends ?? DEFAULT_BACKENDS,
        options,
        emit,
        options.purpose,
      );
      const session = new Session(optimized, usable, options, emit);
      session.#compileOnly = compileOnly;
      return session;
    } finally {
      stop.release();
    }
  }

  /** The model's runtime inputs. */
  get inputs(): readonly ValueInfo[] {
    return this.model.graph.inputs;
  }

  get outputs(): readonly ValueInfo[] {
    return this.model.graph.outputs;
  }

  /** Where each node of the last prepared plan runs; undefined before the first prepare. */
  get assignment(): AssignmentReport | undefined {
    return this.#current?.report;
  }

  /** The partitions of the last prepared plan, in run order. */
  get partitions(): readonly PartitionSummary[] {
    return this.#current?.report.partitions ?? [];
  }

  /**
   * NN_Prepare: infers shapes for `inputShapes` (needed for every input with symbolic dims), partitions
   * and compiles. Plans are cached per shape signature, so preparing known shapes again is free. It lets
   * the event loop run between its stages and partitions; `options` can cancel it or give it a deadline
   * (and `compileTimeoutMs` bounds it too).
   */
  async prepare(inputShapes?: Readonly<Record<string, readonly number[]>>, options: StopOptions = {}): Promise<void> {
    this.#checkOpen();
    const shapes = concreteInputShapes(this.inputs, inputShapes);
    const stop = createStopper('prepare', options);
    await this.#enqueueStoppable(stop, async () => {
      await this.#planFor(shapes, stop);
    });
  }

  /**
   * Builds a calibration table for this session's model: runs it on every sample (an async iterable
   * streams them) with the reference interpreter and records each float value's range and the int8
   * (or uint8) parameters chosen from it. Save it with `writeCalibrationTable`; give it to sessions of
   * the same model as `calibrationTable`.
   */
  calibrate(
    samples: AsyncIterable<Record<string, Tensor>> | Iterable<Record<string, Tensor>>,
    options: CalibrateOptions = {},
  ): Promise<CalibrationTable> {
    this.#checkOpen();
    return calibrate(this.model, samples, options);
  }

  /** NN_SetTensor: binds an input for the next forward(), checked against the model's declaration. */
  setTensor(name: string, tensor: Tensor): void {
    this.#checkOpen();
    const info = this.inputs.find((i) => i.name === name);
    if (info === undefined) {
      throw new InputError(
        `unknown input name '${name}' (the model's inputs are ${this.inputs.map((i) => `'${i.name}'`).join(', ')})`,
        {
          unknown: [name],
          expected: this.inputs.map((i) => i.name),
        },
      );
    }
    this.#bound.set(name, checkInput(info, tensor));
  }

  /** NN_Forward: runs the model on the bound inputs (preparing for their shapes when needed). */
  async forward(options: RunOptions = {}): Promise<void> {
    this.#checkOpen();
    const feeds = snapshotFeeds(checkFeeds(this.inputs, Object.fromEntries(this.#bound)));
    this.#outputs = await this.#enqueueRun(feeds, options);
  }

  /** NN_GetTensor: an output of the last forward(). */
  getTensor(name: string): Tensor {
    this.#checkOpen();
    if (this.#outputs === undefined)
      throw new SessionStateError(`getTensor('${name}') before forward(): there are no outputs yet`, { value: name });
    if (!Object.hasOwn(this.#outputs, name)) {
      throw new InputError(
        `'${name}' is not an output (the outputs are ${Object.keys(this.#outputs)
          .map((n) => `'${n}'`)
          .join(', ')})`,
        {
          value: name,
          expected: Object.keys(this.#outputs),
        },
      );
    }
    return this.#outputs[name];
  }

  /**
   * Runs the model on `feeds` (every input, no unknown names) and returns the outputs by name. Runs queue
   * behind each other; `options` can cancel one or give it a deadline (see {@link RunOptions}).
   */
  async run(feeds: Readonly<Record<string, Tensor>>, options: RunOptions = {}): Promise<Record<string, Tensor>> {
    this.#checkOpen();
    const checked = snapshotFeeds(checkFeeds(this.inputs, feeds));
    return this.#enqueueRun(checked, options);
  }

  /**
   * How the values between partitions travelled in the last run: handed over in device memory (between
   * partitions of a backend with a device context, or of backends sharing its memory) or copied through
   * the host. Undefined before the first run.
   */
  get boundaries(): BoundaryCounts | undefined {
    return this.#boundaries ? { ...this.#boundaries } : undefined;
  }

  /** Per-node timings of the last run, from backends compiled with `profiling`. */
  profile(): ProfileEntry[] {
    this.#checkOpen();
    return this.#current ? planProfile(this.#current) : [];
  }

  /**
   * NN_Destroy: refuses new calls at once, lets the run in flight finish (queued ones fail with
   * SessionClosedError), then disposes every executable. Calling it again returns the same promise.
   */
  destroy(): Promise<void> {
    if (this.#destroyed === undefined) {
      this.#closed = true;
      this.#destroyed = this.#queue.then(async () => {
        const plans = [...this.#plans.values()];
        this.#plans.clear();
        this.#bound.clear();
        this.#current = undefined;
        this.#outputs = undefined;
        try {
          for (const plan of plans) await disposeAll(plan.partitions);
        } finally {
          await closeContexts(this.#context.contexts);
        }
      });
    }
    return this.#destroyed;
  }

  #checkOpen(): void {
    if (this.#closed) throw new SessionClosedError('the session was destroyed', {});
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(() => {
      this.#checkOpen();
      return task();
    });
    this.#queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Queues a run, bounded by `maxQueuedRuns`. Its caller's promise settles when the run ends, or at once
   * when the signal fires or the deadline passes; the queue itself waits until the run has really
   * stopped, so two runs never use the executables at the same time.
   */
  #enqueueRun(feeds: Record<string, Tensor>, options: RunOptions): Promise<Record<string, Tensor>> {
    const stop = createStopper('run', options);
    const limit = this.#context.options.maxQueuedRuns ?? DEFAULT_MAX_QUEUED_RUNS;
    if (this.#pending >= limit) {
      stop.release();
      throw new QueueFullError(`the session already holds ${this.#pending} runs (maxQueuedRuns ${limit})`, {
        pending: this.#pending,
        limit,
      });
    }
    this.#pending++;
    return this.#enqueueStoppable(
      stop,
      () => this.#execute(feeds, stop),
      () => this.#pending--,
    );
  }

  /**
   * Queues `task` under `stop`: it never starts once stopped, and the caller's promise settles at the
   * stop even while the task still runs (the queue waits for it). `done` runs when the task has ended.
   */
  #enqueueStoppable<T>(stop: Stopper, task: () => Promise<T>, done?: () => void): Promise<T> {
    const work = this.#enqueue(async () => {
      stop.check();
      return task();
    });
    work
      .finally(() => {
        done?.();
        stop.release();
      })
      .catch(() => undefined);
    return Promise.race([work, stop.stopped]);
  }

  async #execute(feeds: Record<string, Tensor>, stop: Stopper): Promise<Record<string, Tensor>> {
    const shapes = Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, [...t.dims]]));
    const counts: BoundaryCounts = { onDevice: 0, throughHost: 0 };
    const plan = await this.#planFor(shapes, stop);
    const absent = plan.partitions.find((p) => this.#compileOnly.has(p.partition.backend));
    if (absent !== undefined) {
      const { backend, id } = absent.partition;
      throw new BackendUnavailableError(
        `partition ${id} runs on '${backend.name}', whose device is not here (the session compiles for it): export a bundle and run it where the device is`,
        { backend: backend.name, partition: id },
      );
    }
    const outputs = await executePlan(plan, feeds, stop.signal, counts);
    this.#boundaries = counts;
    return outputs;
  }

  /**
   * The plan for these shapes: cached (most recently used last) or built within the caller's stop and
   * `compileTimeoutMs`, evicting the oldest past the limit.
   */
  async #planFor(shapes: Record<string, number[]>, caller: Stopper): Promise<Plan> {
    const signature = shapeSignature(
      shapes,
      this.inputs.map((i) => i.name),
    );
    let plan = this.#plans.get(signature);
    if (plan !== undefined) this.#plans.delete(signature);
    else {
      const options = this.#context.options;
      const stop = createStopper('prepare', {
        signal: caller.signal,
        deadline: earlierDeadline(caller.deadline, compileDeadline(options)),
      });
      try {
        plan = await buildPlan(this.#context, shapes, signature, stop);
      } finally {
        stop.release();
      }
    }
    this.#plans.set(signature, plan);
    this.#current = plan;
    const limit = Math.max(1, this.#context.options.maxCachedPlans ?? DEFAULT_MAX_CACHED_PLANS);
    for (const [key, old] of this.#plans) {
      if (this.#plans.size <= limit) break;
      this.#plans.delete(key);
      this.#context.emit({ type: 'plan-evicted', signature: key });
      await disposeAll(old.partitions);
    }
    return plan;
  }
}
