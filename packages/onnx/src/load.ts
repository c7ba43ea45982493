/**
 * loadModel / decodeModel: checks in the order that keeps the work bounded (size, format, versions,
 * nesting, functions), then the conversion into the IR.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ModelFormatError, ModelLimitError, UnsupportedOpError, UnsupportedOpsetError } from '@lastmile/core';
import type { Model } from '@lastmile/core';
import { decodeModelProto } from './decode-proto.js';
import { ExternalDataFiles } from './external-data.js';
import type { onnx } from './generated/onnx.js';
import { importGraph } from './import-graph.js';
import { longToSafeInteger } from './int64.js';
import { resolveOptions } from './options.js';
import type { LoadOptions, ResolvedOptions } from './options.js';

/** Opset versions of the standard ONNX domain that lastmile reads. */
export const SUPPORTED_OPSETS = { min: 7, max: 21 } as const;
/** ONNX IR versions that lastmile reads. */
export const SUPPORTED_IR_VERSIONS = { min: 3, max: 10 } as const;

const range = `opsets ${SUPPORTED_OPSETS.min} to ${SUPPORTED_OPSETS.max} of the ONNX domain`;

function checkIrVersion(proto: onnx.ModelProto): number {
  const ir = longToSafeInteger(proto.irVersion);
  if (ir === undefined || ir < SUPPORTED_IR_VERSIONS.min || ir > SUPPORTED_IR_VERSIONS.max) {
    throw new UnsupportedOpsetError(
      `ONNX IR version ${ir ?? String(proto.irVersion)} is not supported: lastmile reads IR versions ${SUPPORTED_IR_VERSIONS.min} to ${SUPPORTED_IR_VERSIONS.max}`,
      { expected: SUPPORTED_IR_VERSIONS, got: ir ?? String(proto.irVersion) },
    );
  }
  return ir;
}

function checkOpsets(proto: onnx.ModelProto): Map<string, number> {
  const opsets = new Map<string, number>();
  for (const o of proto.opsetImport ?? []) {
    const domain = o.domain ?? '';
    const version = longToSafeInteger(o.version);
    if (version === undefined || version < 1) {
      throw new UnsupportedOpsetError(`opset_import of domain '${domain}' has version ${String(o.version)}`, {
        domain,
        got: String(o.version),
      });
    }
    const key = domain === 'ai.onnx' ? '' : domain;
    if (opsets.has(key))
      throw new ModelFormatError(`opset_import lists domain '${domain || 'ai.onnx'}' twice`, { domain });
    opsets.set(key, version);
  }
  const opsetOf = opsets.get('');
  if (opsetOf === undefined) {
    throw new UnsupportedOpsetError(`the model imports no opset of the ONNX domain; lastmile supports ${range}`, {
      expected: SUPPORTED_OPSETS,
      got: 'none',
    });
  }
  if (opsetOf < SUPPORTED_OPSETS.min || opsetOf > SUPPORTED_OPSETS.max) {
    throw new UnsupportedOpsetError(`ONNX opset ${opsetOf} is not supported; lastmile supports ${range}`, {
      domain: '',
      expected: SUPPORTED_OPSETS,
      got: opsetOf,
    });
  }
  return opsets;
}

/** Checks subgraph nesting with an explicit stack, before any conversion recurses into it. */
function checkSubgraphDepth(proto: onnx.ModelProto, limit: number): void {
  const stack: { nodes: readonly onnx.NodeProto.$Properties[]; depth: number }[] = [
    { nodes: proto.graph?.node ?? [], depth: 0 },
  ];
  for (const f of proto.functions ?? []) stack.push({ nodes: f.node ?? [], depth: 0 });
  while (stack.length > 0) {
    const { nodes, depth } = stack.pop()!;
    for (const n of nodes) {
      for (const a of n.attribute ?? []) {
        for (const g of [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]) {
          if (depth + 1 > limit) {
            throw new ModelLimitError(
              `subgraphs are nested deeper than ${limit} levels (at ${n.opType} node '${n.name ?? ''}')`,
              {
                node: n.name ?? '',
                op: n.opType ?? '',
                limit,
                option: 'maxSubgraphDepth',
              },
            );
          }
          stack.push({ nodes: g.node ?? [], depth: depth + 1 });
        }
      }
    }
  }
}

function refuseFunctions(proto: onnx.ModelProto): void {
  const functions = proto.functions ?? [];
  if (functions.length === 0) return;
  const names = functions.slice(0, 10).map((f) => `${f.domain ? `${f.domain}.` : ''}${f.name ?? ''}`);
  const more = functions.length > names.length ? ` and ${functions.length - names.length} more` : '';
  throw new UnsupportedOpError(
    `the model defines ${functions.length} local function(s), which lastmile does not support yet: ${names.join(', ')}${more}`,
    {
      functions: names,
      count: functions.length,
    },
  );
}

function importModel(bytes: Uint8Array, options: ResolvedOptions): Model {
  if (bytes.length > options.maxFileBytes) throw tooLarge(bytes.length, options.maxFileBytes);
  const proto = decodeModelProto(bytes);
  const irVersion = checkIrVersion(proto);
  const opsets = checkOpsets(proto);
  checkSubgraphDepth(proto, options.maxSubgraphDepth);
  refuseFunctions(proto);
  const external = new ExternalDataFiles(options.baseDir);
  try {
    const graph = importGraph(proto.graph as onnx.GraphProto, 0, {
      external,
      maxTensorBytes: options.maxTensorBytes,
      unknownDims: 0,
    });
    const model: Model = {
      irVersion,
      opsets,
      graph,
      metadata: new Map((proto.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? ''])),
    };
    if (proto.producerName) model.producerName = proto.producerName;
    if (proto.producerVersion) model.producerVersion = proto.producerVersion;
    if (proto.docString) model.docString = proto.docString;
    return model;
  } finally {
    external.close();
  }
}

function tooLarge(size: number, limit: number): ModelLimitError {
  return new ModelLimitError(
    `the model is ${size} bytes, over the limit of ${limit}; store large weights as ONNX external data`,
    {
      limit,
      got: size,
      option: 'maxFileBytes',
    },
  );
}

/**
 * Decodes ONNX bytes into the IR. External data is read (synchronously) from `options.baseDir`, and
 * refused when no baseDir is given.
 */
export function decodeModel(bytes: Uint8Array, options?: LoadOptions): Model {
  return importModel(bytes, resolveOptions(options));
}

/** Reads a whole regular file, checking its size against the limit before allocating. */
function readModelFile(path: string, limit: number): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw new ModelFormatError(
      `cannot open model file '${path}' (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      { path },
      { cause: error },
    );
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw new ModelFormatError(`model path '${path}' is not a regular file`, { path });
    if (info.size > limit) throw tooLarge(info.size, limit);
    const bytes = new Uint8Array(info.size);
    let done = 0;
    while (done < bytes.length) {
      const n = readSync(fd, bytes, done, bytes.length - done, done);
      if (n === 0) break;
      done += n;
    }
    return done === bytes.length ? bytes : bytes.subarray(0, done);
  } finally {
    closeSync(fd);
  }
}

/**
 * Loads an ONNX model from a file path or from bytes. For a path, the size is checked with `stat`
 * before anything is read, and external data is looked up next to the model (or in `options.baseDir`).
 */
export async function loadModel(source: string | Uint8Array, options?: LoadOptions): Promise<Model> {
  const resolved = resolveOptions(options);
  if (typeof source !== 'string') return importModel(source, resolved);
  let size: number;
  try {
    size = (await stat(source)).size;
  } catch (error) {
    throw new ModelFormatError(
      `cannot read model file '${source}' (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      { path: source },
      { cause: error },
    );
  }
  if (size > resolved.maxFileBytes) throw tooLarge(size, resolved.maxFileBytes);
  const bytes = readModelFile(source, resolved.maxFileBytes);
  return importModel(bytes, { ...resolved, baseDir: resolved.baseDir ?? dirname(source) });
}
