/**
 * What a Session can be asked for, and the events it reports instead of printing.
 */
import type { Backend, Precision, ProbeResult } from '../backend/contract.js';
import type { CalibrationTable } from '../calibration/table.js';
import type { OptimizeOptions } from '../passes/optimize.js';
import type { AssignmentReport } from '../partition/report.js';
import type { Tensor } from '../tensor.js';
import type { StopOptions } from './stopper.js';

/** The backends of a session that names none: the SIMD CPU backend when installed (skipped with an event when not), then the reference. */
export const DEFAULT_BACKENDS: readonly string[] = ['cpu-neon', 'reference'];

/** Runs a session holds at once when `maxQueuedRuns` is not given. */
export const DEFAULT_MAX_QUEUED_RUNS = 256;

/** Options of one `run()` or `forward()`. */
export interface RunOptions extends StopOptions {
  /**
   * Cancels the run: a run still queued never starts, and one in flight is told through its executables'
   * `signal` and settles at once with CancelledError (the next run still waits for it to stop).
   */
  signal?: AbortSignal;
  /** The time (as `Date.now()`) by which the run must be done; past it the run fails with TimeoutError as above. */
  deadline?: number;
}

/** Options of {@link Session.init}. */
export interface SessionOptions {
  /**
   * Backends by priority: short names, package names or Backend objects. Default {@link DEFAULT_BACKENDS}:
   * cpu-neon where it is installed, else the reference interpreter.
   */
  backends?: readonly (string | Backend)[];
  /**
   * What the session is for: 'run' (default) takes the backends whose device is here; 'compile' also
   * takes those that can compile without their device (probe's `canCompile`, as a vendor toolchain on a
   * host does), to `export` bundles for the board. A plan using such a backend cannot run here.
   */
  purpose?: 'run' | 'compile';
  /** Let nodes the first backend declines run on later ones (default true). */
  fallback?: boolean;
  /**
   * With fallback, the fewest nodes a partition needs to stay on its backend (default 4): smaller pieces
   * move to a later backend beside them that takes them, since each boundary costs a copy through the
   * host. 1 keeps every node on the first backend that takes it. See `PartitionOptions.minPartitionNodes`.
   */
  minPartitionNodes?: number;
  /** Graph optimization at init: 'basic' (default) or 'none'. */
  optimization?: OptimizeOptions['level'];
  threads?: number;
  /**
   * What each backend computes in: one precision for all, or one per backend name (`{ 'npu-nnie': 'int8' }`);
   * a backend not named gets `auto`. Values crossing between backends are converted where the two sides
   * differ (see the backend guide) and passed as they are where they agree.
   */
  precision?: Precision | Readonly<Record<string, Precision>>;
  /** Ask executables for per-node timings (see `Session.profile`). */
  profiling?: boolean;
  /** Sample feeds of the model's inputs, for backends that quantize. */
  calibration?: readonly Record<string, Tensor>[];
  /**
   * Parameters chosen before (`session.calibrate`, then `writeCalibrationTable`), for this model: quantizing
   * backends take them, and need no `calibration` samples. A table of another model is refused at init.
   */
  calibrationTable?: CalibrationTable;
  /** Settings for one backend, by backend name, passed to its `compile` as `deviceOptions`. */
  backendOptions?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Where backends and importers are looked up first; see `defaultProjectRoot`. */
  projectRoot?: string;
  /**
   * Places searched after the project root (folders or `file:` URLs, each from its real path up): an app
   * or tool passes its own `import.meta.url` so the backends and importers installed with it are found.
   */
  resolveFrom?: readonly string[];
  /** Largest tensor, in bytes, shape inference accepts. */
  maxTensorBytes?: number;
  /**
   * Most bytes a plan may hold at once (weights, inputs and the values live across its busiest node),
   * checked when it is prepared, before any backend allocates: ResourceLimitError past it. Default: half
   * the machine's memory, and at most 1000 times the model's weights and inputs (past 256 MiB), which
   * refuses tiny models that would ask for gigabytes; giving a budget lifts that second check.
   */
  maxMemoryBytes?: number;
  /**
   * Most milliseconds one init (import and optimization) or one plan build (shape inference,
   * partitioning, compiling every partition) may take: TimeoutError past it, with whatever was compiled
   * freed. Checked between stages and partitions, where the event loop also gets to run. Default: no limit.
   */
  compileTimeoutMs?: number;
  /** Most compiled plans (one per input-shape signature) kept; the least recently used is disposed. Default 8. */
  maxCachedPlans?: number;
  /**
   * Most runs (and forwards) a session holds at once, the one in flight included; past it `run()` fails at
   * once with QueueFullError instead of queueing without bound. Default {@link DEFAULT_MAX_QUEUED_RUNS}.
   */
  maxQueuedRuns?: number;
  /** Options handed to the model importer as they are (base directory for external data, limits...). */
  importOptions?: Readonly<Record<string, unknown>>;
  /** Receives progress and diagnostics; the library itself never prints. */
  onEvent?: (event: SessionEvent) => void;
}

/** Everything a session reports. */
export type SessionEvent =
  | { type: 'model-imported'; format: string; importer: string }
  | { type: 'backend-skipped'; backend: string; reason: string }
  | { type: 'backend-selected'; backend: string; probe: ProbeResult }
  | { type: 'partitioned'; signature: string; report: AssignmentReport }
  | { type: 'calibrated'; partition: number; backend: string; samples: number }
  | { type: 'compiled'; partition: number; backend: string; nodeCount: number; ms: number }
  | { type: 'prepared'; signature: string; partitions: number }
  | { type: 'plan-evicted'; signature: string };
