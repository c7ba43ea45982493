/**
 * Picks a session's backends: resolves each spec, refuses a name claimed twice, probes the device, and
 * skips (with an event) the ones that are missing or unavailable. Refused specs (paths, URLs, packages
 * that are not backends) are errors, not skips: they are mistakes or attacks, never a missing device.
 */
import type { Backend } from '../backend/contract.js';
import type { PackageSearch } from '../backend/project-packages.js';
import { BackendClaims, resolveBackend, type BackendSpec } from '../backend/registry.js';
import { BackendUnavailableError, ErrorCodes, isLastmileError } from '../errors.js';
import type { SessionEvent } from './options.js';

const specLabel = (spec: BackendSpec): string =>
  typeof spec === 'string'
    ? spec
    : typeof (spec as { name?: unknown } | null)?.name === 'string'
      ? (spec as Backend).name
      : 'a Backend object';

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The backends a session uses, and those among them that can compile here but not run. */
export interface SelectedBackends {
  usable: Backend[];
  compileOnly: Set<Backend>;
}

/**
 * The usable backends, in the given priority order; BackendUnavailableError listing every failure when
 * none is. With `purpose: 'compile'`, a backend whose device is absent but whose probe says `canCompile`
 * is usable too, marked compile-only.
 */
export async function selectBackends(
  specs: readonly BackendSpec[],
  search: PackageSearch,
  emit: (event: SessionEvent) => void,
  purpose: 'run' | 'compile' = 'run',
): Promise<SelectedBackends> {
  const claims = new BackendClaims();
  const usable: Backend[] = [];
  const compileOnly = new Set<Backend>();
  const failures: { backend: string; reason: string }[] = [];
  const skip = (backend: string, reason: string) => {
    failures.push({ backend, reason });
    emit({ type: 'backend-skipped', backend, reason });
  };
  for (const spec of specs) {
    const label = specLabel(spec);
    let backend: Backend;
    try {
      backend = await resolveBackend(spec, search);
    } catch (error) {
      if (isLastmileError(error, ErrorCodes.Plugin)) throw error;
      skip(label, message(error));
      continue;
    }
    claims.claim(backend, label);
    try {
      const probe = await backend.probe();
      const runs = probe?.available === true;
      const compiles = purpose === 'compile' && (probe?.canCompile ?? runs) === true;
      if (!runs && !compiles) {
        skip(backend.name, `probe: ${typeof probe?.reason === 'string' ? probe.reason : 'device not available'}`);
        continue;
      }
      if (!runs) compileOnly.add(backend);
      emit({ type: 'backend-selected', backend: backend.name, probe });
      usable.push(backend);
    } catch (error) {
      skip(backend.name, `probe() threw: ${message(error)}`);
    }
  }
  if (usable.length === 0) {
    const list = failures.map((f) => `  ${f.backend}: ${f.reason}`).join('\n');
    throw new BackendUnavailableError(`no usable backend${specs.length === 0 ? ' (none was given)' : `:\n${list}`}`, {
      failures,
    });
  }
  return { usable, compileOnly };
}
