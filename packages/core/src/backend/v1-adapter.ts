/**
 * Version-1 backends in a version-2 core. Version 1 had no `version` or `numerics` (both optional in
 * version 2 too), and its artifacts were bare bytes: `serialize(): Uint8Array` and `load(bytes, options)`. The adapter gives such a backend
 * the version-2 shape, so nothing else in core knows version 1 existed.
 */
import type { Backend, CompiledArtifact, Executable } from './contract.js';

/** The target its artifacts are given: version 1 had none. */
const V1_TARGET = 'apiVersion 1';

type V1Executable = Omit<Executable, 'serialize'> & { serialize?(): Uint8Array };
type V1Backend = Omit<Backend, 'load' | 'compile'> & {
  compile(...args: Parameters<Backend['compile']>): Promise<V1Executable>;
  load?(bytes: Uint8Array, options: Parameters<Backend['compile']>[1]): Promise<V1Executable>;
};

/** Wraps a version-1 executable's bare-bytes `serialize`; other members pass through. */
function adaptExecutable(executable: V1Executable): Executable {
  const serialize = executable.serialize;
  if (typeof serialize !== 'function') return executable as Executable;
  return new Proxy(executable as Executable, {
    get(target, key, receiver) {
      if (key === 'serialize') return (): CompiledArtifact => ({ target: V1_TARGET, bytes: serialize.call(target) });
      const value = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** A version-1 backend as a version-2 one. */
export function adaptV1(v1: V1Backend): Backend {
  // Members are read through v1, so a class instance keeps its methods and `this`.
  const { review, open, load } = v1;
  return {
    apiVersion: 2,
    name: v1.name,
    ...(v1.requiresCalibration === undefined ? {} : { requiresCalibration: v1.requiresCalibration }),
    probe: () => v1.probe(),
    supports: (node, context) => v1.supports(node, context),
    ...(review ? { review: (pieces, context) => review.call(v1, pieces, context) } : {}),
    ...(open ? { open: (options) => open.call(v1, options) } : {}),
    compile: async (partition, options) => adaptExecutable(await v1.compile(partition, options)),
    ...(load
      ? { load: async (artifact, options) => adaptExecutable(await load.call(v1, artifact.bytes, options)) }
      : {}),
  };
}
