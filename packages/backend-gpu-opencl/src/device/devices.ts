/**
 * What OpenCL reports about its platforms and devices, in words a person can act on, and the choice of
 * one device by option.
 */
import { BackendUnavailableError } from '@lastmile/core';
import type { Handle, OpenCL } from '../cl/api.js';
import { CL_DEVICE, CL_DEVICE_TYPE, CL_PLATFORM } from '../cl/constants.js';
import { withDriverLock } from '../cl/driver-lock.js';

export type DeviceType = 'gpu' | 'cpu' | 'accelerator' | 'other';

/** One device as probe() reports it. */
export interface DeviceInfo {
  platform: Handle;
  handle: Handle;
  platformIndex: number;
  deviceIndex: number;
  platformName: string;
  platformVersion: string;
  name: string;
  vendor: string;
  type: DeviceType;
  version: string;
  driverVersion: string;
  computeUnits: number;
  clockMHz: number;
  globalMemoryBytes: number;
  localMemoryBytes: number;
  maxAllocationBytes: number;
  maxWorkGroupSize: number;
  extensions: string[];
  /** cl_khr_fp16: half arithmetic (half storage works everywhere through vload_half). */
  fp16: boolean;
  available: boolean;
  compilerAvailable: boolean;
}

function typeOf(bits: number): DeviceType {
  if (bits & CL_DEVICE_TYPE.GPU) return 'gpu';
  if (bits & CL_DEVICE_TYPE.CPU) return 'cpu';
  if (bits & CL_DEVICE_TYPE.ACCELERATOR) return 'accelerator';
  return 'other';
}

/** Every device of every platform; one thread of the process at a time (see driver-lock). */
export function listDevices(cl: OpenCL): DeviceInfo[] {
  return withDriverLock(() => discoverDevices(cl));
}

function discoverDevices(cl: OpenCL): DeviceInfo[] {
  const found: DeviceInfo[] = [];
  cl.platforms().forEach((platform, platformIndex) => {
    const platformName = cl.platformString(platform, CL_PLATFORM.NAME);
    const platformVersion = cl.platformString(platform, CL_PLATFORM.VERSION);
    cl.devices(platform).forEach((handle, deviceIndex) => {
      const extensions = cl.deviceString(handle, CL_DEVICE.EXTENSIONS).split(/\s+/).filter(Boolean);
      found.push({
        platform,
        handle,
        platformIndex,
        deviceIndex,
        platformName,
        platformVersion,
        name: cl.deviceString(handle, CL_DEVICE.NAME),
        vendor: cl.deviceString(handle, CL_DEVICE.VENDOR),
        type: typeOf(cl.deviceU64(handle, CL_DEVICE.TYPE)),
        version: cl.deviceString(handle, CL_DEVICE.VERSION),
        driverVersion: cl.deviceString(handle, CL_DEVICE.DRIVER_VERSION),
        computeUnits: cl.deviceU32(handle, CL_DEVICE.MAX_COMPUTE_UNITS),
        clockMHz: cl.deviceU32(handle, CL_DEVICE.MAX_CLOCK_FREQUENCY),
        globalMemoryBytes: cl.deviceU64(handle, CL_DEVICE.GLOBAL_MEM_SIZE),
        localMemoryBytes: cl.deviceU64(handle, CL_DEVICE.LOCAL_MEM_SIZE),
        maxAllocationBytes: cl.deviceU64(handle, CL_DEVICE.MAX_MEM_ALLOC_SIZE),
        maxWorkGroupSize: cl.deviceU64(handle, CL_DEVICE.MAX_WORK_GROUP_SIZE),
        extensions,
        fp16: extensions.includes('cl_khr_fp16'),
        available: cl.deviceU32(handle, CL_DEVICE.AVAILABLE) !== 0,
        compilerAvailable: cl.deviceU32(handle, CL_DEVICE.COMPILER_AVAILABLE) !== 0,
      });
    });
  });
  return found;
}

/** True for PoCL, the portable OpenCL implementation whose CPU device CI runs on. */
export const isPocl = (d: DeviceInfo): boolean =>
  /portable computing language|pocl/i.test(`${d.platformName} ${d.platformVersion}`);

/** Says plainly what the device is; a CPU implementation is never passed off as a GPU. */
export function describeDevice(d: DeviceInfo): string {
  const what = `${d.name} (${d.version}, driver ${d.driverVersion})`;
  if (d.type === 'gpu') return `${what}, GPU`;
  if (d.type === 'cpu')
    return `${isPocl(d) ? 'PoCL CPU device' : 'OpenCL CPU device'} (OpenCL on the CPU, not a GPU): ${what}`;
  return `${what}, ${d.type} device`;
}

function matches(value: number | string | undefined, index: number, name: string): boolean {
  if (value === undefined) return true;
  return typeof value === 'number' ? value === index : name.toLowerCase().includes(value.toLowerCase());
}

/** The device the options name; by default the first usable GPU, else the first usable device. */
export function chooseDevice(
  devices: readonly DeviceInfo[],
  platform?: number | string,
  device?: number | string,
): DeviceInfo {
  const usable = devices.filter((d) => d.available && d.compilerAvailable);
  const named = usable.filter(
    (d) => matches(platform, d.platformIndex, d.platformName) && matches(device, d.deviceIndex, d.name),
  );
  const chosen = named.find((d) => d.type === 'gpu') ?? named[0];
  if (chosen) return chosen;
  const list = devices.map(
    (d) =>
      `[${d.platformIndex}/${d.deviceIndex}] ${d.platformName}: ${d.name}${d.available && d.compilerAvailable ? '' : ' (not usable)'}`,
  );
  const asked =
    platform === undefined && device === undefined
      ? 'a usable device'
      : `platform ${JSON.stringify(platform ?? 'any')}, device ${JSON.stringify(device ?? 'any')}`;
  throw new BackendUnavailableError(
    `no OpenCL device matches ${asked}; found ${list.length ? list.join('; ') : 'no devices'}`,
    {
      backend: 'gpu-opencl',
      expected: { platform, device },
      got: list,
    },
  );
}
