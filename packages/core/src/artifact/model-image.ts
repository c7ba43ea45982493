/**
 * A model as bytes, exactly as the IR holds it (every attribute, value type and initializer, float bits
 * included), for backends whose artifact is the graph they compile from. It is a container (see
 * container.ts): JSON structure in the header, tensor data in the body. Reading checks every field, so
 * a crafted image gives SerializationError, never a malformed Model.
 */
import { SerializationError } from '../errors.js';
import type { Attribute, Graph, Model, Node } from '../ir/graph.js';
import { validateGraph } from '../ir/validate.js';
import { allocData, bytesPerElement, isTensorType, Tensor } from '../tensor.js';
import { readContainer, writeContainer } from './container.js';
import { FieldReader } from './field-reader.js';

const MAGIC = 'LMMODEL';
const ALIGN = 8;
// Control flow nests a few levels in real models; recursion this deep is an attack on the stack.
const MAX_GRAPH_DEPTH = 64;

type Json = unknown;

/** The model as an image. */
export function encodeModel(model: Model): Uint8Array {
  const blobs: Uint8Array[] = [];
  let size = 0;
  const tensor = (t: Tensor): Json => {
    const at = size;
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    blobs.push(bytes);
    size = Math.ceil((at + bytes.length) / ALIGN) * ALIGN;
    return { type: t.type, dims: [...t.dims], at };
  };
  const attribute = (a: Attribute): Json => {
    switch (a.type) {
      case 'tensor':
        return { type: a.type, value: tensor(a.value) };
      case 'graph':
        return { type: a.type, value: graph(a.value) };
      case 'float':
        return { type: a.type, value: number(a.value) };
      case 'floats':
        return { type: a.type, value: a.value.map(number) };
      default:
        return a;
    }
  };
  const node = (n: Node): Json => ({
    name: n.name,
    opType: n.opType,
    domain: n.domain,
    inputs: n.inputs,
    outputs: n.outputs,
    attributes: [...n.attributes].map(([name, a]) => [name, attribute(a)]),
    ...(n.docString === undefined ? {} : { docString: n.docString }),
  });
  const graph = (g: Graph): Json => ({
    name: g.name,
    nodes: g.nodes.map(node),
    inputs: g.inputs,
    outputs: g.outputs,
    initializers: [...g.initializers].map(([name, t]) => [name, tensor(t)]),
    valueInfo: [...g.valueInfo.values()],
  });
  const header = {
    irVersion: model.irVersion,
    opsets: [...model.opsets],
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    docString: model.docString,
    metadata: [...model.metadata],
    graph: graph(model.graph),
  };
  const body = new Uint8Array(size);
  let at = 0;
  for (const bytes of blobs) {
    body.set(bytes, at);
    at = Math.ceil((at + bytes.length) / ALIGN) * ALIGN;
  }
  return writeContainer(MAGIC, header, body);
}

/**
 * The model an image holds, validated (unless `validate` is false, for a graph whose outputs others
 * compute); SerializationError naming the first field that is wrong.
 */
export function decodeModel(bytes: Uint8Array, what = 'model image', validate = true): Model {
  const { header, body } = readContainer(bytes, MAGIC, what);
  const r = new ImageReader(what, body);
  const h = r.object(header, 'header');
  const model: Model = {
    irVersion: r.int(h.irVersion, 'irVersion'),
    opsets: new Map(r.array(h.opsets, 'opsets').map((e, i) => r.pair(e, `opsets[${i}]`, r.string, r.int))),
    graph: r.graph(h.graph, 'graph'),
    metadata: new Map(r.array(h.metadata, 'metadata').map((e, i) => r.pair(e, `metadata[${i}]`, r.string, r.string))),
    ...r.optionalStrings(h, ['producerName', 'producerVersion', 'docString']),
  };
  if (!validate) return model;
  try {
    return validateGraph(model);
  } catch (error) {
    throw new SerializationError(
      `${what}: its graph is not valid: ${(error as Error).message}`,
      { what },
      { cause: error },
    );
  }
}

/** JSON numbers cannot hold NaN, ±Infinity or -0: those travel as strings. */
function number(value: number): number | string {
  if (Object.is(value, -0)) return '-0';
  return Number.isFinite(value) ? value : String(value);
}

/** Reads the header's JSON into IR types, failing with the path of the first bad field. */
class ImageReader extends FieldReader {
  constructor(
    what: string,
    readonly body: Uint8Array,
  ) {
    super(what);
  }

  float = (v: Json, path: string): number =>
    typeof v === 'number'
      ? v
      : typeof v === 'string' && /^(-0|NaN|-?Infinity)$/.test(v)
        ? Number(v)
        : this.fail(path, 'a number', v);

  optionalStrings(o: Record<string, Json>, keys: string[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const key of keys) if (o[key] !== undefined) out[key] = this.string(o[key], key);
    return out;
  }

  tensor = (v: Json, path: string): Tensor => {
    const o = this.object(v, path);
    const type = isTensorType(o.type) ? o.type : this.fail(`${path}.type`, 'a tensor type', o.type);
    const dims = this.array(o.dims, `${path}.dims`).map((d, i) => {
      const n = this.int(d, `${path}.dims[${i}]`);
      return n >= 0 && n < 2 ** 31 ? n : this.fail(`${path}.dims[${i}]`, 'a size from 0 to 2^31 - 1', n);
    });
    const size = dims.reduce((n, d) => n * d, 1);
    if (!Number.isSafeInteger(size * bytesPerElement(type))) this.fail(`${path}.dims`, 'a size that fits memory', size);
    const at = this.int(o.at, `${path}.at`);
    const bytes = size * bytesPerElement(type);
    if (at % ALIGN !== 0) this.fail(`${path}.at`, 'an aligned offset', at);
    this.claim(at, bytes, path, this.body.length);
    const data = allocData(type, size);
    new Uint8Array(data.buffer).set(this.body.subarray(at, at + bytes));
    return new Tensor(type, data, dims);
  };

  attribute = (v: Json, path: string): Attribute => {
    const o = this.object(v, path);
    const value = o.value;
    const at = `${path}.value`;
    switch (o.type) {
      case 'int':
        return { type: 'int', value: this.whole(value, at) };
      case 'float':
        return { type: 'float', value: this.float(value, at) };
      case 'string':
        return { type: 'string', value: this.string(value, at) };
      case 'tensor':
        return { type: 'tensor', value: this.tensor(value, at) };
      case 'graph':
        return { type: 'graph', value: this.graph(value, at) };
      case 'ints':
        return { type: 'ints', value: this.array(value, at).map((x, i) => this.whole(x, `${at}[${i}]`)) };
      case 'floats':
        return { type: 'floats', value: this.array(value, at).map((x, i) => this.float(x, `${at}[${i}]`)) };
      case 'strings':
        return { type: 'strings', value: this.strings(value, at) };
      default:
        return this.fail(`${path}.type`, 'an attribute type', o.type);
    }
  };

  node = (v: Json, path: string): Node => {
    const o = this.object(v, path);
    const node: Node = {
      name: this.string(o.name, `${path}.name`),
      opType: this.string(o.opType, `${path}.opType`),
      domain: this.string(o.domain, `${path}.domain`),
      inputs: this.strings(o.inputs, `${path}.inputs`),
      outputs: this.strings(o.outputs, `${path}.outputs`),
      attributes: new Map(
        this.array(o.attributes, `${path}.attributes`).map((e, i) =>
          this.pair(e, `${path}.attributes[${i}]`, this.string, this.attribute),
        ),
      ),
    };
    if (o.docString !== undefined) node.docString = this.string(o.docString, `${path}.docString`);
    return node;
  };

  /** Graphs being read, outermost first: a crafted image nests them only so deep. */
  #depth = 0;

  graph = (v: Json, path: string): Graph => {
    if (this.#depth >= MAX_GRAPH_DEPTH) this.fail(path, `a graph nested at most ${MAX_GRAPH_DEPTH} deep`, v);
    this.#depth++;
    try {
      return this.#graph(v, path);
    } finally {
      this.#depth--;
    }
  };

  #graph(v: Json, path: string): Graph {
    const o = this.object(v, path);
    const infos = (key: string) => this.valueInfos(o[key], `${path}.${key}`);
    return {
      name: this.string(o.name, `${path}.name`),
      nodes: this.array(o.nodes, `${path}.nodes`).map((n, i) => this.node(n, `${path}.nodes[${i}]`)),
      inputs: infos('inputs'),
      outputs: infos('outputs'),
      initializers: new Map(
        this.array(o.initializers, `${path}.initializers`).map((e, i) =>
          this.pair(e, `${path}.initializers[${i}]`, this.string, this.tensor),
        ),
      ),
      valueInfo: new Map(infos('valueInfo').map((info) => [info.name, info])),
    };
  }
}
