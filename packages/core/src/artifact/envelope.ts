/**
 * The envelope around every compiled partition: who wrote it (contract, backend, version, numeric
 * contract, target, options) and what it computes (its signature), around the backend's own bytes.
 * Reading it checks integrity (container.ts); {@link checkArtifactFor} checks it fits a backend.
 */
import {
  type ArtifactHeader,
  BACKEND_API_VERSION,
  type Backend,
  type CompileOptions,
  type PartitionSignature,
} from '../backend/contract.js';
import { ArtifactMismatchError } from '../errors.js';
import type { ValueInfo } from '../ir/graph.js';
import { readContainer, sha256, writeContainer } from './container.js';
import { FieldReader } from './field-reader.js';

const MAGIC = 'LMARTIF';

/** An artifact read back and found sound (not yet checked against a backend). */
export interface Artifact {
  header: ArtifactHeader;
  /** The backend's bytes. */
  payload: Uint8Array;
  /** SHA-256 of the whole artifact, hex. */
  hash: string;
}

/** The backend's version, `unversioned` when it declares none. */
export function versionOf(backend: Backend): string {
  return backend.version ?? 'unversioned';
}

/** The backend's numeric contract id: its own, or `<name>@<version>`. */
export function numericsOf(backend: Backend): string {
  return backend.numerics ?? `${backend.name}@${versionOf(backend)}`;
}

/** Hash of the compile options that change what is compiled: precision and device options. */
export function optionsHash(options: Pick<CompileOptions, 'precision' | 'deviceOptions'>): string {
  const stable = (value: unknown): unknown =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((k) => [k, stable((value as Record<string, unknown>)[k])]),
        )
      : value;
  return sha256(
    JSON.stringify(stable({ precision: options.precision ?? 'auto', device: options.deviceOptions ?? {} })),
  ).slice(0, 16);
}

/** Wraps a backend's bytes in the envelope. */
export function encodeArtifact(header: ArtifactHeader, payload: Uint8Array): Uint8Array {
  return writeContainer(MAGIC, header, payload);
}

/** Reads an artifact: SerializationError when it is damaged or its header is malformed. */
export function decodeArtifact(bytes: Uint8Array, what = 'artifact'): Artifact {
  const { header, body, hash } = readContainer(bytes, MAGIC, what);
  return { header: readHeader(header, what), payload: body, hash };
}

/**
 * Checks that `header` was written for this core and this exact backend (name, version, numeric
 * contract): ArtifactMismatchError naming the field and both values when not.
 */
export function checkArtifactFor(header: ArtifactHeader, backend: Backend, what = 'artifact'): void {
  const fields: [string, unknown, unknown][] = [
    ['contract', header.contract, BACKEND_API_VERSION],
    ['backend', header.backend, backend.name],
    ['backendVersion', header.backendVersion, versionOf(backend)],
    ['numerics', header.numerics, numericsOf(backend)],
  ];
  for (const [field, got, expected] of fields) {
    if (got !== expected)
      throw new ArtifactMismatchError(
        `${what} was compiled for ${field} ${JSON.stringify(got)}, this one is ${JSON.stringify(expected)}: compile it again`,
        { what, field, expected, got },
      );
  }
}

/** Value infos as one line: names and shapes, with `typed` their types and quantization too. */
export function describeValues(infos: readonly ValueInfo[], typed = true): string {
  return infos
    .map(
      (v) =>
        `${v.name}${typed ? `:${v.type}` : ''}[${(v.shape ?? []).join(',')}]${typed && v.quant ? JSON.stringify(v.quant) : ''}`,
    )
    .join(' ');
}

/** Checks a loaded executable's boundary against the signature the artifact declared. */
export function checkSignature(declared: PartitionSignature, got: PartitionSignature, what: string): void {
  for (const side of ['inputs', 'outputs'] as const) {
    const expected = describeValues(declared[side]);
    const found = describeValues(got[side]);
    if (expected !== found)
      throw new ArtifactMismatchError(
        `${what}: the loaded executable's ${side} are ${found}, the artifact declares ${expected}`,
        {
          what,
          field: side,
          expected,
          got: found,
        },
      );
  }
}

/** The header as stored, field by field: a value of the wrong kind is a damaged artifact. */
function readHeader(value: unknown, what: string): ArtifactHeader {
  const r = new FieldReader(what);
  const h = r.object(value, 'header');
  return {
    contract: r.int(h.contract, 'contract'),
    backend: r.string(h.backend, 'backend'),
    backendVersion: r.string(h.backendVersion, 'backendVersion'),
    numerics: r.string(h.numerics, 'numerics'),
    target: r.string(h.target, 'target'),
    optionsHash: r.string(h.optionsHash, 'optionsHash'),
    signature: r.signature(h.signature, 'signature'),
  };
}
