/**
 * Backend specs as users write them: a built-in short name or an npm package name. Anything that could
 * make the runtime import a file of the attacker's choosing (a path, a URL, a `node:` builtin) is refused
 * before the filesystem is touched.
 */
import { isBuiltin } from 'node:module';
import { PluginError } from '../errors.js';

/** Short names of the first-party backends and the packages they live in. */
export const BUILTIN_BACKENDS: Readonly<Record<string, string>> = Object.freeze({
  reference: '@lastmile/backend-reference',
  'cpu-neon': '@lastmile/backend-cpu-neon',
  'gpu-opencl': '@lastmile/backend-gpu-opencl',
  'dsp-vp6': '@lastmile/backend-dsp-vp6',
  'npu-nnie': '@lastmile/backend-npu-nnie',
});

// npm's rules for new package names, minus the rarely used !*'() characters: lowercase, URL-safe, no
// leading dot or underscore, an optional scope.
const PACKAGE_NAME = /^(?:@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*$/;
const MAX_NAME_LENGTH = 214;

/** What a spec names: a first-party backend by short name, or a package. */
export interface ParsedSpec {
  /** The npm package to load. */
  packageName: string;
  /** True for the short names of {@link BUILTIN_BACKENDS}. */
  builtin: boolean;
}

function refuse(spec: string, why: string): never {
  throw new PluginError(`backend '${spec.replace(/\0/g, '\\0')}' refused: ${why}`, { spec, reason: why });
}

/**
 * Parses a backend spec or throws PluginError saying why it is refused. Nothing is read or imported here.
 */
export function parseBackendSpec(spec: unknown): ParsedSpec {
  if (typeof spec !== 'string') {
    throw new PluginError(
      `a backend spec must be a name or a Backend object, got ${spec === null ? 'null' : typeof spec}`,
      { got: typeof spec },
    );
  }
  if (spec.length === 0) refuse(spec, 'the name is empty');
  if (spec.includes('\0')) refuse(spec, 'the name contains a NUL byte');
  if (/^[a-z][a-z0-9+.-]*:/i.test(spec))
    refuse(spec, 'URLs and scheme-prefixed specifiers (file:, data:, http:, node:) are not backend names');
  if (spec.startsWith('.') || spec.startsWith('/') || spec.includes('\\')) {
    refuse(spec, 'paths are not backend names; install the backend as a package and name the package');
  }
  if (/\s/.test(spec)) refuse(spec, 'the name contains whitespace');
  if (spec !== spec.toLowerCase()) refuse(spec, 'package names are lowercase');
  if (spec.includes('..')) refuse(spec, "the name contains '..'");
  const builtin = BUILTIN_BACKENDS[spec];
  if (Object.hasOwn(BUILTIN_BACKENDS, spec) && builtin !== undefined) return { packageName: builtin, builtin: true };
  if (spec.length > MAX_NAME_LENGTH || !PACKAGE_NAME.test(spec)) refuse(spec, 'not a valid npm package name');
  if (isBuiltin(spec)) refuse(spec, 'the name is a Node.js builtin module');
  const near = Object.keys(BUILTIN_BACKENDS).find((short) => editDistance(short, spec) === 1);
  if (near !== undefined) refuse(spec, `it looks like a misspelling of the built-in backend '${near}'`);
  return { packageName: spec, builtin: false };
}

/** Levenshtein distance; names are short, so the quadratic table is fine. */
function editDistance(x: string, y: string): number {
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[y.length];
}
