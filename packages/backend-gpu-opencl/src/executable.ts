/**
 * A compiled partition on one OpenCL device: weights and constant tables uploaded at compile time,
 * pooled activation buffers, one kernel object per launch with its arguments set once. A run writes the
 * inputs, enqueues every launch on one in-order queue, waits once (off the event loop) and reads the
 * outputs: the host touches device memory only at the partition boundary.
 */
import {
  BackendError,
  CancelledError,
  type CompiledArtifact,
  type Executable,
  floatToHalf,
  graphArtifact,
  InputError,
  type Model,
  type ProfileEntry,
  Tensor,
  type ValueInfo,
} from '@lastmile/core';
import type { Handle } from './cl/api.js';
import type { KernelArg } from './compile/steps.js';
import type { LoweredPartition } from './compile/lower-partition.js';
import { rootOf } from './compile/memory-plan.js';
import type { DeviceRuntime } from './device/runtime.js';
import type { StorageType } from './kernels/program.js';

interface Launch {
  kernel: Handle;
  global: number;
  local: number;
  name: string;
  op: string;
}

/** Float32 values in the storage precision's bits. */
function toStorage(values: ArrayLike<number>, storage: StorageType): Float32Array | Uint16Array {
  if (storage === 'fp32') return Float32Array.from(values);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = floatToHalf(values[i]);
  return out;
}

export interface ExecutableSetup {
  runtime: DeviceRuntime;
  program: Handle;
  lowered: LoweredPartition;
  storage: StorageType;
  profiling: boolean;
  /** Work-items per work-group, before the per-kernel limit. */
  workGroupSize: number;
  /** What it was compiled from, and for: its artifact. */
  source: { model: Model; target: string };
}

export class OpenCLExecutable implements Executable {
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  readonly #runtime: DeviceRuntime;
  readonly #queue: Handle;
  readonly #buffers: Handle[] = [];
  readonly #kernels: Handle[] = [];
  readonly #launches: Launch[] = [];
  /** Buffer of each value the host writes or reads. */
  readonly #boundary = new Map<string, Handle>();
  readonly #profiling: boolean;
  readonly #source: ExecutableSetup['source'];
  #lastProfile: ProfileEntry[] = [];
  #disposed = false;

  constructor(setup: ExecutableSetup) {
    const { runtime, lowered, storage } = setup;
    const { cl, context, device } = runtime;
    const elementType = storage === 'fp16' ? 'float16' : 'float32';
    const g = lowered.model.graph;
    // The device side speaks the storage type; the session converts float32 <-> float16 at the boundary.
    const retype = (v: ValueInfo): ValueInfo => (v.type === 'float32' ? { ...v, type: elementType } : v);
    this.inputs = g.inputs.map(retype);
    this.outputs = g.outputs.map(retype);
    this.#runtime = runtime;
    this.#profiling = setup.profiling;
    this.#source = setup.source;
    runtime.acquire();
    try {
      this.#queue = cl.createQueue(context, device.handle, setup.profiling);
      const pooled = lowered.memory.sizes.map((bytes) => this.#buffer(bytes));
      const weights = new Map<string, Handle>();
      for (const [name, tensor] of lowered.weights) {
        const data = toStorage(tensor.data as Float32Array, storage);
        weights.set(name, this.#buffer(data.byteLength, data));
      }
      const bufferOf = (name: string): Handle => {
        const root = rootOf(name, lowered.aliases);
        const handle = weights.get(root) ?? pooled[lowered.memory.slotOf.get(root) ?? -1];
        if (handle === undefined)
          throw new BackendError(`gpu-opencl has no buffer for value '${name}'`, {
            backend: 'gpu-opencl',
            value: name,
          });
        return handle;
      };
      for (const v of [...g.inputs, ...g.outputs])
        if (lowered.memory.slotOf.has(rootOf(v.name, lowered.aliases)) || weights.has(rootOf(v.name, lowered.aliases)))
          this.#boundary.set(v.name, bufferOf(v.name));
      for (const step of lowered.steps) {
        const kernel = cl.createKernel(setup.program, step.kernel);
        this.#kernels.push(kernel);
        step.args.forEach((a, index) =>
          cl.setKernelArg(kernel, index, this.#argBytes(a, bufferOf, storage), step.kernel),
        );
        const local = Math.max(1, Math.min(setup.workGroupSize, cl.kernelWorkGroupSize(kernel, device.handle)));
        this.#launches.push({
          kernel,
          global: Math.ceil(step.workItems / local) * local,
          local,
          name: step.node.name,
          op: step.node.opType,
        });
      }
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  #buffer(bytes: number, data?: ArrayBufferView): Handle {
    const handle = this.#runtime.cl.createBuffer(this.#runtime.context, bytes, data);
    this.#buffers.push(handle);
    return handle;
  }

  #argBytes(a: KernelArg, bufferOf: (name: string) => Handle, storage: StorageType): ArrayBufferView {
    switch (a.kind) {
      case 'value':
        return new BigUint64Array([bufferOf(a.name)]);
      case 'data': {
        const data = toStorage(a.data, storage);
        return new BigUint64Array([this.#buffer(data.byteLength, data)]);
      }
      case 'ints':
      case 'floats':
        return new BigUint64Array([this.#buffer(a.data.byteLength, a.data)]);
      case 'int':
        return Int32Array.of(a.value);
      case 'float':
        return Float32Array.of(a.value);
      case 'int16':
        return Int32Array.from(a.values);
    }
  }

  async run(
    inputs: Readonly<Record<string, Tensor>>,
    options?: { signal?: AbortSignal },
  ): Promise<Record<string, Tensor>> {
    if (this.#disposed) throw new BackendError('the gpu-opencl executable was disposed', { backend: 'gpu-opencl' });
    if (options?.signal?.aborted)
      throw new CancelledError('gpu-opencl run cancelled before it started', { backend: 'gpu-opencl' });
    const { cl } = this.#runtime;
    for (const info of this.inputs) {
      const tensor = inputs[info.name];
      if (tensor === undefined || tensor.type !== info.type) {
        throw new InputError(
          `gpu-opencl input '${info.name}' must be a ${info.type} tensor, got ${tensor?.type ?? 'nothing'}`,
          { input: info.name, expected: info.type, got: tensor?.type },
        );
      }
      const buffer = this.#boundary.get(info.name);
      if (buffer !== undefined && tensor.size > 0) cl.writeBuffer(this.#queue, buffer, tensor.data);
    }
    const events = this.#launches.map((l) =>
      cl.enqueueKernel(this.#queue, l.kernel, l.global, l.local, this.#profiling, l.name),
    );
    try {
      await cl.finishAsync(this.#queue);
      if (this.#profiling)
        this.#lastProfile = this.#launches.map((l, i) => {
          const [start, end] = cl.eventTimes(events[i] as Handle);
          return { name: l.name, op: l.op, ms: (end - start) / 1e6 };
        });
    } finally {
      for (const event of events) if (event !== undefined) cl.release('event', event);
    }
    const results: Record<string, Tensor> = {};
    for (const info of this.outputs) {
      const dims = (info.shape ?? []) as number[];
      const out = Tensor.zeros(info.type, dims);
      results[info.name] = out;
      // An empty output has no buffer: there is nothing to read.
      if (out.size === 0) continue;
      const buffer = this.#boundary.get(info.name);
      if (buffer === undefined)
        throw new BackendError(`gpu-opencl computed no value for output '${info.name}'`, {
          backend: 'gpu-opencl',
          value: info.name,
        });
      cl.readBuffer(this.#queue, buffer, out.data);
    }
    return results;
  }

  /** Device time of each launch of the last run, from OpenCL profiling events. */
  profile(): ProfileEntry[] {
    return this.#lastProfile.map((e) => ({ ...e }));
  }

  /** Releases every kernel, buffer and the queue, then this executable's hold on the device runtime. */
  /** The partition's graph and target: compiling them again on that device gives the same kernels. */
  serialize(): CompiledArtifact {
    if (this.#disposed) throw new BackendError('the gpu-opencl executable was disposed', { backend: 'gpu-opencl' });
    return graphArtifact(this.#source.model, this.#source.target);
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    const { cl } = this.#runtime;
    for (const kernel of this.#kernels.splice(0)) cl.release('kernel', kernel);
    for (const buffer of this.#buffers.splice(0)) cl.release('buffer', buffer);
    if (this.#queue !== undefined) cl.release('queue', this.#queue);
    this.#runtime.release();
  }
}
