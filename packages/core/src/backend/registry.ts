/**
 * Backend discovery: a spec (short name, package name, or a Backend object) becomes a validated Backend.
 * First-party short names map to `@lastmile/backend-*`; any other package must declare itself with a
 * `lastmile` field in its package.json. Refused specs import nothing (PluginError); packages that are
 * missing, throw on import or export a malformed descriptor give BackendUnavailableError.
 */
import { BackendUnavailableError, PluginError } from '../errors.js';
import { parseBackendSpec } from './backend-spec.js';
import { BACKEND_API_VERSION, type Backend } from './contract.js';
import { adaptV1 } from './v1-adapter.js';
import {
  findInstalledPackage,
  importInstalledPackage,
  type InstalledPackage,
  type PackageSearch,
  searchRoots,
} from './project-packages.js';

/** Where discovery looks: the project root, then the places a tool names as its own (see `PackageSearch`). */
export type ResolveOptions = PackageSearch;

/** A backend spec: a name, or a descriptor passed directly. */
export type BackendSpec = string | Backend;

/** Finds, imports and validates the backend `spec` names; a Backend object is validated as is. */
export async function resolveBackend(spec: BackendSpec, options: ResolveOptions = {}): Promise<Backend> {
  if (typeof spec === 'object' && spec !== null) return validateBackend(spec, 'the Backend object passed');
  const parsed = parseBackendSpec(spec);
  const roots = searchRoots(options);
  const pkg = findInstalledPackage(parsed.packageName, roots);
  if (pkg === undefined) {
    const where = roots.join(', ');
    throw new BackendUnavailableError(
      `backend '${spec}' is not installed: no ${parsed.packageName} in node_modules of ${where} or their parents; add it with \`npm install ${parsed.packageName}\``,
      {
        backend: spec,
        package: parsed.packageName,
        projectRoot: roots[0],
        searched: roots,
        install: `npm install ${parsed.packageName}`,
      },
    );
  }
  const declared = declaredBackendName(pkg);
  const module = await importInstalledPackage(pkg);
  const backend = validateBackend(module.backend, `package '${pkg.name}'`);
  if (backend.name !== declared) {
    throw new BackendUnavailableError(
      `package '${pkg.name}' declares backend '${declared}' in package.json but exports '${backend.name}'`,
      {
        package: pkg.name,
        expected: declared,
        got: backend.name,
      },
    );
  }
  return backend;
}

/** The `lastmile.backend` field of the package: what makes a package a backend (refused without it). */
function declaredBackendName(pkg: InstalledPackage): string {
  const field = pkg.manifest.lastmile;
  const name =
    typeof field === 'object' && field !== null && Object.hasOwn(field, 'backend')
      ? (field as Record<string, unknown>).backend
      : undefined;
  if (typeof name !== 'string' || name.length === 0) {
    throw new PluginError(
      `package '${pkg.name}' is not a lastmile backend: its package.json has no "lastmile": { "backend": "<name>" } field`,
      {
        package: pkg.name,
        path: pkg.dir,
      },
    );
  }
  return name;
}

const REQUIRED_FUNCTIONS = ['probe', 'supports', 'compile'] as const;
const OPTIONAL_FUNCTIONS = ['review', 'open', 'load'] as const;

/** Contract versions core loads: its own, and version 1 through the adapter. */
const LOADABLE_API_VERSIONS = [1, BACKEND_API_VERSION];

/**
 * Checks that `value` is a Backend core can use: an object with a loadable `apiVersion`, a string `name`,
 * functions probe/supports/compile, and the optional members of the right kind when present. A version-1 backend comes back adapted. `source` names where it came from in
 * the error. Getters that throw are reported, not propagated.
 */
export function validateBackend(value: unknown, source: string): Backend {
  const fail = (what: string, details: Record<string, unknown> = {}, cause?: unknown): never => {
    throw new BackendUnavailableError(
      `${source} is not a valid lastmile backend: ${what}`,
      { source, ...details },
      cause === undefined ? undefined : { cause },
    );
  };
  if (typeof value !== 'object' || value === null)
    fail(`expected an object exported as 'backend', got ${value === null ? 'null' : typeof value}`);
  const b = value as Record<string, unknown>;
  try {
    if (!LOADABLE_API_VERSIONS.includes(b.apiVersion as number)) {
      fail(`apiVersion ${String(b.apiVersion)} is not one this core loads (${LOADABLE_API_VERSIONS.join(', ')})`, {
        expected: LOADABLE_API_VERSIONS,
        got: b.apiVersion,
      });
    }
    if (typeof b.name !== 'string' || b.name.length === 0)
      fail(`'name' must be a non-empty string, got ${typeof b.name}`);
    for (const fn of REQUIRED_FUNCTIONS) {
      if (typeof b[fn] !== 'function') fail(`'${fn}' must be a function, got ${typeof b[fn]}`, { member: fn });
    }
    for (const fn of OPTIONAL_FUNCTIONS) {
      if (b[fn] !== undefined && typeof b[fn] !== 'function')
        fail(`'${fn}' must be a function when present, got ${typeof b[fn]}`, { member: fn });
    }
    if (b.apiVersion === 1) return adaptV1(value as Parameters<typeof adaptV1>[0]);
    for (const member of ['version', 'numerics'] as const)
      if (b[member] !== undefined && (typeof b[member] !== 'string' || b[member] === ''))
        fail(`'${member}' must be a non-empty string when present`, { member });
    if (b.requiresCalibration !== undefined && typeof b.requiresCalibration !== 'boolean') {
      fail(`'requiresCalibration' must be a boolean when present`, { member: 'requiresCalibration' });
    }
  } catch (error) {
    if (error instanceof BackendUnavailableError) throw error;
    fail(`reading its members threw: ${error instanceof Error ? error.message : String(error)}`, {}, error);
  }
  return value as Backend;
}

/**
 * The backends of one session by name: a second backend claiming a name already taken is refused, so a
 * package cannot pose as another backend.
 */
export class BackendClaims {
  readonly #byName = new Map<string, Backend>();

  /** Registers `backend` under its name, or throws PluginError when the name is taken. */
  claim(backend: Backend, spec: string): void {
    const taken = this.#byName.get(backend.name);
    if (taken !== undefined) {
      throw new PluginError(`backend name '${backend.name}' is claimed twice (again by ${spec})`, {
        backend: backend.name,
        spec,
      });
    }
    this.#byName.set(backend.name, backend);
  }
}
