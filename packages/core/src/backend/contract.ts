/**
 * The backend contract, version 2. Core owns it; every device package implements it and exports one
 * named `backend`. It fits a CPU that runs everything, a GPU with its own memory, and a DSP or NPU that
 * takes only some ops, compiles with calibration data and deploys compiled artifacts. Version-1 backends
 * still load, through the adapter in v1-adapter.ts.
 */
import type { Model, Node, Quantization, ValueInfo, ValueType } from '../ir/graph.js';
import type { CalibrationTable } from '../calibration/table.js';
import type { Tensor, TensorType } from '../tensor.js';

/**
 * The contract version this core speaks. A backend declares the version it implements as a literal
 * (`apiVersion: 2`), not this constant, which follows the core it runs with.
 */
export const BACKEND_API_VERSION = 2;

/** What runs the computation: real silicon, a simulator of it, an emulation (qemu), or plain software. */
export type DeviceKind = 'hardware' | 'simulator' | 'emulated' | 'software';

/** What `probe()` found. */
export interface ProbeResult {
  /** The device is here and runs executables. */
  available: boolean;
  /**
   * `compile` works here even without the device (a vendor toolchain or a simulator builds artifacts on
   * a host, as the NNIE flow compiles on a PC for the board): `lastmile compile` uses such a backend.
   * Defaults to `available`.
   */
  canCompile?: boolean;
  kind: DeviceKind;
  /** Human-readable device, e.g. "PoCL CPU device (OpenCL 3.0)" or "NNIE 1.1 simulator". */
  device: string;
  /** Why it is unavailable, when it is. */
  reason?: string;
  details?: Record<string, unknown>;
}

/** A per-node capability answer: yes, or no with a reason people can read. */
export type Support = { supported: true } | { supported: false; reason: string };

/** What `supports()` may look at besides the node. */
export interface SupportContext {
  /** Opset of the node's domain. */
  opset: number;
  /** Type and shape of a value (inputs, outputs, intermediates), when inferred. */
  valueType(name: string): ValueType | undefined;
  /** The constant value of a value (initializer), when it is one. */
  constant(name: string): Tensor | undefined;
}

/** A piece of the graph the partitioner plans to give a backend, as {@link Backend.review} sees it. */
export interface PlannedPiece {
  /** Its nodes, in run order. */
  nodes: readonly Node[];
  /** Runtime values it takes from graph inputs or other pieces (constants excluded). */
  inputs: readonly string[];
  /** Values other pieces or the caller need from it. */
  outputs: readonly string[];
}

/** A backend's verdict on one planned piece. */
export interface PieceReview {
  /**
   * Gives nodes back: those named (by node name), or the whole piece when `nodes` is omitted. They go to
   * the next backend that supports them, and the report shows `reason`.
   */
  decline?: { nodes?: readonly string[]; reason: string };
  /** What the backend expects the piece to cost per run, in ms (modelled or measured): shown in the report. */
  costMs?: number;
}

/** A connected, acyclic piece of the graph given to one backend. */
export interface Partition {
  id: number;
  /** A self-contained model: its graph's inputs/outputs are the partition boundary, fully shaped. */
  model: Model;
}

/** Numeric precision asked of a backend; `auto` lets the backend pick its native one. */
export type Precision = 'auto' | 'fp32' | 'fp16' | 'int8';

/** Options passed to `compile`. */
export interface CompileOptions {
  /** Worker threads a CPU backend may use. */
  threads?: number;
  precision?: Precision;
  /** Sample feeds for this partition's inputs, for backends that quantize. */
  calibration?: readonly Record<string, Tensor>[];
  /**
   * Parameters already chosen for the model's values (by name): a quantizing backend takes them rather
   * than calibrating on `calibration`, which is then empty when the session was given no samples.
   */
  calibrationTable?: CalibrationTable;
  /** Record per-node timings. */
  profiling?: boolean;
  /** Backend-specific settings, passed through from the session's `backendOptions[name]`. */
  deviceOptions?: Readonly<Record<string, unknown>>;
  signal?: AbortSignal;
  /** What the backend's `open` returned for this session, shared by all its partitions. */
  context?: DeviceContext;
}

/**
 * What every partition of a session on one backend shares: the device opened once, its memory pool,
 * its program cache. `Backend.open` makes it before the first compile; the session closes it last.
 */
export interface DeviceContext {
  /**
   * Backends (by name) whose executables read this context's device tensors directly, as processors
   * sharing DDR do. Its own backend always can.
   */
  readonly shares?: readonly string[];
  close(): void | Promise<void>;
}

/**
 * A value left in device memory between two partitions that can both reach it: the session hands it
 * from one executable's outputs to the next one's inputs without a copy through the host.
 */
export interface DeviceTensor {
  /** The context whose memory holds it. */
  readonly device: DeviceContext;
  readonly type: TensorType;
  readonly dims: readonly number[];
  /** What its integers mean, for int8/uint8 values (the producing executable's declared output). */
  readonly quant?: Quantization;
  /** A host copy. */
  download(): Tensor | Promise<Tensor>;
  /** Frees the device memory; the session calls it once, after the value's last reader. */
  release(): void;
}

/** Options of {@link Executable.runResident}. */
export interface ResidentRunOptions {
  signal?: AbortSignal;
  /** Outputs that may stay in device memory (returned as {@link DeviceTensor}s). */
  keep: ReadonlySet<string>;
}

/** One timed step of a profiled run. */
export interface ProfileEntry {
  /** Node (or fused group) name. */
  name: string;
  op: string;
  /** Milliseconds; simulated backends report modelled time and set `simulated`. */
  ms: number;
  simulated?: boolean;
}

/** A compiled partition: the device's deploy artifact, ready to run. */
export interface Executable {
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  /** Runs once; inputs and outputs are host tensors named as in the partition's graph. */
  run(inputs: Readonly<Record<string, Tensor>>, options?: { signal?: AbortSignal }): Promise<Record<string, Tensor>>;
  /**
   * Optional, for backends with a context: runs once where some inputs are device tensors of a context
   * this executable reads, and the outputs in `options.keep` may stay on the device. The session uses
   * it, when present, for every run.
   */
  runResident?(
    inputs: Readonly<Record<string, Tensor | DeviceTensor>>,
    options: ResidentRunOptions,
  ): Promise<Record<string, Tensor | DeviceTensor>>;
  /** Frees device memory, workers and caches. Idempotent. */
  dispose(): void | Promise<void>;
  /**
   * The compiled partition as bytes its backend's `load` turns back into an executable giving the same
   * outputs bit for bit. Core wraps them in the artifact envelope (see {@link ArtifactHeader}).
   */
  serialize?(): CompiledArtifact | Promise<CompiledArtifact>;
  /** Timings of the last run, when compiled with `profiling`. */
  profile?(): ProfileEntry[];
}

/** What {@link Executable.serialize} returns: the backend's own bytes and what they were built for. */
export interface CompiledArtifact {
  /**
   * What the bytes run on, in the backend's words (an ISA and its features, a chip and precision): its
   * `load` refuses a target it cannot run, with ArtifactMismatchError.
   */
  target: string;
  bytes: Uint8Array;
}

/** The names, types and shapes at a compiled partition's boundary, as its executable declares them. */
export interface PartitionSignature {
  inputs: ValueInfo[];
  outputs: ValueInfo[];
}

/**
 * The facts the envelope around every artifact carries. Core checks them against the backend before
 * `load` sees the bytes, and the loaded executable against `signature` after.
 */
export interface ArtifactHeader {
  /** The contract version the artifact was written under. */
  contract: number;
  backend: string;
  backendVersion: string;
  /** The backend's numeric contract when it was compiled (see {@link Backend.numerics}). */
  numerics: string;
  target: string;
  /** A hash of the compile options that shape the artifact (precision, device options). */
  optionsHash: string;
  signature: PartitionSignature;
}

/** What {@link Backend.load} receives: the envelope's header, already checked, and the backend's bytes. */
export interface LoadRequest {
  header: ArtifactHeader;
  bytes: Uint8Array;
}

/** A backend: the descriptor a device package exports as `backend`. */
export interface Backend {
  /** The contract version implemented: 2 (a 1 loads through core's adapter). */
  readonly apiVersion: number;
  /** Short name, e.g. `cpu-neon`, or the package name of a third-party backend. */
  readonly name: string;
  /**
   * The backend's own version (its package's): artifacts load only into the version that wrote them.
   * Without one it is `unversioned`, and such artifacts load into any unversioned build.
   */
  readonly version?: string;
  /**
   * The id of the backend's numeric contract: change it whenever an output may change by a bit, so
   * artifacts and expectations built under the old one are refused. Default `<name>@<version>`.
   */
  readonly numerics?: string;
  /** True when `compile` needs `calibration` samples or a `calibrationTable` (quantizing NPUs and DSPs). */
  readonly requiresCalibration?: boolean;
  /**
   * Whether the device is there, and what it is: hardware, a simulator, an emulation or plain software
   * (simulators must say so: every figure they produce is simulated). A session skips a backend whose
   * probe says unavailable, with its `reason`; `lastmile devices` prints the answer. It must not throw
   * for a missing device, and should answer quickly: it runs once per session.
   */
  probe(): ProbeResult | Promise<ProbeResult>;
  /**
   * Whether this backend runs `node` as it stands (op, domain, opset, attributes, and the types and
   * shapes `context` gives), with a reason people can read when not. The partitioner asks it of every
   * node before compiling; a node declined here goes to a later backend, or, with fallback off, fails
   * the session listing every reason. Must be synchronous and free of side effects.
   */
  supports(node: Node, context: SupportContext): Support;
  /**
   * Optional: the graph-level say. Once every node was asked `supports`, the partitioner cuts the graph
   * and hands each backend all the pieces it plans for it, in run order; the backend answers one review
   * per piece. A device with limits no single node shows (at most 8 segments, 16 inputs a segment, a
   * piece too small to pay for a round trip) gives back what breaks them; the nodes go to later backends,
   * the graph is cut again and reviewed again, until every backend keeps what it has. Must be
   * synchronous and free of side effects; throwing is a BackendError at prepare.
   */
  review?(pieces: readonly PlannedPiece[], context: Omit<SupportContext, 'opset'>): readonly PieceReview[];
  /**
   * Compiles one partition (a self-contained model whose inputs and outputs are its boundary, every
   * node one this backend said it supports) into an executable: pack weights, lay out memory, generate
   * kernels, quantize with `options.calibration` where the device needs it. Called once per partition
   * and input-shape signature; the result is cached by the session and disposed with it.
   */
  compile(partition: Partition, options: CompileOptions): Promise<Executable>;
  /**
   * Optional: opens what the session's partitions on this backend share (see {@link DeviceContext}),
   * once, before its first compile; passed to `compile` and `load` as `options.context`.
   */
  open?(options: { deviceOptions?: Readonly<Record<string, unknown>> }): DeviceContext | Promise<DeviceContext>;
  /**
   * Turns what `Executable.serialize` wrote back into an executable, on the device, without the model
   * it came from. Core has checked the envelope (contract, name, version, numerics) and checks the
   * executable's inputs and outputs against `artifact.header.signature`; the backend checks the target
   * and its own bytes, refusing what it cannot run with ArtifactMismatchError or SerializationError.
   */
  load?(artifact: LoadRequest, options: CompileOptions): Promise<Executable>;
}
