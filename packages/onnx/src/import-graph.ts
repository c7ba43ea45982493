/**
 * onnx.GraphProto -> IR Graph: nodes, attributes (subgraphs included), initializers, inputs, outputs, value_info.
 */
import { AttributeError, GraphError, ModelFormatError, ShapeError, TensorDataError } from '@lastmile/core';
import type { Attribute, Dim, Graph, Node, Tensor, ValueInfo } from '@lastmile/core';
import { onnxTypeName, tensorTypeOf } from './data-types.js';
import { onnx } from './generated/onnx.js';
import { importSparseTensor, importTensor } from './import-tensor.js';
import type { TensorContext } from './import-tensor.js';
import { longToNumber, longToSafeInteger } from './int64.js';

const AttributeType = onnx.AttributeProto.AttributeType;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** State shared by one model's import. */
export interface GraphContext extends TensorContext {
  /** Counter for the names of dims that are neither a value nor a parameter. */
  unknownDims: number;
}

function text(bytes: Uint8Array, what: string, node: Node): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new AttributeError(`${what} of ${node.opType} node '${node.name}' is not valid UTF-8`, {
      node: node.name,
      op: node.opType,
      attribute: what,
    });
  }
}

function dim(d: onnx.TensorShapeProto.Dimension.$Properties, axis: number, value: string, ctx: GraphContext): Dim {
  if (d.value === 'dimValue') {
    const n = longToSafeInteger(d.dimValue);
    if (n === undefined || n < 0) {
      throw new ShapeError(
        `value '${value}' has dimension ${axis} = ${longToNumber(d.dimValue)}: dims must be non-negative integers below 2^53`,
        { value, axis, got: longToNumber(d.dimValue) },
      );
    }
    return n;
  }
  if (d.dimParam) return d.dimParam;
  return `unk_${ctx.unknownDims++}`;
}

/** A ValueInfoProto as a ValueInfo; undefined when it carries no type at all. */
function valueInfo(v: onnx.ValueInfoProto.$Properties, ctx: GraphContext): ValueInfo | undefined {
  const name = v.name ?? '';
  const type = v.type;
  if (!type?.value) return undefined;
  if (type.value !== 'tensorType' || !type.tensorType) {
    const kind = type.value.replace(/Type$/, '');
    throw new TensorDataError(`value '${name}' is a ${kind}; lastmile handles tensors only`, {
      value: name,
      expected: 'tensor',
      got: kind,
    });
  }
  const code = type.tensorType.elemType ?? 0;
  const elem = tensorTypeOf(code);
  if (elem === undefined) {
    throw new TensorDataError(
      `value '${name}' has element type ${onnxTypeName(code)}, which lastmile does not support`,
      { value: name, got: onnxTypeName(code) },
    );
  }
  const shape = type.tensorType.shape;
  return shape
    ? { name, type: elem, shape: (shape.dim ?? []).map((d, i) => dim(d, i, name, ctx)) }
    : { name, type: elem };
}

function requiredValueInfo(
  v: onnx.ValueInfoProto.$Properties,
  role: string,
  graph: string,
  ctx: GraphContext,
): ValueInfo {
  const info = valueInfo(v, ctx);
  if (!info)
    throw new ModelFormatError(`${role} '${v.name ?? ''}' of graph '${graph}' has no tensor type`, {
      graph,
      value: v.name ?? '',
      role,
    });
  return info;
}

/** The attribute type, inferred from the field set when an old exporter left `type` at UNDEFINED. */
function attributeType(a: onnx.AttributeProto.$Properties): number {
  if (a.type) return a.type;
  const has = (k: string): boolean => Object.hasOwn(a, k);
  if (has('f')) return AttributeType.FLOAT;
  if (has('i')) return AttributeType.INT;
  if (has('s')) return AttributeType.STRING;
  if (a.t) return AttributeType.TENSOR;
  if (a.g) return AttributeType.GRAPH;
  if (a.sparseTensor) return AttributeType.SPARSE_TENSOR;
  if (a.floats?.length) return AttributeType.FLOATS;
  if (a.ints?.length) return AttributeType.INTS;
  if (a.strings?.length) return AttributeType.STRINGS;
  return AttributeType.UNDEFINED;
}

function attribute(a: onnx.AttributeProto.$Properties, node: Node, depth: number, ctx: GraphContext): Attribute {
  const name = a.name ?? '';
  const where = `attribute '${name}' of ${node.opType} node '${node.name}'`;
  const details = { node: node.name, op: node.opType, attribute: name };
  if (a.refAttrName)
    throw new AttributeError(
      `${where} refers to a function attribute ('${a.refAttrName}') outside a function`,
      details,
    );
  const type = attributeType(a);
  const missing = (): never => {
    throw new AttributeError(`${where} is declared ${AttributeType[type]} but holds no value`, details);
  };
  switch (type) {
    case AttributeType.FLOAT:
      return { type: 'float', value: a.f ?? 0 };
    case AttributeType.INT:
      return { type: 'int', value: longToNumber(a.i) };
    case AttributeType.STRING:
      return { type: 'string', value: text(a.s ?? new Uint8Array(), `attribute '${name}'`, node) };
    case AttributeType.TENSOR:
      return { type: 'tensor', value: importTensor(a.t ?? missing(), `tensor of ${where}`, ctx) };
    case AttributeType.SPARSE_TENSOR:
      return { type: 'tensor', value: importSparseTensor(a.sparseTensor ?? missing(), `tensor of ${where}`, ctx) };
    case AttributeType.GRAPH:
      return { type: 'graph', value: importGraph(a.g ?? missing(), depth + 1, ctx) };
    case AttributeType.FLOATS:
      return { type: 'floats', value: [...(a.floats ?? [])] };
    case AttributeType.INTS:
      return { type: 'ints', value: (a.ints ?? []).map(longToNumber) };
    case AttributeType.STRINGS:
      return { type: 'strings', value: (a.strings ?? []).map((s) => text(s, `attribute '${name}'`, node)) };
    default: {
      const got = AttributeType[type] ?? `type ${type}`;
      throw new AttributeError(`${where} has type ${got}, which lastmile does not support`, { ...details, got });
    }
  }
}

function uniqueName(base: string, used: Set<string>): string {
  for (let i = 0; ; i++) {
    const name = `${base}_${i}`;
    if (!used.has(name)) return name;
  }
}

function node(n: onnx.NodeProto.$Properties, name: string, depth: number, ctx: GraphContext): Node {
  const opType = n.opType ?? '';
  if (!opType) throw new GraphError(`node '${name}' has no op_type`, { node: name });
  const out: Node = {
    name,
    opType,
    domain: n.domain ?? '',
    inputs: [...(n.input ?? [])],
    outputs: [...(n.output ?? [])],
    attributes: new Map(),
  };
  if (n.docString) out.docString = n.docString;
  for (const a of n.attribute ?? []) {
    const attrName = a.name ?? '';
    if (!attrName)
      throw new AttributeError(`${opType} node '${name}' has an attribute without a name`, { node: name, op: opType });
    if (out.attributes.has(attrName)) {
      throw new AttributeError(`${opType} node '${name}' sets attribute '${attrName}' twice`, {
        node: name,
        op: opType,
        attribute: attrName,
      });
    }
    out.attributes.set(attrName, attribute(a, out, depth, ctx));
  }
  return out;
}

/** Converts a graph at subgraph `depth` (0 for the main graph; the caller has checked the depth limit). */
export function importGraph(g: onnx.GraphProto.$Properties, depth: number, ctx: GraphContext): Graph {
  const name = g.name || (depth === 0 ? 'graph' : `subgraph_${depth}`);
  const initializers = new Map<string, Tensor>();
  const addInitializer = (key: string, make: () => Tensor): void => {
    if (!key) throw new GraphError(`graph '${name}' has an initializer without a name`, { graph: name });
    if (initializers.has(key))
      throw new GraphError(`graph '${name}' defines initializer '${key}' twice`, { graph: name, initializer: key });
    initializers.set(key, make());
  };
  for (const t of g.initializer ?? [])
    addInitializer(t.name ?? '', () => importTensor(t, `initializer '${t.name}'`, ctx));
  for (const s of g.sparseInitializer ?? []) {
    const key = s.values?.name ?? '';
    addInitializer(key, () => importSparseTensor(s, `initializer '${key}'`, ctx));
  }

  const valueInfoMap = new Map<string, ValueInfo>();
  for (const v of g.valueInfo ?? []) {
    const info = valueInfo(v, ctx);
    if (info) valueInfoMap.set(info.name, info);
  }

  const used = new Set((g.node ?? []).map((n) => n.name ?? '').filter((n) => n !== ''));
  const nodes = (g.node ?? []).map((n) => {
    let nodeName = n.name ?? '';
    if (!nodeName) {
      nodeName = uniqueName(n.opType || 'node', used);
      used.add(nodeName);
    }
    return node(n, nodeName, depth, ctx);
  });

  return {
    name,
    nodes,
    // Before IR 4 every initializer was also listed as an input; the IR lists runtime inputs only.
    inputs: (g.input ?? [])
      .filter((v) => !initializers.has(v.name ?? ''))
      .map((v) => requiredValueInfo(v, 'input', name, ctx)),
    outputs: (g.output ?? []).map((v) => requiredValueInfo(v, 'output', name, ctx)),
    initializers,
    valueInfo: valueInfoMap,
  };
}
