/**
 * A compiled partition on one OpenCL device: weights and constant tables uploaded at compile time,
 * pooled activation buffers, one kernel object per launch with its arguments set once. A run writes the
 * inputs, enqueues every launch on one in-order queue, waits once (off the event loop) and reads the
 * outputs: the host touches device memory only at the partition boundary. Between two partitions of one
 * session's context, a value stays on the device: copied buffer to buffer, never through the host.
 */
import {
  BackendError,
  bytesPerElement,
  CancelledError,
  type CompiledArtifact,
  type DeviceTensor,
  type Executable,
  floatToHalf,
  graphArtifact,
  InputError,
  isTensor,
  type Model,
  type ProfileEntry,
  type ResidentRunOptions,
  sizeOf,
  Tensor,
  type TensorType,
  type ValueInfo,
} from '@lastmile/core';
import type { Handle } from './cl/api.js';
import type { KernelArg } from './compile/steps.js';
import type { LoweredPartition } from './compile/lower-partition.js';
import { rootOf } from './compile/memory-plan.js';
import type { OpenCLContext } from './device/context.js';
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

/** A value left in a context's device memory by one partition for the next: a buffer of its own. */
class OpenCLTensor implements DeviceTensor {
  #released = false;

  constructor(
    readonly device: OpenCLContext,
    readonly buffer: Handle,
    readonly type: TensorType,
    readonly dims: readonly number[],
  ) {
    device.runtime.acquire();
  }

  download(): Tensor {
    const out = Tensor.zeros(this.type, this.dims);
    const { cl, transfers } = this.device.runtime;
    if (out.size > 0) cl.readBuffer(transfers, this.buffer, out.data);
    return out;
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.device.runtime.cl.release('buffer', this.buffer);
    this.device.runtime.release();
  }
}

export interface ExecutableSetup {
  /** The session's context, or one of the executable's own. */
  context: OpenCLContext;
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
  readonly #context: OpenCLContext;
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
    const { context: owner, lowered, storage } = setup;
    const runtime = owner.runtime;
    const { cl, context, device } = runtime;
    const elementType = storage === 'fp16' ? 'float16' : 'float32';
    const g = lowered.model.graph;
    // The device side speaks the storage type; the session converts float32 <-> float16 at the boundary.
    const retype = (v: ValueInfo): ValueInfo => (v.type === 'float32' ? { ...v, type: elementType } : v);
    this.inputs = g.inputs.map(retype);
    this.outputs = g.outputs.map(retype);
    this.#context = owner;
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

  run(inputs: Readonly<Record<string, Tensor>>, options?: { signal?: AbortSignal }): Promise<Record<string, Tensor>> {
    return this.#execute(inputs, new Set(), options?.signal) as Promise<Record<string, Tensor>>;
  }

  /** As `run`, reading tensors of its context in place and leaving the outputs in `keep` on the device. */
  runResident(
    inputs: Readonly<Record<string, Tensor | DeviceTensor>>,
    options: ResidentRunOptions,
  ): Promise<Record<string, Tensor | DeviceTensor>> {
    return this.#execute(inputs, options.keep, options.signal);
  }

  async #execute(
    inputs: Readonly<Record<string, Tensor | DeviceTensor>>,
    keep: ReadonlySet<string>,
    signal: AbortSignal | undefined,
  ): Promise<Record<string, Tensor | DeviceTensor>> {
    if (this.#disposed) throw new BackendError('the gpu-opencl executable was disposed', { backend: 'gpu-opencl' });
    if (signal?.aborted)
      throw new CancelledError('gpu-opencl run cancelled before it started', { backend: 'gpu-opencl' });
    const { cl } = this.#runtime;
    for (const info of this.inputs) {
      const value = inputs[info.name];
      if (value === undefined || value.type !== info.type) {
        throw new InputError(
          `gpu-opencl input '${info.name}' must be a ${info.type} tensor, got ${value?.type ?? 'nothing'}`,
          { input: info.name, expected: info.type, got: value?.type },
        );
      }
      const buffer = this.#boundary.get(info.name);
      if (buffer === undefined) continue;
      if (isTensor(value)) {
        if (value.size > 0) cl.writeBuffer(this.#queue, buffer, value.data);
      } else if (value instanceof OpenCLTensor && value.device === this.#context) {
        const bytes = sizeOf(value.dims) * bytesPerElement(value.type);
        if (bytes > 0) cl.copyBuffer(this.#queue, value.buffer, buffer, bytes);
      } else {
        throw new InputError(`gpu-opencl input '${info.name}' is a device tensor of another context`, {
          input: info.name,
        });
      }
    }
    const events = this.#launches.map((l) =>
      cl.enqueueKernel(this.#queue, l.kernel, l.global, l.local, this.#profiling, l.name),
    );
    const results: Record<string, Tensor | DeviceTensor> = {};
    const kept: OpenCLTensor[] = [];
    try {
      // Outputs that stay on the device move to buffers of their own: the pooled ones serve the next run.
      for (const info of this.outputs) {
        const source = this.#boundary.get(info.name);
        if (!keep.has(info.name) || source === undefined) continue;
        const dims = (info.shape ?? []) as number[];
        const bytes = sizeOf(dims) * bytesPerElement(info.type);
        const tensor = new OpenCLTensor(this.#context, cl.createBuffer(this.#runtime.context, bytes), info.type, dims);
        kept.push(tensor);
        results[info.name] = tensor;
        if (bytes > 0) cl.copyBuffer(this.#queue, source, tensor.buffer, bytes);
      }
      await cl.finishAsync(this.#queue);
      if (this.#profiling)
        this.#lastProfile = this.#launches.map((l, i) => {
          const [start, end] = cl.eventTimes(events[i] as Handle);
          return { name: l.name, op: l.op, ms: (end - start) / 1e6 };
        });
    } catch (error) {
      for (const tensor of kept) tensor.release();
      throw error;
    } finally {
      for (const event of events) if (event !== undefined) cl.release('event', event);
    }
    for (const info of this.outputs) {
      if (results[info.name] !== undefined) continue;
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
