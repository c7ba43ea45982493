/**
 * probe(): opens the OpenCL library, lists every platform and device, and says which device a session
 * would get by default. Any failure (no koffi binary, no library, no platform, no usable device) is an
 * unavailable result with the reason, never an exception.
 */
import type { ProbeResult } from '@lastmile/core';
import { OpenCL } from './cl/api.js';
import { libraryCandidates } from './cl/library.js';
import { chooseDevice, describeDevice, listDevices } from './device/devices.js';

export function probeOpenCL(libraryPath?: string): ProbeResult {
  try {
    const cl = OpenCL.open(libraryCandidates(libraryPath));
    const devices = listDevices(cl);
    const chosen = chooseDevice(devices);
    return {
      available: true,
      kind: chosen.type === 'gpu' ? 'hardware' : 'software',
      device: describeDevice(chosen),
      details: {
        library: cl.path,
        platform: `${chosen.platformName} (${chosen.platformVersion})`,
        type: chosen.type,
        computeUnits: chosen.computeUnits,
        clockMHz: chosen.clockMHz,
        globalMemoryBytes: chosen.globalMemoryBytes,
        localMemoryBytes: chosen.localMemoryBytes,
        maxWorkGroupSize: chosen.maxWorkGroupSize,
        fp16Arithmetic: chosen.fp16,
        extensions: chosen.extensions,
        devices: devices.map((d) => ({
          platform: d.platformIndex,
          device: d.deviceIndex,
          name: d.name,
          type: d.type,
          platformName: d.platformName,
        })),
      },
    };
  } catch (error) {
    return {
      available: false,
      kind: 'hardware',
      device: 'OpenCL device',
      reason: error instanceof Error ? error.message : String(error),
    };
  }
}
