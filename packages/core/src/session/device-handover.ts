/**
 * Device contexts and tensors handed between partitions without a copy through the host. A backend with
 * `open` gets one context per session; a value one partition produces stays on the device when every
 * partition reading it can reach that device memory (the same context, or one that shares it) and the
 * caller does not need it; the session frees it after its last reader.
 */
import type { Backend, DeviceContext, DeviceTensor } from '../backend/contract.js';
import { BackendError, isLastmileError } from '../errors.js';
import type { CompiledPartition } from './plan.js';

/** The session's contexts, one per backend with `open`, made on first use. */
export type Contexts = Map<Backend, Promise<DeviceContext>>;

/** True for a device tensor (what `runResident` may take and return), not a host Tensor. */
export function isDeviceTensor(value: unknown): value is DeviceTensor {
  const v = value as Partial<DeviceTensor> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.download === 'function' &&
    typeof v.release === 'function' &&
    typeof v.device === 'object'
  );
}

/** The backend's context for this session: opened once, on the first compile; undefined without `open`. */
export function contextFor(
  contexts: Contexts,
  backend: Backend,
  deviceOptions: Readonly<Record<string, unknown>> | undefined,
): Promise<DeviceContext> | undefined {
  if (typeof backend.open !== 'function') return undefined;
  let opened = contexts.get(backend);
  if (opened === undefined) {
    opened = Promise.resolve()
      .then(() => backend.open!({ deviceOptions }))
      .catch((error: unknown) => {
        contexts.delete(backend);
        if (isLastmileError(error)) throw error;
        throw new BackendError(
          `backend '${backend.name}' failed to open its device: ${(error as Error)?.message ?? String(error)}`,
          { backend: backend.name },
          { cause: error },
        );
      });
    contexts.set(backend, opened);
  }
  return opened;
}

/** Closes every context, even when some throw; the first failure is rethrown afterwards. */
export async function closeContexts(contexts: Contexts): Promise<void> {
  const failures: unknown[] = [];
  for (const [backend, opened] of contexts) {
    try {
      await (await opened).close();
    } catch (error) {
      failures.push(
        new BackendError(
          `backend '${backend.name}' failed to close its device`,
          { backend: backend.name },
          { cause: error },
        ),
      );
    }
  }
  contexts.clear();
  if (failures.length > 0) throw failures[0];
}

/** Whether the partition `reader` reads device tensors of `device` directly. */
export function reaches(device: DeviceContext, reader: CompiledPartition): boolean {
  return (
    typeof reader.executable.runResident === 'function' &&
    (reader.context === device || (device.shares ?? []).includes(reader.partition.backend.name))
  );
}

/**
 * For each partition, the outputs that may stay on its device: not graph outputs, and read only by
 * partitions that reach it.
 */
export function residentOutputs(steps: readonly CompiledPartition[], graphOutputs: ReadonlySet<string>): Set<string>[] {
  const readers = new Map<string, CompiledPartition[]>();
  for (const step of steps)
    for (const v of step.partition.inputs) {
      const list = readers.get(v);
      if (list) list.push(step);
      else readers.set(v, [step]);
    }
  return steps.map((step) => {
    const device = step.context;
    if (device === undefined || typeof step.executable.runResident !== 'function') return new Set<string>();
    return new Set(
      step.partition.outputs.filter((v) => {
        const r = readers.get(v) ?? [];
        return !graphOutputs.has(v) && r.length > 0 && r.every((reader) => reaches(device, reader));
      }),
    );
  });
}
