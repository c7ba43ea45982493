/**
 * The graph IR: plain data, close to ONNX, so importers, passes and backends share one picture.
 * Op semantics are ONNX's; `Model.opsets` says which version of each domain's ops the nodes mean.
 */
import type { Dim } from '../shape.js';
import type { Tensor, TensorType } from '../tensor.js';

/** A node attribute, tagged with its ONNX attribute type (int and float stay distinct for the writer). */
export type Attribute =
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'string'; value: string }
  | { type: 'tensor'; value: Tensor }
  | { type: 'graph'; value: Graph }
  | { type: 'ints'; value: number[] }
  | { type: 'floats'; value: number[] }
  | { type: 'strings'; value: string[] };

/**
 * How the integers of an int8/uint8 value stand for reals: real = (q - zeroPoint) * scale, one pair per
 * tensor or one per index along `axis`; or a device's own encoding (`codec`, such as the NNIE's
 * logarithmic one), which only that device reads.
 */
export interface Quantization {
  scale: readonly number[];
  zeroPoint: readonly number[];
  axis?: number;
  /** A device's own encoding: boundaries hand it only to the same codec, never convert it. */
  codec?: string;
}

/** The type of a value: element type and, when known, its dims (a string dim is symbolic). */
export interface ValueType {
  type: TensorType;
  /** Undefined when even the rank is unknown. */
  shape?: Dim[];
  /** For a quantized int8/uint8 value: what its integers mean. */
  quant?: Quantization;
}

/** A named value with its type. */
export interface ValueInfo extends ValueType {
  name: string;
}

/** One operator application. An empty input name is an omitted optional input. */
export interface Node {
  name: string;
  opType: string;
  /** '' (or 'ai.onnx') for standard ONNX ops. */
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Map<string, Attribute>;
  docString?: string;
}

/** A dataflow graph in topological order once validated. */
export interface Graph {
  name: string;
  nodes: Node[];
  /** Runtime inputs (initializers are not listed here). */
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  /** Constant tensors by name. */
  initializers: Map<string, Tensor>;
  /** Known types of intermediate values (filled by shape inference). */
  valueInfo: Map<string, ValueInfo>;
}

/** A model: a graph plus the opset versions it was written against. */
export interface Model {
  irVersion: number;
  /** Domain ('' for ONNX) -> opset version. */
  opsets: Map<string, number>;
  graph: Graph;
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  metadata: Map<string, string>;
}

/** True when `a` and `b` describe the same integers (both absent counts as the same). */
export function sameQuantization(a: Quantization | undefined, b: Quantization | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const same = (x: readonly number[], y: readonly number[]) =>
    x.length === y.length && x.every((v, i) => Object.is(v, y[i]));
  return a.codec === b.codec && a.axis === b.axis && same(a.scale, b.scale) && same(a.zeroPoint, b.zeroPoint);
}

/** The default (standard ONNX) domain, spelled either way. */
export function isOnnxDomain(domain: string): boolean {
  return domain === '' || domain === 'ai.onnx';
}

/** An empty graph to fill. */
export function emptyGraph(name = 'graph'): Graph {
  return { name, nodes: [], inputs: [], outputs: [], initializers: new Map(), valueInfo: new Map() };
}

/** A node with defaults filled in; `attributes` may be given as a plain record. */
export function makeNode(
  opType: string,
  inputs: string[],
  outputs: string[],
  attributes: Record<string, Attribute> | Map<string, Attribute> = new Map(),
  name = outputs[0] ?? opType,
  domain = '',
): Node {
  const attrs = attributes instanceof Map ? attributes : new Map(Object.entries(attributes));
  return { name, opType, domain, inputs, outputs, attributes: attrs };
}

/**
 * The model's opset of `domain` (the standard one by default; '' and 'ai.onnx' are the same domain), 0
 * when the model imports no such domain. A node's opset is `opsetOf(model, node.domain)`.
 */
export function opsetOf(model: Model, domain = ''): number {
  if (isOnnxDomain(domain)) return model.opsets.get('') ?? model.opsets.get('ai.onnx') ?? 0;
  return model.opsets.get(domain) ?? 0;
}
