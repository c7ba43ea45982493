/**
 * Finding and importing packages (backends, importers) installed for the user. Resolution looks only in
 * `node_modules` folders: those of the project root and its ancestors first, then those above each folder
 * a tool names as its own (`resolveFrom`: the CLI's install, wherever npm, pnpm, npx or a global install
 * put it), never through NODE_PATH, global folders, the model's folder or a path or URL given as a name. A
 * project whose own package.json bears the name asked for is that package (a backend run in its folder).
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BackendUnavailableError } from '../errors.js';

/**
 * The project root when none is given: the folder of the nearest package.json above the entry script, or
 * the working directory when the entry script is a tool inside node_modules (a test runner, an installed
 * CLI) or there is none.
 */
export function defaultProjectRoot(): string {
  const entry = process.argv[1];
  if (entry) {
    let script: string | undefined;
    try {
      script = realpathSync(entry);
    } catch {
      script = undefined;
    }
    if (script !== undefined && !script.split(sep).includes('node_modules')) {
      const found = nearestPackageDir(dirname(script));
      if (found !== undefined) return found;
    }
  }
  return process.cwd();
}

/** The given root made absolute, or {@link defaultProjectRoot}. */
export function projectRootOf(options: { projectRoot?: string }): string {
  return options.projectRoot === undefined ? defaultProjectRoot() : resolve(options.projectRoot);
}

/** Where packages are looked up. */
export interface PackageSearch {
  /** The folder whose node_modules (and its ancestors') are searched first; default {@link defaultProjectRoot}. */
  projectRoot?: string;
  /**
   * Folders or `file:` URLs searched after the project root, each from its real path up: a tool passes
   * its own `import.meta.url` so the packages it depends on, or that were installed beside it (npx,
   * pnpm, a global install), are found wherever it was installed.
   */
  resolveFrom?: readonly string[];
}

/** The folders a search starts from, in order: the project root, then each `resolveFrom` place's real folder. */
export function searchRoots(search: PackageSearch): string[] {
  const roots = [projectRootOf(search)];
  for (const place of search.resolveFrom ?? []) {
    const path = place.startsWith('file:') ? fileURLToPath(place) : resolve(place);
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      continue;
    }
    const folder = isFile(real) ? dirname(real) : real;
    if (!roots.includes(folder)) roots.push(folder);
  }
  return roots;
}

function nearestPackageDir(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** An installed package: where it was found and its parsed package.json. */
export interface InstalledPackage {
  name: string;
  /** The package folder, symlinks resolved (pnpm links into its store or the workspace). */
  dir: string;
  manifest: Record<string, unknown>;
}

/**
 * Finds `name`: the first root (a folder, or the roots of a search in order) that is itself that package,
 * or has it in the node_modules of the root or an ancestor; undefined when it is not installed.
 */
export function findInstalledPackage(name: string, roots: string | readonly string[]): InstalledPackage | undefined {
  for (const root of typeof roots === 'string' ? [roots] : roots) {
    const self = ownManifest(root);
    if (self?.name === name) return { name, dir: realpathSync(root), manifest: self };
    for (let dir = root; ; dir = dirname(dir)) {
      const manifestPath = join(dir, 'node_modules', name, 'package.json');
      if (isFile(manifestPath)) {
        const pkgDir = realpathSync(dirname(manifestPath));
        return { name, dir: pkgDir, manifest: readManifest(name, join(pkgDir, 'package.json')) };
      }
      if (dirname(dir) === dir) break;
    }
  }
  return undefined;
}

// The root's own package.json, when it is a readable object: a root that is not a package is simply not a match.
function ownManifest(root: string): Record<string, unknown> | undefined {
  const path = join(root, 'package.json');
  if (!isFile(path)) return undefined;
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function readManifest(name: string, path: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new BackendUnavailableError(
      `package '${name}' has an unreadable package.json (${path})`,
      { package: name, path },
      { cause },
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new BackendUnavailableError(`package '${name}' has a package.json that is not an object (${path})`, {
      package: name,
      path,
    });
  }
  return parsed as Record<string, unknown>;
}

// When core itself runs from TypeScript sources (tests), workspace packages are taken from theirs too.
const RUNNING_FROM_SOURCE = import.meta.url.endsWith('.ts');
const CONDITIONS = new Set([...(RUNNING_FROM_SOURCE ? ['@lastmile/source'] : []), 'import', 'node', 'default']);

function pickTarget(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) {
    for (const t of target) {
      const found = pickTarget(t);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof target !== 'object' || target === null) return undefined;
  for (const [condition, value] of Object.entries(target)) {
    if (!CONDITIONS.has(condition)) continue;
    const found = pickTarget(value);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The file an ESM `import` of the package's main entry loads: `exports['.']`, else `main`, else index.js. */
export function packageEntry(pkg: InstalledPackage): string {
  const { exports, main } = pkg.manifest;
  let target: string | undefined;
  if (exports !== undefined) {
    const isSubpathMap =
      typeof exports === 'object' &&
      exports !== null &&
      !Array.isArray(exports) &&
      Object.keys(exports).some((k) => k.startsWith('.'));
    target = pickTarget(isSubpathMap ? (exports as Record<string, unknown>)['.'] : exports);
    if (target === undefined) {
      throw new BackendUnavailableError(`package '${pkg.name}' exports no entry for import`, {
        package: pkg.name,
        conditions: [...CONDITIONS],
      });
    }
  } else {
    target = typeof main === 'string' ? main : 'index.js';
  }
  const file = resolve(pkg.dir, target);
  const rel = relative(pkg.dir, file);
  if (rel.startsWith('..') || isAbsolute(rel)) {
    throw new BackendUnavailableError(`package '${pkg.name}' points its entry outside its folder: ${target}`, {
      package: pkg.name,
      entry: target,
    });
  }
  if (!isFile(file)) {
    throw new BackendUnavailableError(`package '${pkg.name}' entry ${target} does not exist (not built?)`, {
      package: pkg.name,
      entry: file,
    });
  }
  return file;
}

/** Imports the package's entry; a module that throws while loading becomes BackendUnavailableError with the cause. */
export async function importInstalledPackage(pkg: InstalledPackage): Promise<Record<string, unknown>> {
  const entry = packageEntry(pkg);
  try {
    return (await import(/* @vite-ignore */ pathToFileURL(entry).href)) as Record<string, unknown>;
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new BackendUnavailableError(
      `package '${pkg.name}' failed to load: ${why}`,
      { package: pkg.name, entry },
      { cause },
    );
  }
}
