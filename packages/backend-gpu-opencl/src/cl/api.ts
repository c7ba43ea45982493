/**
 * The OpenCL 1.2 host API through koffi: each entry point declared once, each status code checked and
 * turned into a BackendError naming the call and the CL_* status. Handles are koffi's BigInt pointers.
 * Objects are created and released only here, so the live-object counter sees every one.
 */
import { BackendError, BackendUnavailableError } from '@lastmile/core';
import {
  CL_DEVICE_TYPE,
  CL_KERNEL_WORK_GROUP_SIZE,
  CL_MEM,
  CL_PROFILING,
  CL_PROGRAM,
  CL_QUEUE_PROFILING_ENABLE,
  CL_SUCCESS,
  statusName,
} from './constants.js';
import { loadKoffi, openLibrary } from './library.js';
import { type ClObjectKind, countObject } from './live-objects.js';

/** An OpenCL object (cl_platform_id, cl_mem, ...). */
export type Handle = bigint;

type Fn = ((...args: unknown[]) => unknown) & { async: (...args: unknown[]) => void };

const SIGNATURES = {
  clGetPlatformIDs: 'int32 clGetPlatformIDs(uint32 n, void *platforms, void *count)',
  clGetPlatformInfo: 'int32 clGetPlatformInfo(void *platform, uint32 param, size_t size, void *value, void *sizeRet)',
  clGetDeviceIDs: 'int32 clGetDeviceIDs(void *platform, uint64 type, uint32 n, void *devices, void *count)',
  clGetDeviceInfo: 'int32 clGetDeviceInfo(void *device, uint32 param, size_t size, void *value, void *sizeRet)',
  clCreateContext: 'void *clCreateContext(void *props, uint32 n, void *devices, void *notify, void *user, void *err)',
  clReleaseContext: 'int32 clReleaseContext(void *context)',
  clCreateCommandQueue: 'void *clCreateCommandQueue(void *context, void *device, uint64 props, void *err)',
  clReleaseCommandQueue: 'int32 clReleaseCommandQueue(void *queue)',
  clCreateBuffer: 'void *clCreateBuffer(void *context, uint64 flags, size_t size, void *host, void *err)',
  clReleaseMemObject: 'int32 clReleaseMemObject(void *mem)',
  clCreateProgramWithSource:
    'void *clCreateProgramWithSource(void *context, uint32 n, const char **sources, void *lengths, void *err)',
  clCreateProgramWithBinary:
    'void *clCreateProgramWithBinary(void *context, uint32 n, void *devices, void *lengths, void *binaries, void *status, void *err)',
  clBuildProgram:
    'int32 clBuildProgram(void *program, uint32 n, void *devices, const char *options, void *notify, void *user)',
  clGetProgramInfo: 'int32 clGetProgramInfo(void *program, uint32 param, size_t size, void *value, void *sizeRet)',
  clGetProgramBuildInfo:
    'int32 clGetProgramBuildInfo(void *program, void *device, uint32 param, size_t size, void *value, void *sizeRet)',
  clReleaseProgram: 'int32 clReleaseProgram(void *program)',
  clCreateKernel: 'void *clCreateKernel(void *program, const char *name, void *err)',
  clReleaseKernel: 'int32 clReleaseKernel(void *kernel)',
  clSetKernelArg: 'int32 clSetKernelArg(void *kernel, uint32 index, size_t size, void *value)',
  clGetKernelWorkGroupInfo:
    'int32 clGetKernelWorkGroupInfo(void *kernel, void *device, uint32 param, size_t size, void *value, void *sizeRet)',
  clEnqueueNDRangeKernel:
    'int32 clEnqueueNDRangeKernel(void *queue, void *kernel, uint32 dims, void *offset, void *global, void *local, uint32 nWait, void *wait, void *event)',
  clEnqueueWriteBuffer:
    'int32 clEnqueueWriteBuffer(void *queue, void *mem, uint32 blocking, size_t offset, size_t size, void *ptr, uint32 nWait, void *wait, void *event)',
  clEnqueueReadBuffer:
    'int32 clEnqueueReadBuffer(void *queue, void *mem, uint32 blocking, size_t offset, size_t size, void *ptr, uint32 nWait, void *wait, void *event)',
  clEnqueueCopyBuffer:
    'int32 clEnqueueCopyBuffer(void *queue, void *src, void *dst, size_t srcOffset, size_t dstOffset, size_t size, uint32 nWait, void *wait, void *event)',
  clFinish: 'int32 clFinish(void *queue)',
  clGetEventProfilingInfo:
    'int32 clGetEventProfilingInfo(void *event, uint32 param, size_t size, void *value, void *sizeRet)',
  clReleaseEvent: 'int32 clReleaseEvent(void *event)',
} as const;

type Call = keyof typeof SIGNATURES;

const RELEASE: Record<ClObjectKind, Call> = {
  context: 'clReleaseContext',
  queue: 'clReleaseCommandQueue',
  buffer: 'clReleaseMemObject',
  program: 'clReleaseProgram',
  kernel: 'clReleaseKernel',
  event: 'clReleaseEvent',
};

/** The error of a failed call: names the call and the status, with `details.call` and `details.status`. */
export function clError(call: string, status: number, extra: Record<string, unknown> = {}, hint = ''): BackendError {
  return new BackendError(`OpenCL ${call} failed with ${statusName(status)} (${status})${hint ? `: ${hint}` : ''}`, {
    backend: 'gpu-opencl',
    call,
    status: statusName(status),
    code: status,
    ...extra,
  });
}

const bytesOf = (view: ArrayBufferView): Uint8Array => new Uint8Array(view.buffer, view.byteOffset, view.byteLength);

/** One opened OpenCL library. */
export class OpenCL {
  readonly path: string;
  readonly #fn: Record<Call, Fn>;

  private constructor(path: string, fn: Record<Call, Fn>) {
    this.path = path;
    this.#fn = fn;
  }

  static #byPath = new Map<string, OpenCL>();

  /** Opens the first loadable candidate and declares the entry points (BackendUnavailableError otherwise). */
  static open(candidates: readonly string[]): OpenCL {
    const { lib, path } = openLibrary(candidates);
    const known = OpenCL.#byPath.get(path);
    if (known) return known;
    const fn = {} as Record<Call, Fn>;
    for (const [name, signature] of Object.entries(SIGNATURES) as [Call, string][]) {
      try {
        fn[name] = lib.func(signature) as Fn;
      } catch (error) {
        throw new BackendUnavailableError(
          `${path} is not an OpenCL 1.2 library: ${name} is missing (${(error as Error).message})`,
          { backend: 'gpu-opencl', library: path, call: name },
        );
      }
    }
    const api = new OpenCL(path, fn);
    OpenCL.#byPath.set(path, api);
    return api;
  }

  #check(call: Call, status: unknown, extra?: Record<string, unknown>): void {
    if (status !== CL_SUCCESS) throw clError(call, Number(status), extra);
  }

  /** Calls a create function whose last argument is the status out-parameter, and counts the object. */
  #create(kind: ClObjectKind, call: Call, args: unknown[], extra?: Record<string, unknown>): Handle {
    const err = new Int32Array(1);
    const handle = this.#fn[call](...args, err) as Handle | null;
    if (err[0] !== CL_SUCCESS || handle === null || handle === 0n)
      throw clError(call, err[0] !== CL_SUCCESS ? err[0] : -1000, extra);
    countObject(kind, 1);
    return handle;
  }

  /** Releases an object and uncounts it. */
  release(kind: ClObjectKind, handle: Handle): void {
    const status = this.#fn[RELEASE[kind]](handle);
    countObject(kind, -1);
    this.#check(RELEASE[kind], status);
  }

  platforms(): Handle[] {
    const count = new Uint32Array(1);
    const status = Number(this.#fn.clGetPlatformIDs(0, null, count));
    // The Khronos ICD loader answers CL_PLATFORM_NOT_FOUND_KHR when no driver is installed.
    if (status === -1001 || count[0] === 0) return [];
    this.#check('clGetPlatformIDs', status);
    const ids = new BigUint64Array(count[0]);
    this.#check('clGetPlatformIDs', this.#fn.clGetPlatformIDs(count[0], ids, null));
    return [...ids];
  }

  platformString(platform: Handle, param: number): string {
    return this.#infoString('clGetPlatformInfo', [platform], param);
  }

  /** The devices of a platform (all types); none is an empty list, not an error. */
  devices(platform: Handle): Handle[] {
    const count = new Uint32Array(1);
    const status = Number(this.#fn.clGetDeviceIDs(platform, CL_DEVICE_TYPE.ALL, 0, null, count));
    if (status === -1 || count[0] === 0) return [];
    this.#check('clGetDeviceIDs', status);
    const ids = new BigUint64Array(count[0]);
    this.#check('clGetDeviceIDs', this.#fn.clGetDeviceIDs(platform, CL_DEVICE_TYPE.ALL, count[0], ids, null));
    return [...ids];
  }

  deviceString(device: Handle, param: number): string {
    return this.#infoString('clGetDeviceInfo', [device], param);
  }

  /** A cl_uint / cl_bool device property. */
  deviceU32(device: Handle, param: number): number {
    const out = new Uint32Array(1);
    this.#check('clGetDeviceInfo', this.#fn.clGetDeviceInfo(device, param, 4, out, null), { param });
    return out[0];
  }

  /** A cl_ulong / size_t / cl_bitfield device property (64-bit on every platform this runs on). */
  deviceU64(device: Handle, param: number): number {
    const out = new BigUint64Array(1);
    this.#check('clGetDeviceInfo', this.#fn.clGetDeviceInfo(device, param, 8, out, null), { param });
    return Number(out[0]);
  }

  #infoString(call: 'clGetPlatformInfo' | 'clGetDeviceInfo', target: unknown[], param: number): string {
    const size = new BigUint64Array(1);
    this.#check(call, this.#fn[call](...target, param, 0, null, size), { param });
    const bytes = new Uint8Array(Number(size[0]));
    this.#check(call, this.#fn[call](...target, param, bytes.length, bytes, null), { param });
    return new TextDecoder().decode(bytes).replace(/\0+$/, '').trim();
  }

  createContext(device: Handle): Handle {
    return this.#create('context', 'clCreateContext', [null, 1, new BigUint64Array([device]), null, null]);
  }

  createQueue(context: Handle, device: Handle, profiling: boolean): Handle {
    return this.#create('queue', 'clCreateCommandQueue', [context, device, profiling ? CL_QUEUE_PROFILING_ENABLE : 0]);
  }

  /** A read-write buffer of `bytes`, filled from `data` when given. */
  createBuffer(context: Handle, bytes: number, data?: ArrayBufferView): Handle {
    const flags = CL_MEM.READ_WRITE | (data ? CL_MEM.COPY_HOST_PTR : 0);
    return this.#create('buffer', 'clCreateBuffer', [context, flags, Math.max(bytes, 1), data ? bytesOf(data) : null], {
      bytes,
    });
  }

  /** Blocking write: the host memory is free to change as soon as this returns. */
  writeBuffer(queue: Handle, buffer: Handle, data: ArrayBufferView): void {
    this.#check(
      'clEnqueueWriteBuffer',
      this.#fn.clEnqueueWriteBuffer(queue, buffer, 1, 0, data.byteLength, bytesOf(data), 0, null, null),
      { bytes: data.byteLength },
    );
  }

  /** Enqueues a device-side copy of `bytes` from `src` to `dst`; it is done once the queue is. */
  copyBuffer(queue: Handle, src: Handle, dst: Handle, bytes: number): void {
    this.#check('clEnqueueCopyBuffer', this.#fn.clEnqueueCopyBuffer(queue, src, dst, 0, 0, bytes, 0, null, null), {
      bytes,
    });
  }

  /** Blocking read into `out`. */
  readBuffer(queue: Handle, buffer: Handle, out: ArrayBufferView): void {
    this.#check(
      'clEnqueueReadBuffer',
      this.#fn.clEnqueueReadBuffer(queue, buffer, 1, 0, out.byteLength, bytesOf(out), 0, null, null),
      { bytes: out.byteLength },
    );
  }

  createProgramFromSource(context: Handle, source: string): Handle {
    return this.#create('program', 'clCreateProgramWithSource', [context, 1, [source], null]);
  }

  /** A program from a device binary; CL_INVALID_BINARY (a stale or corrupt cache) is thrown like any error. */
  createProgramFromBinary(context: Handle, device: Handle, binary: Uint8Array): Handle {
    const koffi = loadKoffi();
    // The binary goes by a pointer inside an array: hand over native memory rather than a JS buffer's address.
    const native = koffi.alloc('uint8_t', Math.max(binary.length, 1));
    try {
      new Uint8Array(koffi.view(native, binary.length)).set(binary);
      const status = new Int32Array(1);
      const args = [
        context,
        1,
        new BigUint64Array([device]),
        new BigUint64Array([BigInt(binary.length)]),
        new BigUint64Array([koffi.address(native)]),
        status,
      ];
      const handle = this.#create('program', 'clCreateProgramWithBinary', args);
      if (status[0] !== CL_SUCCESS) {
        this.release('program', handle);
        throw clError('clCreateProgramWithBinary', status[0]);
      }
      return handle;
    } finally {
      koffi.free(native);
    }
  }

  /** Builds for `device`; a failure carries the compiler's log. */
  buildProgram(program: Handle, device: Handle, options: string): void {
    const status = Number(this.#fn.clBuildProgram(program, 1, new BigUint64Array([device]), options, null, null));
    if (status === CL_SUCCESS) return;
    const log = this.#buildLog(program, device);
    throw clError(
      'clBuildProgram',
      status,
      { options, log: log.slice(0, 4000) },
      log.split('\n').slice(0, 8).join('\n'),
    );
  }

  #buildLog(program: Handle, device: Handle): string {
    const size = new BigUint64Array(1);
    if (this.#fn.clGetProgramBuildInfo(program, device, CL_PROGRAM.BUILD_LOG, 0, null, size) !== CL_SUCCESS) return '';
    const bytes = new Uint8Array(Number(size[0]));
    this.#fn.clGetProgramBuildInfo(program, device, CL_PROGRAM.BUILD_LOG, bytes.length, bytes, null);
    return new TextDecoder().decode(bytes).replace(/\0+$/, '');
  }

  /** The built program's binary for its one device. */
  programBinary(program: Handle): Uint8Array {
    const sizes = new BigUint64Array(1);
    this.#check('clGetProgramInfo', this.#fn.clGetProgramInfo(program, CL_PROGRAM.BINARY_SIZES, 8, sizes, null));
    const length = Number(sizes[0]);
    const koffi = loadKoffi();
    // The driver writes through a pointer it is given inside an array: native memory that does not move.
    const native = koffi.alloc('uint8_t', Math.max(length, 1));
    try {
      const pointers = new BigUint64Array([koffi.address(native)]);
      this.#check('clGetProgramInfo', this.#fn.clGetProgramInfo(program, CL_PROGRAM.BINARIES, 8, pointers, null));
      return new Uint8Array(koffi.view(native, length)).slice();
    } finally {
      koffi.free(native);
    }
  }

  createKernel(program: Handle, name: string): Handle {
    return this.#create('kernel', 'clCreateKernel', [program, name], { kernel: name });
  }

  /** Sets argument `index` to the raw bytes of `value` (a cl_mem handle, an int, a float, an int16...). */
  setKernelArg(kernel: Handle, index: number, value: ArrayBufferView, name: string): void {
    this.#check('clSetKernelArg', this.#fn.clSetKernelArg(kernel, index, value.byteLength, bytesOf(value)), {
      kernel: name,
      index,
    });
  }

  /** The largest work-group this kernel can run with on `device`. */
  kernelWorkGroupSize(kernel: Handle, device: Handle): number {
    const out = new BigUint64Array(1);
    this.#check(
      'clGetKernelWorkGroupInfo',
      this.#fn.clGetKernelWorkGroupInfo(kernel, device, CL_KERNEL_WORK_GROUP_SIZE, 8, out, null),
    );
    return Number(out[0]);
  }

  /** Enqueues a 1-D range; returns the event when `withEvent` (the caller releases it). */
  enqueueKernel(
    queue: Handle,
    kernel: Handle,
    global: number,
    local: number,
    withEvent: boolean,
    name: string,
  ): Handle | undefined {
    const event = withEvent ? new BigUint64Array(1) : null;
    const status = this.#fn.clEnqueueNDRangeKernel(
      queue,
      kernel,
      1,
      null,
      new BigUint64Array([BigInt(global)]),
      new BigUint64Array([BigInt(local)]),
      0,
      null,
      event,
    );
    this.#check('clEnqueueNDRangeKernel', status, { kernel: name, global, local });
    if (!event) return undefined;
    countObject('event', 1);
    return event[0];
  }

  finish(queue: Handle): void {
    this.#check('clFinish', this.#fn.clFinish(queue));
  }

  /** clFinish on a worker thread, so the event loop keeps running while the device works. */
  async finishAsync(queue: Handle): Promise<void> {
    const status = await new Promise<unknown>((resolve, reject) => {
      this.#fn.clFinish.async(queue, (error: unknown, result: unknown) => (error ? reject(error) : resolve(result)));
    });
    this.#check('clFinish', status);
  }

  /** Start and end of a profiled command, in nanoseconds. */
  eventTimes(event: Handle): [number, number] {
    const start = new BigUint64Array(1);
    const end = new BigUint64Array(1);
    this.#check('clGetEventProfilingInfo', this.#fn.clGetEventProfilingInfo(event, CL_PROFILING.START, 8, start, null));
    this.#check('clGetEventProfilingInfo', this.#fn.clGetEventProfilingInfo(event, CL_PROFILING.END, 8, end, null));
    return [Number(start[0]), Number(end[0])];
  }
}
