/**
 * A bundle: a prepared plan as one file that runs without its source model. Its header lists the
 * partitions in run order with their backends and the assignment report; its body holds the host model
 * (the graph's inputs and outputs at the prepared shapes, and outputs that are constants) as a model
 * image, then each partition's artifact, each in its own envelope.
 */
import type { PartitionSignature } from '../backend/contract.js';
import type { Model } from '../ir/graph.js';
import type { AssignmentReport } from '../partition/report.js';
import { readContainer, writeContainer } from './container.js';
import { FieldReader } from './field-reader.js';
import { decodeModel } from './model-image.js';

const MAGIC = 'LMBUNDLE';

/** Bytes of a file's head {@link looksLikeBundle} needs. */
export const BUNDLE_HEAD_BYTES = MAGIC.length;

/** True when `head` (a file's first bytes) opens as a bundle does. */
export function looksLikeBundle(head: Uint8Array): boolean {
  return head.length >= MAGIC.length && new TextDecoder().decode(head.subarray(0, MAGIC.length)) === MAGIC;
}

/** One partition of a bundle. */
export interface BundlePartition {
  id: number;
  backend: string;
  /** Its nodes' names, for reports. */
  nodes: string[];
  /** Its boundary as the plan sees it (the executable's own may differ in type, as fp16 storage does). */
  boundary: PartitionSignature;
  /** Its artifact (an envelope). */
  artifact: Uint8Array;
}

/** What a bundle holds. */
export interface Bundle {
  /** The model without nodes: inputs and outputs at the prepared shapes, constant outputs as initializers. */
  host: Model;
  partitions: BundlePartition[];
  report: AssignmentReport;
}

/** Lays a bundle out; `hostImage` is the host model already encoded (model-image.ts). */
export function encodeBundle(
  hostImage: Uint8Array,
  partitions: readonly BundlePartition[],
  report: AssignmentReport,
): Uint8Array {
  const parts: Uint8Array[] = [hostImage];
  let at = hostImage.length;
  const listed = partitions.map(({ artifact, ...entry }) => {
    parts.push(artifact);
    const range = { at, bytes: artifact.length };
    at += artifact.length;
    return { ...entry, artifact: range };
  });
  const body = new Uint8Array(at);
  let offset = 0;
  for (const part of parts) {
    body.set(part, offset);
    offset += part.length;
  }
  return writeContainer(MAGIC, { host: { at: 0, bytes: hostImage.length }, partitions: listed, report }, body);
}

/** Reads a bundle: SerializationError when it is damaged or malformed. Artifacts are checked when loaded. */
export function decodeBundle(bytes: Uint8Array, what = 'bundle'): Bundle {
  const { header, body } = readContainer(bytes, MAGIC, what);
  const r = new FieldReader(what);
  const h = r.object(header, 'header');
  const partitions = r.array(h.partitions, 'partitions').map((p, i): BundlePartition => {
    const path = `partitions[${i}]`;
    const e = r.object(p, path);
    return {
      id: r.int(e.id, `${path}.id`),
      backend: r.string(e.backend, `${path}.backend`),
      nodes: r.strings(e.nodes, `${path}.nodes`),
      boundary: r.signature(e.boundary, `${path}.boundary`),
      artifact: r.slice(e.artifact, `${path}.artifact`, body),
    };
  });
  return {
    // Its outputs are computed by the partitions: the session checks that data flow, not the validator.
    host: decodeModel(r.slice(h.host, 'host', body), `${what} (host model)`, false),
    partitions,
    report: readReport(r, h.report),
  };
}

/** The assignment report, field by field (it is printed and returned to callers as data). */
function readReport(r: FieldReader, v: unknown): AssignmentReport {
  const o = r.object(v, 'report');
  const refusal = (x: unknown, path: string) => {
    const e = r.object(x, path);
    return { backend: r.string(e.backend, `${path}.backend`), reason: r.string(e.reason, `${path}.reason`) };
  };
  return {
    nodes: r.array(o.nodes, 'report.nodes').map((x, i) => {
      const path = `report.nodes[${i}]`;
      const e = r.object(x, path);
      return {
        node: r.string(e.node, `${path}.node`),
        op: r.string(e.op, `${path}.op`),
        backend: r.string(e.backend, `${path}.backend`),
        declinedBy: r.array(e.declinedBy, `${path}.declinedBy`).map((d, k) => refusal(d, `${path}.declinedBy[${k}]`)),
        ...(e.movedFrom === undefined ? {} : { movedFrom: refusal(e.movedFrom, `${path}.movedFrom`) }),
      };
    }),
    partitions: r.array(o.partitions, 'report.partitions').map((x, i) => {
      const path = `report.partitions[${i}]`;
      const e = r.object(x, path);
      const cost = e.costMs;
      return {
        id: r.int(e.id, `${path}.id`),
        backend: r.string(e.backend, `${path}.backend`),
        nodeCount: r.int(e.nodeCount, `${path}.nodeCount`),
        nodes: r.strings(e.nodes, `${path}.nodes`),
        inputs: r.strings(e.inputs, `${path}.inputs`),
        outputs: r.strings(e.outputs, `${path}.outputs`),
        ...(typeof cost === 'number' && Number.isFinite(cost) ? { costMs: cost } : {}),
      };
    }),
  };
}
