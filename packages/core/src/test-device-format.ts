/**
 * The test device's deploy artifact: a compiled partition (graph, weights, per-tensor int8 activation
 * parameters) as bytes. Layout: "LMTD" magic, u32 format version, u32 payload length, u32 FNV-1a checksum
 * of the payload, then the payload as UTF-8 JSON. Anything that does not check out is a SerializationError.
 */
import { SerializationError, Tensor, type Attribute, type Model, type Node, type ValueInfo } from '@lastmile/core';

export const FORMAT_MAGIC = 'LMTD';
export const FORMAT_VERSION = 1;
const HEADER_BYTES = 16;

/** Per-tensor asymmetric int8 parameters of one activation. */
export interface QuantParams {
  scale: number;
  zeroPoint: number;
}

/** What the device keeps of a compiled partition. */
export interface Program {
  model: Model;
  quant: Map<string, QuantParams>;
}

interface Payload {
  opsets: [string, number][];
  nodes: {
    name: string;
    opType: string;
    domain: string;
    inputs: string[];
    outputs: string[];
    attributes: [string, Attribute][];
  }[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  weights: [string, number[], string][];
  quant: [string, number, number][];
}

function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

function plainAttribute(node: Node, name: string, value: Attribute): Attribute {
  if (value.type === 'tensor' || value.type === 'graph') {
    throw new SerializationError(
      `the test device cannot serialize ${value.type} attribute '${name}' of node '${node.name}'`,
      { node: node.name, attribute: name },
    );
  }
  return value;
}

/** Program -> bytes. */
export function serializeProgram(program: Program): Uint8Array {
  const g = program.model.graph;
  const payload: Payload = {
    opsets: [...program.model.opsets],
    nodes: g.nodes.map((n) => ({
      name: n.name,
      opType: n.opType,
      domain: n.domain,
      inputs: n.inputs,
      outputs: n.outputs,
      attributes: [...n.attributes].map(([k, v]) => [k, plainAttribute(n, k, v)]),
    })),
    inputs: g.inputs,
    outputs: g.outputs,
    weights: [...g.initializers].map(([name, t]) => {
      const data = t.data as Float32Array;
      return [name, [...t.dims], Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64')];
    }),
    quant: [...program.quant].map(([name, q]) => [name, q.scale, q.zeroPoint]),
  };
  const body = new TextEncoder().encode(JSON.stringify(payload));
  const out = new Uint8Array(HEADER_BYTES + body.length);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(FORMAT_MAGIC), 0);
  view.setUint32(4, FORMAT_VERSION, true);
  view.setUint32(8, body.length, true);
  view.setUint32(12, fnv1a(body), true);
  out.set(body, HEADER_BYTES);
  return out;
}

/** Bytes -> Program, or SerializationError saying what is wrong (magic, version, length, checksum, content). */
export function deserializeProgram(bytes: Uint8Array): Program {
  if (!(bytes instanceof Uint8Array) || bytes.length < HEADER_BYTES) {
    throw new SerializationError(
      `a test-device artifact needs at least ${HEADER_BYTES} bytes, got ${bytes?.length ?? 0}`,
      { expected: HEADER_BYTES, got: bytes?.length ?? 0 },
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = new TextDecoder('latin1').decode(bytes.subarray(0, 4));
  if (magic !== FORMAT_MAGIC)
    throw new SerializationError(`not a test-device artifact: magic '${magic}'`, {
      expected: FORMAT_MAGIC,
      got: magic,
    });
  const version = view.getUint32(4, true);
  if (version !== FORMAT_VERSION)
    throw new SerializationError(`test-device artifact version ${version} is not ${FORMAT_VERSION}`, {
      expected: FORMAT_VERSION,
      got: version,
    });
  const length = view.getUint32(8, true);
  if (length !== bytes.length - HEADER_BYTES) {
    throw new SerializationError(
      `test-device artifact declares ${length} payload bytes, has ${bytes.length - HEADER_BYTES}`,
      { expected: length, got: bytes.length - HEADER_BYTES },
    );
  }
  const body = bytes.subarray(HEADER_BYTES);
  const checksum = view.getUint32(12, true);
  if (fnv1a(body) !== checksum)
    throw new SerializationError('test-device artifact checksum mismatch (corrupt bytes)', {
      expected: checksum,
      got: fnv1a(body),
    });
  try {
    return programOf(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body)) as Payload);
  } catch (cause) {
    if (cause instanceof SerializationError) throw cause;
    throw new SerializationError(
      `test-device artifact payload is malformed: ${(cause as Error).message}`,
      {},
      { cause },
    );
  }
}

function programOf(p: Payload): Program {
  const initializers = new Map<string, Tensor>();
  for (const [name, dims, base64] of p.weights) {
    const raw = Buffer.from(base64, 'base64');
    const data = new Float32Array(raw.length / 4);
    new Uint8Array(data.buffer).set(raw);
    initializers.set(name, new Tensor('float32', data, dims));
  }
  const model: Model = {
    irVersion: 8,
    opsets: new Map(p.opsets),
    metadata: new Map(),
    graph: {
      name: 'test-device-program',
      nodes: p.nodes.map((n) => ({ ...n, attributes: new Map(n.attributes) })),
      inputs: p.inputs,
      outputs: p.outputs,
      initializers,
      valueInfo: new Map(),
    },
  };
  return { model, quant: new Map(p.quant.map(([name, scale, zeroPoint]) => [name, { scale, zeroPoint }])) };
}
