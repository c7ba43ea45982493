/**
 * The pieces a compiled partition is made of. Lowering turns nodes into {@link LoweredOp}s; after the
 * arena is planned each op emits its kernels into the shared module and places its constant data, and
 * returns a binder that, once the module is instantiated, makes the step the run loop calls.
 */
import type { Tensor } from '@lastmile/core';
import type { KernelTarget } from '../kernels/common.js';
import type { ModuleBuilder } from '../wasm/module-builder.js';
import type { GraphInfo, ValueDesc } from './graph-info.js';

/** The instantiated module's exports, as callables. */
export type Kernels = Readonly<Record<string, (...args: number[]) => void>>;

/** What a step can touch when it runs. */
export interface Runtime {
  kernels: Kernels;
  memory: WebAssembly.Memory;
  f32: Float32Array;
  /** Values kept on the host (non-float32 tensors). */
  host: Map<string, Tensor>;
}

/** One entry of the run loop that runs on the calling thread. */
export type Step = () => void;

/**
 * Independent calls of one kernel (at most 10 arguments each) that any thread may run in any order:
 * what a step splits its work into so the pool can share it.
 */
export interface KernelCalls {
  kernel: string;
  calls: number[][];
}

/** A host step to bind once the module is instantiated. */
export type HostBinder = (rt: Runtime) => Step;

/**
 * What an emitted op gives the executable: a host step, kernel calls, or phases that run one after the
 * other (each phase of kernel calls done by every thread before the next; a host phase on the caller's).
 */
export type Binder = HostBinder | KernelCalls | (KernelCalls | HostBinder)[];

/** What emitting an op may use. */
export interface EmitContext {
  graph: GraphInfo;
  module: ModuleBuilder;
  target: KernelTarget;
  /** Byte address of a float32 value: in the arena, or (for a constant) a copy placed in its stored layout. */
  addressOf(name: string): number;
  /** Places constant bytes in the static area; returns their address. */
  place(data: Float32Array | Int32Array): number;
  /** Address of a zero-filled row at least as long as every op's `zeroBytes`. */
  zeroRow: number;
  /** Threads the work is split for (1: one call per step). */
  threads: number;
  /** Address of the op's own scratch (`scratchBytes`), valid during its step only. */
  scratch: number;
  /**
   * Floats from one row of a value's last stored axis to the next: that axis's length, or the row of the
   * Concat output the value is written straight into (see `LoweredOp.stridedOutput`).
   */
  rowFloats(name: string): number;
}

/** A node (or fused group of nodes) lowered for this backend. */
export interface LoweredOp {
  /** Node name(s), for profiles and errors. */
  name: string;
  op: string;
  /** Where it runs: a wasm kernel, core's reference kernel on the host, or nowhere (an alias). */
  runs: 'wasm' | 'host' | 'alias';
  /** Runtime values read (constants excluded) and written. */
  reads: string[];
  writes: string[];
  /** The single written value shares the storage of this read value: no step at all. */
  aliasOf?: string;
  /**
   * Reads the single written value may overwrite (each element read before the same element is
   * written): compile gives them one buffer when this op is the read's last use.
   */
  inPlace?: string[];
  /**
   * Writes its single output at the row pitch `rowFloats` gives, so a Concat along the last stored axis
   * may have it write straight into its own output.
   */
  stridedOutput?: boolean;
  /** A Concat along the last stored axis: the byte offset of each input within a row of the output. */
  concatRows?: { parts: { name: string; offset: number }[] };
  /** Bytes of zero row the op's indirection needs. */
  zeroBytes?: number;
  /** Bytes of arena the op needs for itself during its step. */
  scratchBytes?: number;
  emit(ctx: EmitContext): Binder;
}

/** A value's description, re-exported for lowering modules. */
export type { ValueDesc };
