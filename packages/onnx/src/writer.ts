/**
 * IR -> ONNX ModelProto bytes, for tests, tools and anything that must hand a model to another runtime.
 */
import { ModelLimitError, writeFileAtomic } from '@lastmile/core';
import type { Attribute, Graph, Model, Node, Tensor, ValueInfo } from '@lastmile/core';
import protobuf from 'protobufjs/minimal.js';
import { onnxDataType } from './data-types.js';
import { onnx } from './generated/onnx.js';
import { numberToLong } from './int64.js';
import { toRawData } from './tensor-bytes.js';

const AttributeType = onnx.AttributeProto.AttributeType;
const utf8 = new TextEncoder();

/** A tensor as a TensorProto message: data as little-endian raw_data. */
export function tensorProto(tensor: Tensor, name: string): onnx.TensorProto.$Properties {
  return {
    name,
    dataType: onnxDataType(tensor.type),
    dims: tensor.dims.map(numberToLong),
    rawData: toRawData(tensor.data),
  };
}

function attributeProto(name: string, attribute: Attribute, irVersion: number): onnx.AttributeProto.$Properties {
  switch (attribute.type) {
    case 'int':
      return { name, type: AttributeType.INT, i: numberToLong(attribute.value) };
    case 'float':
      return { name, type: AttributeType.FLOAT, f: attribute.value };
    case 'string':
      return { name, type: AttributeType.STRING, s: utf8.encode(attribute.value) };
    case 'tensor':
      return { name, type: AttributeType.TENSOR, t: tensorProto(attribute.value, '') };
    case 'graph':
      return { name, type: AttributeType.GRAPH, g: graphProto(attribute.value, irVersion) };
    case 'ints':
      return { name, type: AttributeType.INTS, ints: attribute.value.map(numberToLong) };
    case 'floats':
      return { name, type: AttributeType.FLOATS, floats: attribute.value };
    case 'strings':
      return { name, type: AttributeType.STRINGS, strings: attribute.value.map((s) => utf8.encode(s)) };
  }
}

function nodeProto(node: Node, irVersion: number): onnx.NodeProto.$Properties {
  return {
    name: node.name,
    opType: node.opType,
    domain: node.domain,
    input: node.inputs,
    output: node.outputs,
    attribute: [...node.attributes].map(([name, a]) => attributeProto(name, a, irVersion)),
    ...(node.docString ? { docString: node.docString } : {}),
  };
}

function valueInfoProto(info: ValueInfo): onnx.ValueInfoProto.$Properties {
  const shape = info.shape && {
    dim: info.shape.map((d) => (typeof d === 'number' ? { dimValue: numberToLong(d) } : { dimParam: d })),
  };
  return { name: info.name, type: { tensorType: { elemType: onnxDataType(info.type), ...(shape ? { shape } : {}) } } };
}

function graphProto(graph: Graph, irVersion: number): onnx.GraphProto.$Properties {
  const inputs = graph.inputs.map(valueInfoProto);
  // Before IR 4, every initializer had to be listed as a graph input too.
  if (irVersion < 4) {
    for (const [name, t] of graph.initializers) inputs.push(valueInfoProto({ name, type: t.type, shape: [...t.dims] }));
  }
  return {
    name: graph.name,
    node: graph.nodes.map((n) => nodeProto(n, irVersion)),
    initializer: [...graph.initializers].map(([name, t]) => tensorProto(t, name)),
    input: inputs,
    output: graph.outputs.map(valueInfoProto),
    valueInfo: [...graph.valueInfo.values()].map(valueInfoProto),
  };
}

/** Serializes a model as ONNX ModelProto bytes: tensors as little-endian raw_data, shapes with dim_param for symbolic dims. */
export function encodeModel(model: Model): Uint8Array {
  const proto: onnx.ModelProto.$Properties = {
    irVersion: numberToLong(model.irVersion),
    opsetImport: [...model.opsets].map(([domain, version]) => ({ domain, version: numberToLong(version) })),
    graph: graphProto(model.graph, model.irVersion),
    metadataProps: [...model.metadata].map(([key, value]) => ({ key, value })),
    ...(model.producerName !== undefined ? { producerName: model.producerName } : {}),
    ...(model.producerVersion !== undefined ? { producerVersion: model.producerVersion } : {}),
    ...(model.docString !== undefined ? { docString: model.docString } : {}),
  };
  let bytes: Uint8Array;
  try {
    bytes = onnx.ModelProto.encode(proto).finish();
  } catch (error) {
    // protobufjs bounds message nesting on encode as on decode; deeply nested subgraphs hit it.
    if (error instanceof Error && error.message.includes('max depth exceeded')) {
      throw new ModelLimitError(
        `the model nests subgraphs deeper than protobuf's recursion limit (${protobuf.util.recursionLimit} messages)`,
        {
          limit: protobuf.util.recursionLimit,
        },
        { cause: error },
      );
    }
    throw error;
  }
  // protobufjs hands back a Node Buffer, small ones cut from a shared pool: return a plain array that owns its memory.
  return bytes.byteLength === bytes.buffer.byteLength
    ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    : new Uint8Array(bytes);
}

/**
 * Writes `encodeModel(model)` to `path`: first to a temporary file in the same folder, flushed, then renamed
 * over `path`, so a crash or a full disk never leaves a half-written model behind.
 */
export async function saveModel(model: Model, path: string): Promise<void> {
  await writeFileAtomic(path, encodeModel(model));
}
