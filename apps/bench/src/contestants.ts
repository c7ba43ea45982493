/**
 * Who competes: every lastmile backend that resolves and probes available (at 1 and 2 threads where
 * threads apply), and the peers users would pick instead: onnxruntime-node on the CPU and
 * onnxruntime-web's wasm backend (SIMD) run from Node, each at 1 and 2 threads.
 */
import { BUILTIN_BACKENDS, InputError, resolveBackend } from '@lastmile/core';
import type { ContestantSpec } from './protocol.js';

/** Backends whose compile honours `threads`; the others run a fixed way (reference: one thread, by design). */
const THREADED_BACKENDS = new Set(['cpu-neon']);

const THREAD_COUNTS = [1, 2] as const;

export const PEERS: readonly ContestantSpec[] = THREAD_COUNTS.flatMap((threads) => [
  { id: `ort-node-${threads}t`, label: `onnxruntime-node ${threads}t`, family: 'ort-node' as const, threads },
  { id: `ort-web-${threads}t`, label: `onnxruntime-web wasm SIMD ${threads}t`, family: 'ort-web' as const, threads },
]).sort((a, b) => a.id.localeCompare(b.id));

/** A contestant that is not run, and why. */
export interface Skipped {
  id: string;
  reason: string;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The contestants of one lastmile backend. */
export function backendContestants(name: string): ContestantSpec[] {
  if (!THREADED_BACKENDS.has(name)) return [{ id: name, label: `lastmile ${name}`, family: 'lastmile', backend: name }];
  return THREAD_COUNTS.map((threads) => ({
    id: `${name}-${threads}t`,
    label: `lastmile ${name} ${threads}t`,
    family: 'lastmile',
    backend: name,
    threads,
  }));
}

/** Tries every first-party backend: those installed where `projectRoot` resolves and available on this machine compete. */
export async function discoverBackends(
  projectRoot: string,
): Promise<{ contestants: ContestantSpec[]; skipped: Skipped[] }> {
  const contestants: ContestantSpec[] = [];
  const skipped: Skipped[] = [];
  for (const name of Object.keys(BUILTIN_BACKENDS)) {
    try {
      const backend = await resolveBackend(name, { projectRoot });
      const probe = await backend.probe();
      if (!probe.available) skipped.push({ id: name, reason: `probe: ${probe.reason ?? 'not available'}` });
      // Quantizing backends match their own integer contract, not float onnxruntime within 1e-3.
      else if (backend.requiresCalibration)
        skipped.push({
          id: name,
          reason: 'quantizing backend: compared bit-exactly against its own contract, not against float onnxruntime',
        });
      else contestants.push(...backendContestants(name));
    } catch (error) {
      skipped.push({ id: name, reason: message(error) });
    }
  }
  return { contestants, skipped };
}

/** The contestants `filter` names, by id or by id without its thread suffix (`ort-web` is both thread counts). */
export function selectContestants(
  all: readonly ContestantSpec[],
  filter: readonly string[] | undefined,
  skipped: readonly Skipped[] = [],
): ContestantSpec[] {
  if (filter === undefined || filter.length === 0) return [...all];
  const matches = (spec: ContestantSpec, f: string) => spec.id === f || spec.id.replace(/-\d+t$/, '') === f;
  const unknown = filter.filter((f) => !all.some((spec) => matches(spec, f)) && !skipped.some((s) => s.id === f));
  if (unknown.length > 0) {
    throw new InputError(`--contestants: unknown ${unknown.map((f) => `'${f}'`).join(', ')}`, {
      got: unknown,
      expected: all.map((s) => s.id),
    });
  }
  return all.filter((spec) => filter.some((f) => matches(spec, f)));
}
