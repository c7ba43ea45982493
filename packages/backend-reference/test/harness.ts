/**
 * Differential op testing: one node, run by onnxruntime-node and by core's op definition (infer + run),
 * compared on dims and values (NaN / Inf positions must match).
 */
import {
  type Attribute,
  type InferInput,
  type Model,
  type Tensor as LmTensor,
  type ValueInfo,
  Tensor,
  elementAsNumber,
  emptyGraph,
  formatShape,
  makeNode,
  opFor,
} from '@lastmile/core';
import { encodeModel } from '@lastmile/onnx';
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';

/** Marks an input as an initializer (a constant the op's shape inference can see). */
export interface ConstantInput {
  constant: LmTensor;
}

export function constant(t: LmTensor): ConstantInput {
  return { constant: t };
}

export interface OpCase {
  op: string;
  domain?: string;
  /** Opset of the op's domain; 17 by default. */
  opset?: number;
  /** Graph inputs (Tensor), initializers (constant(t)) or omitted optional inputs (undefined). */
  inputs: (LmTensor | ConstantInput | undefined)[];
  attributes?: Record<string, Attribute>;
  /** Number of outputs to compare; 1 by default. */
  outputs?: number;
  rtol?: number;
  atol?: number;
}

const isConstant = (x: LmTensor | ConstantInput | undefined): x is ConstantInput => x !== undefined && 'constant' in x;

/** The one-node model of a case. */
export function singleNodeModel(c: OpCase): Model {
  const graph = emptyGraph(`test_${c.op}`);
  const names = c.inputs.map((x, i) => (x === undefined ? '' : `in${i}`));
  c.inputs.forEach((x, i) => {
    if (x === undefined) return;
    if (isConstant(x)) graph.initializers.set(names[i], x.constant);
    else graph.inputs.push({ name: names[i], type: x.type, shape: [...x.dims] });
  });
  // Trailing omitted inputs are dropped, as ONNX writers do.
  while (names.length && names[names.length - 1] === '') names.pop();
  const outs = outputNames(c);
  graph.nodes.push(makeNode(c.op, names, outs, c.attributes ?? {}, 'node', c.domain ?? ''));
  const opsets = new Map([['', c.domain ? 17 : (c.opset ?? 17)]]);
  if (c.domain) opsets.set(c.domain, c.opset ?? 1);
  // Output types are left for ORT to infer; the writer needs a type, so we take ours.
  const ours = inferOutputs(c);
  graph.outputs = outs.map((name, i): ValueInfo => ({ name, type: ours[i].type }));
  return { irVersion: 8, opsets, graph, metadata: new Map() };
}

const outputNames = (c: OpCase) => Array.from({ length: c.outputs ?? 1 }, (_, i) => `out${i}`);
const caseNode = (c: OpCase) => makeNode(c.op, c.inputs.map((x, i) => (x === undefined ? '' : `in${i}`)), outputNames(c), c.attributes ?? {}, 'node', c.domain ?? '');

function inferOutputs(c: OpCase) {
  const node = caseNode(c);
  const inputs: (InferInput | undefined)[] = c.inputs.map((x) => {
    if (x === undefined) return undefined;
    const t = isConstant(x) ? x.constant : x;
    return { type: t.type, shape: [...t.dims], value: isConstant(x) ? t : undefined };
  });
  return opFor(node, c.opset ?? 17).infer(inputs, { node, opset: c.opset ?? 17 });
}

/** Our outputs for the case, straight from the op definition. */
export function runOurs(c: OpCase): LmTensor[] {
  const node = caseNode(c);
  const inputs = c.inputs.map((x) => (x === undefined ? undefined : isConstant(x) ? x.constant : x));
  return opFor(node, c.opset ?? 17).run(inputs, { node, opset: c.opset ?? 17 });
}

const ORT_TYPE: Record<string, ort.Tensor.Type> = {
  float32: 'float32',
  float16: 'float16',
  int8: 'int8',
  uint8: 'uint8',
  int32: 'int32',
  int64: 'int64',
  bool: 'bool',
};

/** Runs the case in onnxruntime-node. */
export async function runOrt(c: OpCase): Promise<LmTensor[]> {
  const session = await ort.InferenceSession.create(encodeModel(singleNodeModel(c)));
  try {
    const feeds: Record<string, ort.Tensor> = {};
    c.inputs.forEach((x, i) => {
      if (x === undefined || isConstant(x)) return;
      const data = x.type === 'bool' ? Uint8Array.from(x.data as Uint8Array, (v) => (v ? 1 : 0)) : x.data;
      feeds[`in${i}`] = new ort.Tensor(ORT_TYPE[x.type], data as ort.Tensor.DataType, [...x.dims]);
    });
    const result = await session.run(feeds);
    return session.outputNames.map((name) => {
      const t = result[name];
      const data = t.type === 'bool' ? new Uint8Array((t.data as Uint8Array).buffer.slice(0)) : t.data;
      return new Tensor(t.type as LmTensor['type'], data as never, t.dims as number[]);
    });
  } finally {
    await session.release();
  }
}

/** Asserts that `ours` equals `expected` within tolerance, NaN/Inf at the same places. */
export function expectClose(ours: LmTensor, expected: LmTensor, rtol = 1e-3, atol = 1e-4, label = 'output'): void {
  expect(ours.type, `${label} dtype`).toBe(expected.type);
  expect(formatShape(ours.dims), `${label} dims`).toBe(formatShape(expected.dims));
  let worst = -1;
  let worstErr = 0;
  for (let i = 0; i < expected.size; i++) {
    const a = elementAsNumber(ours, i);
    const b = elementAsNumber(expected, i);
    if (Number.isNaN(b) || Number.isNaN(a)) {
      if (Number.isNaN(a) !== Number.isNaN(b)) throw new Error(`${label}[${i}]: ours ${a}, expected ${b}`);
      continue;
    }
    if (!Number.isFinite(b) || !Number.isFinite(a)) {
      if (a !== b) throw new Error(`${label}[${i}]: ours ${a}, expected ${b}`);
      continue;
    }
    const err = Math.abs(a - b) - (atol + rtol * Math.abs(b));
    if (err > worstErr) {
      worstErr = err;
      worst = i;
    }
  }
  if (worst >= 0) {
    const a = elementAsNumber(ours, worst);
    const b = elementAsNumber(expected, worst);
    throw new Error(`${label}[${worst}]: ours ${a}, expected ${b} (|diff| ${Math.abs(a - b)} > atol ${atol} + rtol ${rtol} * |expected|)`);
  }
}

/** Runs the case both ways and asserts that inferred shapes, our outputs and ORT's outputs agree. */
export async function expectOpMatchesOrt(c: OpCase): Promise<LmTensor[]> {
  const expected = await runOrt(c);
  const inferred = inferOutputs(c);
  const ours = runOurs(c);
  expect(ours.length).toBeGreaterThanOrEqual(expected.length);
  expected.forEach((e, i) => {
    const shape = inferred[i].shape;
    if (shape) expect(formatShape(shape), `inferred shape of output ${i} of ${c.op}`).toBe(formatShape(e.dims));
    expect(inferred[i].type, `inferred type of output ${i} of ${c.op}`).toBe(e.type);
    expectClose(ours[i], e, c.rtol, c.atol, `${c.op} output ${i}`);
  });
  return ours;
}
