/**
 * One-node test models: a node with its runtime inputs, constants and omitted optional inputs, the model
 * it becomes, and what core's op definition (the reference kernel) computes for it.
 */
import { type Attribute, emptyGraph, type InferInput, makeNode, type Model, type Node, opFor, type Tensor, type ValueInfo } from '@lastmile/core';

/** An input the node sees as an initializer (a constant shape inference and backends can read). */
export interface ConstantInput {
  constant: Tensor;
}

/** Marks `t` as an initializer of the case. */
export const constant = (t: Tensor): ConstantInput => ({ constant: t });

export type CaseInput = Tensor | ConstantInput | undefined;

export interface OpCase {
  op: string;
  /** '' (ONNX) by default. */
  domain?: string;
  /** Opset of the op's domain; 17 by default. */
  opset?: number;
  /** Graph inputs (Tensor), initializers (constant(t)) or omitted optional inputs (undefined). */
  inputs: CaseInput[];
  attributes?: Record<string, Attribute>;
  /** Number of outputs; 1 by default. */
  outputs?: number;
}

export const isConstant = (x: CaseInput): x is ConstantInput => x !== undefined && 'constant' in x;

const opsetOf = (c: OpCase) => c.opset ?? 17;
const inputName = (i: number) => `in${i}`;
const tensorOf = (x: CaseInput) => (isConstant(x) ? x.constant : x);

/** The node of a case, reading `in<i>` and writing `out<i>`; trailing omitted inputs are dropped, as ONNX writers do. */
export function caseNode(c: OpCase): Node {
  const names = c.inputs.map((x, i) => (x === undefined ? '' : inputName(i)));
  while (names.length > 0 && names[names.length - 1] === '') names.pop();
  const outputs = Array.from({ length: c.outputs ?? 1 }, (_, i) => `out${i}`);
  return makeNode(c.op, names, outputs, c.attributes ?? {}, 'node', c.domain ?? '');
}

/** The runtime (non-constant) inputs of a case by name: the feeds of its model. */
export function caseFeeds(c: OpCase): Record<string, Tensor> {
  return Object.fromEntries(c.inputs.flatMap((x, i) => (x === undefined || isConstant(x) ? [] : [[inputName(i), x]])));
}

/** The one-node model of a case, its outputs typed and shaped by core's shape inference. */
export function singleNodeModel(c: OpCase): Model {
  const graph = emptyGraph(`test_${c.op}`);
  const node = caseNode(c);
  c.inputs.forEach((x, i) => {
    if (isConstant(x)) graph.initializers.set(inputName(i), x.constant);
    else if (x !== undefined) graph.inputs.push({ name: inputName(i), type: x.type, shape: [...x.dims] });
  });
  graph.nodes.push(node);
  const opset = opsetOf(c);
  const opsets = new Map([['', c.domain ? 17 : opset]]);
  if (c.domain) opsets.set(c.domain, opset);
  const inputs = c.inputs.map((x): InferInput | undefined => {
    const t = tensorOf(x);
    return t && { type: t.type, shape: [...t.dims], value: isConstant(x) ? t : undefined };
  });
  const inferred = opFor(node, opset).infer(inputs, { node, opset });
  graph.outputs = node.outputs.map((name, i): ValueInfo => ({ name, type: inferred[i].type, shape: inferred[i].shape }));
  return { irVersion: 8, opsets, graph, metadata: new Map() };
}

/** The case's outputs from core's op definition: the reference kernel. */
export function runReference(c: OpCase): Tensor[] {
  const node = caseNode(c);
  return opFor(node, opsetOf(c)).run(c.inputs.map(tensorOf), { node, opset: opsetOf(c) });
}
