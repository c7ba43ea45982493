/**
 * Which backends a project has: the built-in short names, plus third-party packages the project root's
 * package.json depends on that declare themselves with a `lastmile.backend` field, or that the project
 * itself is. Packages are found as sessions find them: the project root, then the CLI's own install.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BUILTIN_BACKENDS,
  type InstalledPackage,
  type PackageSearch,
  findInstalledPackage,
  searchRoots,
} from '@lastmile/core';

/** A backend the project could name. */
export interface KnownBackend {
  /** What `--backends` takes: the short name of a built-in, the package name of a third-party one. */
  spec: string;
  packageName: string;
  builtin: boolean;
  /** The installed package's folder and version; undefined when not installed. */
  installed?: { dir: string; version: string };
}

function dependencyNames(root: string): string[] {
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    return [];
  }
  const names = new Set<string>(typeof manifest.name === 'string' ? [manifest.name] : []);
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies']) {
    const deps = manifest[field];
    if (typeof deps === 'object' && deps !== null) for (const name of Object.keys(deps)) names.add(name);
  }
  return [...names];
}

// An unreadable package.json counts as not installed here; resolving the backend reports it in full.
function findPackage(name: string, roots: readonly string[]): InstalledPackage | undefined {
  try {
    return findInstalledPackage(name, roots);
  } catch {
    return undefined;
  }
}

function isDeclaredBackend(manifest: Record<string, unknown>): boolean {
  const field = manifest.lastmile;
  return typeof field === 'object' && field !== null && typeof (field as Record<string, unknown>).backend === 'string';
}

/** Every built-in backend (installed or not) and every installed third-party one, built-ins first. */
export function knownBackends(search: PackageSearch): KnownBackend[] {
  const roots = searchRoots(search);
  const describe = (spec: string, packageName: string, builtin: boolean): KnownBackend => {
    const pkg = findPackage(packageName, roots);
    const version = typeof pkg?.manifest.version === 'string' ? pkg.manifest.version : '?';
    return { spec, packageName, builtin, ...(pkg ? { installed: { dir: pkg.dir, version } } : {}) };
  };
  const builtins = Object.entries(BUILTIN_BACKENDS).map(([spec, packageName]) => describe(spec, packageName, true));
  const firstParty = new Set(Object.values(BUILTIN_BACKENDS));
  const thirdParty = dependencyNames(roots[0])
    .filter((name) => !firstParty.has(name))
    .filter((name) => {
      const pkg = findPackage(name, roots);
      return pkg !== undefined && isDeclaredBackend(pkg.manifest);
    })
    .sort()
    .map((name) => describe(name, name, false));
  return [...builtins, ...thirdParty];
}
