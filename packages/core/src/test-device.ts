/**
 * A test device that stands in for the NPU and DSP before they exist, to prove the backend contract fits
 * them: it supports only a few ops, keeps tensors in its own memory (a map of device buffers with a live
 * count), quantizes activations per tensor to int8 from calibration min/max (computing with fake-quant in
 * float), reviews the pieces planned for it (a segment limit), opens one context per session whose
 * memory its partitions share (handing tensors over without a host copy), and serializes its compiled
 * partition (graph, weights and activation parameters, as a model image) and loads it back.
 */
import {
  ArtifactMismatchError,
  BackendError,
  decodeModel,
  encodeModel,
  SerializationError,
  Tensor,
  evaluateGraph,
  opFor,
  opsetOf,
  type Backend,
  type CompiledArtifact,
  type CompileOptions,
  type DeviceContext,
  type DeviceTensor,
  type Executable,
  type ResidentRunOptions,
  type Model,
  type Partition,
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
}

/** What its artifacts run on. */
const TARGET = 'test device, int8 activations (fake-quant)';
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

const INT8_MIN = -128;
const INT8_MAX = 127;

/** Asymmetric int8 parameters covering [min, max] and zero. */
export function quantParams(min: number, max: number): QuantParams {
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  const scale = hi > lo ? (hi - lo) / (INT8_MAX - INT8_MIN) : 1;
  return { scale, zeroPoint: Math.round(INT8_MIN - lo / scale) };
}

function fakeQuant(data: Float32Array, q: QuantParams): void {
  for (let i = 0; i < data.length; i++) {
    const level = Math.min(INT8_MAX, Math.max(INT8_MIN, Math.round(data[i] / q.scale) + q.zeroPoint));
    data[i] = (level - q.zeroPoint) * q.scale;
  }
}

/** Quant parameters of every activation (partition inputs and node outputs) from float runs on the samples. */
function calibrate(model: Model, samples: readonly Record<string, Tensor>[]): Map<string, QuantParams> {
  const names = [
    ...model.graph.inputs.map((i) => i.name),
    ...model.graph.nodes.flatMap((n) => n.outputs.filter(Boolean)),
  ];
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
  return new Map([...range].map(([name, r]) => [name, quantParams(r.min, r.max)]));
}

/** The device's context: its memory, shared by every partition of a session. */
interface TestContext extends DeviceContext {
  memory: DeviceMemory;
}

/** An activation left in a context's memory. */
class TestDeviceTensor implements DeviceTensor {
  readonly type = 'float32' as const;
  constructor(
    readonly device: TestContext,
    readonly handle: number,
    readonly dims: readonly number[],
    private readonly stats: TestDeviceStats,
  ) {}
  download(): Tensor {
    this.stats.hostCopies++;
    return this.device.memory.download(this.handle);
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
    this.inputs = program.model.graph.inputs;
    this.outputs = program.model.graph.outputs;
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
    const { model, quant } = this.#program;
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
          store(info.name, memory.upload(value as Tensor));
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
          if (this.#context && keep.has(o.name)) {
            kept.add(o.name);
            return [o.name, new TestDeviceTensor(this.#context, handle, memory.view(handle).dims, this.#stats)];
          }
          this.#stats.hostCopies++;
          return [o.name, memory.download(handle)];
        }),
      );
    } finally {
      for (const [name, handle] of activations) if (!kept.has(name)) memory.free(handle);
    }
  }

  /** The partition's graph and weights as a model image, the activation parameters in its metadata. */
  serialize(): CompiledArtifact {
    const { model, quant } = this.#program;
    const metadata = new Map(model.metadata).set(QUANT_KEY, JSON.stringify([...quant]));
    return { target: TARGET, bytes: encodeModel({ ...model, metadata }) };
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
      if (samples.length === 0)
        throw new BackendError(`${name} quantizes to int8 and needs calibration samples`, {
          backend: name,
          partition: partition.id,
        });
      calibrations.push([...samples]);
      return new TestDeviceExecutable(
        { model: partition.model, quant: calibrate(partition.model, samples) },
        memory,
        stats,
        compileOptions.context as TestContext | undefined,
      );
    },
    async load(artifact, loadOptions): Promise<Executable> {
      if (artifact.header.target !== TARGET)
        throw new ArtifactMismatchError(`${name} runs '${TARGET}', the artifact is for '${artifact.header.target}'`, {
          field: 'target',
          expected: TARGET,
          got: artifact.header.target,
        });
      const model = decodeModel(artifact.bytes, `${name} artifact`);
      return new TestDeviceExecutable(
        { model, quant: quantOf(model, name) },
        memory,
        stats,
        loadOptions.context as TestContext | undefined,
      );
    },
  };
  return { backend, stats };
}
