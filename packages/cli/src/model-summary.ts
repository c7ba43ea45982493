/**
 * The graph summary `lastmile inspect` prints: inputs and outputs with shapes, node count, op histogram,
 * opsets and initializer bytes, of the model as written in the file.
 */
import { type Dim, type Model, type Tensor, bytesPerElement } from '@lastmile/core';
import { formatDims } from './text.js';

/** Plain data about a model file. */
export interface ModelSummary {
  irVersion: number;
  producer: string;
  /** Opset by domain; the ONNX domain is written `ai.onnx`. */
  opsets: Record<string, number>;
  inputs: { name: string; dtype: string; shape: Dim[] | null }[];
  outputs: { name: string; dtype: string; shape: Dim[] | null }[];
  nodeCount: number;
  /** Node count per op (`domain.Op` outside ONNX), most frequent first. */
  ops: Record<string, number>;
  initializers: { count: number; bytes: number };
  /** Tensors held by Constant nodes (some exporters put every weight there). */
  constants: { count: number; bytes: number };
}

export function summarizeModel(model: Model): ModelSummary {
  const g = model.graph;
  const ops = new Map<string, number>();
  for (const node of g.nodes) {
    const op = node.domain && node.domain !== 'ai.onnx' ? `${node.domain}.${node.opType}` : node.opType;
    ops.set(op, (ops.get(op) ?? 0) + 1);
  }
  const constants = g.nodes.flatMap((node) => {
    const value =
      node.opType === 'Constant' && (node.domain === '' || node.domain === 'ai.onnx')
        ? node.attributes.get('value')
        : undefined;
    return value?.type === 'tensor' ? [value.value] : [];
  });
  const value = (v: { name: string; type: string; shape?: Dim[] }) => ({
    name: v.name,
    dtype: v.type,
    shape: v.shape === undefined ? null : [...v.shape],
  });
  return {
    irVersion: model.irVersion,
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    opsets: Object.fromEntries([...model.opsets].map(([domain, version]) => [domain || 'ai.onnx', version])),
    inputs: g.inputs.map(value),
    outputs: g.outputs.map(value),
    nodeCount: g.nodes.length,
    ops: Object.fromEntries([...ops].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))),
    initializers: { count: g.initializers.size, bytes: totalBytes(g.initializers.values()) },
    constants: { count: constants.length, bytes: totalBytes(constants) },
  };
}

function totalBytes(tensors: Iterable<Tensor>): number {
  let bytes = 0;
  for (const t of tensors) bytes += t.size * bytesPerElement(t.type);
  return bytes;
}

/** Bytes in the largest unit that keeps the number >= 1. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

const valueLine = (v: ModelSummary['inputs'][number]) => `${v.name}  ${v.dtype}[${formatDims(v.shape)}]`;

/** The summary as aligned text. */
export function formatModelSummary(path: string, s: ModelSummary): string {
  const lines = [
    `model         ${path}`,
    `format        ONNX IR ${s.irVersion}${s.producer ? `, from ${s.producer}` : ''}`,
    `opsets        ${Object.entries(s.opsets)
      .map(([d, v]) => `${d} ${v}`)
      .join(', ')}`,
    ...s.inputs.map((v, i) => `${i === 0 ? 'inputs ' : '       '}       ${valueLine(v)}`),
    ...s.outputs.map((v, i) => `${i === 0 ? 'outputs' : '       '}       ${valueLine(v)}`),
    `nodes         ${s.nodeCount}`,
    `ops           ${
      Object.entries(s.ops)
        .map(([op, n]) => `${op} ${n}`)
        .join(', ') || '-'
    }`,
    `initializers  ${s.initializers.count}, ${formatBytes(s.initializers.bytes)}`,
    ...(s.constants.count > 0
      ? [`constants     ${s.constants.count} Constant nodes, ${formatBytes(s.constants.bytes)}`]
      : []),
  ];
  return lines.join('\n');
}
