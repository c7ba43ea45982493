/**
 * A test device that stands in for the NPU and DSP before they exist, to prove the backend contract fits
 * them: it supports only a few ops, keeps tensors in its own memory (a map of device buffers with a live
 * count), quantizes activations per tensor to int8 from calibration min/max (computing with fake-quant in
 * float), reviews the pieces planned for it (a segment limit), opens one context per session whose
 * memory and activation parameters its partitions share (handing tensors over without a host copy), takes
 * and gives int8 tensors at its boundaries with precision 'int8' (float32 otherwise), and serializes its
 * compiled partition (graph, weights and activation parameters, as a model image) and loads it back.
 */
import {
  ArtifactMismatchError,
  BackendError,
  decodeModel,
  EIGHT_BIT_RANGE,
  encodeModel,
  minMaxQuantization,
  SerializationError,
  Tensor,
  evaluateGraph,
  opFor,
  opsetOf,
  type Backend,
  type CalibrationTable,
  type CompiledArtifact,
  type CompileOptions,
  type DeviceContext,
  type DeviceTensor,
  type Executable,
  type ResidentRunOptions,
  type Model,
  type Partition,
  type Quantization,
  type ValueInfo,
} from '@lastmile/core';

/** Per-tensor asymmetric int8 parameters of one activation. */
export interface QuantParams {
  scale: number;
  zeroPoint: number;
}

/** What the device keeps of a compiled partition. */
interface Program {
  model: Model;
  quant: Map<string, QuantParams>;
  /** Its inputs and outputs are int8 levels (precision 'int8'), not float32. */
  int8: boolean;
}

/** What its artifacts run on: int8 activations inside, at the boundary int8 levels or float32. */
const TARGETS = { int8: 'test device, int8 boundaries', float32: 'test device, float32 boundaries' } as const;
/** The model metadata key its artifact keeps the activation parameters under. */
const QUANT_KEY = 'test-device.quant';

/** Ops the device runs when none are named. */
export const TEST_DEVICE_OPS = ['Conv', 'Relu', 'Add', 'MaxPool'];

/** What tests observe about a device instance. */
export interface TestDeviceStats {
  /** Device buffers allocated and not yet freed (weights of live executables, activations mid-run). */
  liveBuffers: number;
  /** The calibration feeds each compile received, in compile order. */
  calibrations: Record<string, Tensor>[][];
  /** Copies between host and device memory (uploads of inputs and downloads of outputs; weights aside). */
  hostCopies: number;
}

/** Device memory: host code only ever sees handles; data is copied in and out. */
class DeviceMemory {
  readonly #buffers = new Map<number, { data: Float32Array; dims: number[] }>();
  #next = 1;

  get live(): number {
    return this.#buffers.size;
  }

  upload(tensor: Tensor): number {
    const handle = this.#next++;
    this.#buffers.set(handle, { data: (tensor.data as Float32Array).slice(), dims: [...tensor.dims] });
    return handle;
  }

  /** A copy inside device memory. */
  copy(handle: number): number {
    const copy = this.#next++;
    const buffer = this.view(handle);
    this.#buffers.set(copy, { data: (buffer.data as Float32Array).slice(), dims: [...buffer.dims] });
    return copy;
  }

  freeAll(): void {
    this.#buffers.clear();
  }

  /** A host tensor viewing the buffer, for the device's own kernels. */
  view(handle: number): Tensor {
    const buffer = this.#buffers.get(handle);
    if (buffer === undefined) throw new BackendError(`test device: buffer ${handle} was freed`, { handle });
    return new Tensor('float32', buffer.data, buffer.dims);
  }

  download(handle: number): Tensor {
    return this.view(handle).clone();
  }

  free(handle: number): void {
    this.#buffers.delete(handle);
  }
}

const [INT8_MIN, INT8_MAX] = EIGHT_BIT_RANGE.int8;

/** Core's min/max int8 parameters as the device keeps them: one float32 scale and zero point. */
export function quantParams(min: number, max: number): QuantParams {
  return paramsOf(minMaxQuantization(min, max, 'int8'));
}

const paramsOf = (q: Quantization): QuantParams => ({ scale: q.scale[0], zeroPoint: q.zeroPoint[0] });

/** The parameters as IR quantization, what its executables declare at int8 boundaries. */
const quantization = (q: QuantParams): Quantization => ({ scale: [q.scale], zeroPoint: [q.zeroPoint] });

/** Fake-quantized floats as the int8 levels they hold. */
function toLevels(t: Tensor, q: QuantParams): Tensor {
  return new Tensor(
    'int8',
    Int8Array.from(t.data as Float32Array, (v) => Math.round(v / q.scale) + q.zeroPoint),
    t.dims,
  );
}

/** int8 levels as the reals they stand for. */
function fromLevels(t: Tensor, q: QuantParams): Tensor {
  return new Tensor(
    'float32',
    Float32Array.from(t.data as Int8Array, (v) => (v - q.zeroPoint) * q.scale),
    t.dims,
  );
}

function fakeQuant(data: Float32Array, q: QuantParams): void {
  for (let i = 0; i < data.length; i++) {
    const level = Math.min(INT8_MAX, Math.max(INT8_MIN, Math.round(data[i] / q.scale) + q.zeroPoint));
    data[i] = (level - q.zeroPoint) * q.scale;
  }
}

/**
 * Quant parameters of every activation (partition inputs and node outputs): from the calibration table
 * when the session has one, else from float runs on the samples. Values `shared` already has (another
 * partition of the session calibrated them) keep theirs, and the new ones are added to it, so both sides
 * of a hand-over agree.
 */
function calibrate(
  model: Model,
  samples: readonly Record<string, Tensor>[],
  table: CalibrationTable | undefined,
  shared = new Map<string, QuantParams>(),
): Map<string, QuantParams> {
  const names = [
    ...model.graph.inputs.map((i) => i.name),
    ...model.graph.nodes.flatMap((n) => n.outputs.filter(Boolean)),
  ];
  if (table !== undefined) {
    if (table.type !== 'int8')
      throw new BackendError(
        `test device: the calibration table is for ${table.type}, the device computes in int8`,
        {},
      );
    for (const name of names) {
      const entry = table.values.get(name);
      if (entry === undefined)
        throw new BackendError(`test device: the calibration table has no entry for '${name}'`, { value: name });
      if (!shared.has(name)) shared.set(name, paramsOf(entry.quant));
    }
    return new Map(names.map((name) => [name, shared.get(name) as QuantParams]));
  }
  const range = new Map(names.map((n) => [n, { min: Infinity, max: -Infinity }]));
  for (const sample of samples) {
    const values = evaluateGraph(model, sample, { keep: names });
    for (const name of names) {
      const r = range.get(name)!;
      for (const v of values[name].data as Float32Array) {
        r.min = Math.min(r.min, v);
        r.max = Math.max(r.max, v);
      }
    }
  }
  for (const [name, r] of range) if (!shared.has(name)) shared.set(name, quantParams(r.min, r.max));
  return new Map(names.map((name) => [name, shared.get(name) as QuantParams]));
}

/** The device's context: its memory and activation parameters, shared by every partition of a session. */
interface TestContext extends DeviceContext {
  memory: DeviceMemory;
  quant: Map<string, QuantParams>;
}

/** An activation left in a context's memory: int8 levels with `params`, float32 without. */
class TestDeviceTensor implements DeviceTensor {
  readonly type: 'int8' | 'float32';
  readonly quant: Quantization | undefined;
  constructor(
    readonly device: TestContext,
    readonly handle: number,
    readonly dims: readonly number[],
    private readonly stats: TestDeviceStats,
    private readonly params?: QuantParams,
  ) {
    this.type = params ? 'int8' : 'float32';
    this.quant = params && quantization(params);
  }
  download(): Tensor {
    this.stats.hostCopies++;
    const values = this.device.memory.download(this.handle);
    return this.params ? toLevels(values, this.params) : values;
  }
  release(): void {
    this.device.memory.free(this.handle);
  }
}

class TestDeviceExecutable implements Executable {
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  readonly #program: Program;
  readonly #memory: DeviceMemory;
  readonly #context: TestContext | undefined;
  readonly #stats: TestDeviceStats;
  readonly #weights = new Map<string, number>();
  #disposed = false;

  constructor(program: Program, memory: DeviceMemory, stats: TestDeviceStats, context?: TestContext) {
    this.#program = program;
    this.#memory = context?.memory ?? memory;
    this.#context = context;
    this.#stats = stats;
    const declare = (v: ValueInfo): ValueInfo =>
      program.int8 ? { ...v, type: 'int8', quant: quantization(program.quant.get(v.name) as QuantParams) } : v;
    this.inputs = program.model.graph.inputs.map(declare);
    this.outputs = program.model.graph.outputs.map(declare);
    for (const [name, tensor] of program.model.graph.initializers) this.#weights.set(name, this.#memory.upload(tensor));
  }

  async run(inputs: Readonly<Record<string, Tensor>>): Promise<Record<string, Tensor>> {
    return (await this.#run(inputs, new Set())) as Record<string, Tensor>;
  }

  /** Inputs of this context's memory are read in place; outputs in `keep` stay there. */
  runResident(
    inputs: Readonly<Record<string, Tensor | DeviceTensor>>,
    options: ResidentRunOptions,
  ): Promise<Record<string, Tensor | DeviceTensor>> {
    return this.#run(inputs, options.keep);
  }

  async #run(
    inputs: Readonly<Record<string, Tensor | DeviceTensor>>,
    keep: ReadonlySet<string>,
  ): Promise<Record<string, Tensor | DeviceTensor>> {
    if (this.#disposed) throw new BackendError('test device: executable used after dispose', { backend: 'test-npu' });
    const { model, quant, int8 } = this.#program;
    const memory = this.#memory;
    const activations = new Map<string, number>();
    const store = (name: string, handle: number) => {
      fakeQuant(memory.view(handle).data as Float32Array, quant.get(name)!);
      activations.set(name, handle);
    };
    const kept = new Set<string>();
    try {
      for (const info of this.inputs) {
        const value = inputs[info.name];
        if (value instanceof TestDeviceTensor && value.device === this.#context)
          store(info.name, memory.copy(value.handle));
        else {
          this.#stats.hostCopies++;
          const host = value as Tensor;
          store(info.name, memory.upload(int8 ? fromLevels(host, quant.get(info.name)!) : host));
        }
      }
      for (const node of model.graph.nodes) {
        const args = node.inputs.map((n) =>
          n === '' ? undefined : memory.view(activations.get(n) ?? this.#weights.get(n)!),
        );
        const opset = opsetOf(model, node.domain);
        const results = opFor(node, opset).run(args, { node, opset });
        node.outputs.forEach((name, k) => name && store(name, memory.upload(results[k])));
      }
      return Object.fromEntries(
        this.outputs.map((o) => {
          const handle = activations.get(o.name)!;
          const params = int8 ? quant.get(o.name) : undefined;
          if (this.#context && keep.has(o.name)) {
            kept.add(o.name);
            return [o.name, new TestDeviceTensor(this.#context, handle, memory.view(handle).dims, this.#stats, params)];
          }
          this.#stats.hostCopies++;
          const values = memory.download(handle);
          return [o.name, params ? toLevels(values, params) : values];
        }),
      );
    } finally {
      for (const [name, handle] of activations) if (!kept.has(name)) memory.free(handle);
    }
  }

  /** The partition's graph and weights as a model image, the activation parameters in its metadata. */
  serialize(): CompiledArtifact {
    const { model, quant, int8 } = this.#program;
    const metadata = new Map(model.metadata).set(QUANT_KEY, JSON.stringify([...quant]));
    return { target: int8 ? TARGETS.int8 : TARGETS.float32, bytes: encodeModel({ ...model, metadata }) };
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const handle of this.#weights.values()) this.#memory.free(handle);
    this.#weights.clear();
  }
}

/** The activation parameters an artifact's model keeps in its metadata. */
function quantOf(model: Model, name: string): Map<string, QuantParams> {
  let entries: unknown;
  try {
    entries = JSON.parse(model.metadata.get(QUANT_KEY) ?? '');
  } catch {
    entries = undefined;
  }
  const valid =
    Array.isArray(entries) &&
    entries.every(
      (e) =>
        Array.isArray(e) &&
        typeof e[0] === 'string' &&
        typeof e[1]?.scale === 'number' &&
        e[1].scale > 0 &&
        Number.isInteger(e[1]?.zeroPoint),
    );
  if (!valid) throw new SerializationError(`${name} artifact: its activation parameters are missing or malformed`, {});
  return new Map(entries as [string, QuantParams][]);
}

/** A fresh test device: its backend descriptor and the stats tests check. */
export function createTestDevice(
  options: {
    name?: string;
    ops?: readonly string[];
    /** Segments the device's program holds (as the NNIE's does): later pieces are given back. */
    maxSegments?: number;
    /** No board attached: it compiles (its probe says `canCompile`) but runs nothing. */
    absent?: boolean;
  } = {},
): {
  backend: Backend;
  stats: TestDeviceStats;
} {
  const name = options.name ?? 'test-npu';
  const ops = new Set(options.ops ?? TEST_DEVICE_OPS);
  const memory = new DeviceMemory();
  const calibrations: Record<string, Tensor>[][] = [];
  const contexts = new Set<TestContext>();
  const stats: TestDeviceStats = {
    get liveBuffers() {
      return [...contexts].reduce((n, c) => n + c.memory.live, memory.live);
    },
    calibrations,
    hostCopies: 0,
  };
  const backend: Backend = {
    apiVersion: 2,
    name,
    version: '1.0.0',
    requiresCalibration: true,
    probe: () =>
      options.absent
        ? {
            available: false,
            canCompile: true,
            kind: 'simulator',
            device: `${name} (test device)`,
            reason: 'no board attached',
          }
        : { available: true, kind: 'simulator', device: `${name} (test device)` },
    open() {
      const context: TestContext = {
        memory: new DeviceMemory(),
        quant: new Map(),
        close() {
          context.memory.freeAll();
          contexts.delete(context);
        },
      };
      contexts.add(context);
      return context;
    },
    review(pieces) {
      const limit = options.maxSegments ?? Number.POSITIVE_INFINITY;
      return pieces.map((piece, k) =>
        k < limit
          ? { costMs: piece.nodes.length * 0.25 }
          : { decline: { reason: `${name} holds ${limit} segment${limit === 1 ? '' : 's'} per program` } },
      );
    },
    supports(node, context) {
      if (node.domain !== '' || !ops.has(node.opType))
        return { supported: false, reason: `${name} has no ${node.opType} unit` };
      for (const value of [...node.inputs, ...node.outputs]) {
        if (value === '') continue;
        const type = context.valueType(value)?.type;
        if (type !== 'float32')
          return {
            supported: false,
            reason: `${name} takes float32 tensors only ('${value}' is ${type ?? 'untyped'})`,
          };
      }
      if (node.opType === 'Conv' && node.inputs.slice(1).some((w) => w !== '' && context.constant(w) === undefined)) {
        return { supported: false, reason: `${name} needs constant Conv weights` };
      }
      return { supported: true };
    },
    async compile(partition: Partition, compileOptions: CompileOptions): Promise<Executable> {
      const samples = compileOptions.calibration ?? [];
      const table = compileOptions.calibrationTable;
      if (samples.length === 0 && table === undefined)
        throw new BackendError(`${name} quantizes to int8 and needs calibration samples`, {
          backend: name,
          partition: partition.id,
        });
      calibrations.push([...samples]);
      const context = compileOptions.context as TestContext | undefined;
      if (!['auto', 'int8', undefined].includes(compileOptions.precision))
        throw new BackendError(`${name} computes in int8: precision '${compileOptions.precision}' is not one it has`, {
          backend: name,
          got: compileOptions.precision,
        });
      const program = {
        model: partition.model,
        quant: calibrate(partition.model, samples, table, context?.quant),
        int8: compileOptions.precision === 'int8',
      };
      return new TestDeviceExecutable(program, memory, stats, context);
    },
    async load(artifact, loadOptions): Promise<Executable> {
      const { target } = artifact.header;
      if (target !== TARGETS.int8 && target !== TARGETS.float32)
        throw new ArtifactMismatchError(
          `${name} runs '${TARGETS.int8}' or '${TARGETS.float32}', the artifact is for '${target}'`,
          {
            field: 'target',
            got: target,
          },
        );
      const model = decodeModel(artifact.bytes, `${name} artifact`);
      return new TestDeviceExecutable(
        { model, quant: quantOf(model, name), int8: target === TARGETS.int8 },
        memory,
        stats,
        loadOptions.context as TestContext | undefined,
      );
    },
  };
  return { backend, stats };
}
