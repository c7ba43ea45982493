/**
 * Shared by the tests: the CPU backend paired with the GPU, and describe blocks that need the OpenCL device.
 */
import { describe } from 'vitest';
// The CPU backend a GPU is paired with in deployment: nodes gpu-opencl declines, and whole models without OpenCL, run there.
import { backend as cpu } from '@lastmile/backend-cpu-neon';
import { backend } from './index.js';

export { cpu };

/** Sessions as deployed: gpu-opencl first, cpu-neon for what it declines (or everything, without OpenCL). */
export const openclThenCpu = [backend, cpu];

/**
 * Device tests run where OpenCL is installed, and always in CI (CI=true), where a missing PoCL must fail
 * loudly rather than skip; on a workstation without OpenCL they are skipped.
 */
const skipDeviceTests = !(await backend.probe()).available && process.env.CI !== 'true';

/** A describe block that needs the OpenCL device. */
export function onDevice(name: string, body: () => void): void {
  describe.skipIf(skipDeviceTests)(name, body);
}
