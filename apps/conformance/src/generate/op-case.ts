/**
 * An op case: one node with its inputs (runtime inputs, constants, omitted optionals) and attributes,
 * and the one-node model it becomes, with output types from core's shape inference.
 */
import { type Attribute, emptyGraph, type InferInput, makeNode, type Model, opFor, type Tensor, type ValueInfo } from '@lastmile/core';

/** An input the node sees as an initializer (a constant shape inference can read). */
export interface ConstantInput {
  constant: Tensor;
}

/** Marks `t` as an initializer of the case. */
export const constant = (t: Tensor): ConstantInput => ({ constant: t });

export type CaseInput = Tensor | ConstantInput | undefined;

/** One op case of a generated suite. */
export interface OpCase {
  op: string;
  /** '' for ONNX ops. */
  domain?: string;
  /** Opset of the op's domain (17 by default). */
  opset?: number;
  /** Runtime inputs (Tensor), initializers (constant(t)) or omitted optional inputs (undefined). */
  inputs: CaseInput[];
  attributes?: Record<string, Attribute>;
  /** Outputs of the node (1 by default). */
  outputs?: number;
  /** Short words appended to the case name ("broadcast", "nan"). */
  tag?: string;
  rtol?: number;
  atol?: number;
}

export const isConstant = (x: CaseInput): x is ConstantInput => x !== undefined && 'constant' in x;

const DEFAULT_OPSET = 17;
const inputName = (i: number) => `in${i}`;
const outputNames = (c: OpCase) => Array.from({ length: c.outputs ?? 1 }, (_, i) => `out${i}`);

/** The node of a case; trailing omitted inputs are dropped, as ONNX writers do. */
export function caseNode(c: OpCase) {
  const names = c.inputs.map((x, i) => (x === undefined ? '' : inputName(i)));
  while (names.length > 0 && names[names.length - 1] === '') names.pop();
  return makeNode(c.op, names, outputNames(c), c.attributes ?? {}, `${c.op}_node`, c.domain ?? '');
}

/** The runtime (non-constant) inputs of a case, in order: the input_K.pb files. */
export function runtimeInputs(c: OpCase): { name: string; tensor: Tensor }[] {
  return c.inputs.flatMap((x, i) => (x === undefined || isConstant(x) ? [] : [{ name: inputName(i), tensor: x }]));
}

/** The one-node model of a case. */
export function singleNodeModel(c: OpCase): Model {
  const graph = emptyGraph(`case_${c.op}`);
  const node = caseNode(c);
  c.inputs.forEach((x, i) => {
    if (x === undefined) return;
    if (isConstant(x)) graph.initializers.set(inputName(i), x.constant);
    else graph.inputs.push({ name: inputName(i), type: x.type, shape: [...x.dims] });
  });
  graph.nodes.push(node);
  const opset = c.opset ?? DEFAULT_OPSET;
  const opsets = new Map([['', c.domain ? DEFAULT_OPSET : opset]]);
  if (c.domain) opsets.set(c.domain, opset);
  const inferred = opFor(node, opset).infer(
    c.inputs.map((x): InferInput | undefined => {
      if (x === undefined) return undefined;
      const t = isConstant(x) ? x.constant : x;
      return { type: t.type, shape: [...t.dims], ...(isConstant(x) ? { value: t } : {}) };
    }),
    { node, opset },
  );
  graph.outputs = node.outputs.map((name, i): ValueInfo => ({ name, type: inferred[i].type, ...(inferred[i].shape ? { shape: inferred[i].shape } : {}) }));
  return { irVersion: 8, opsets, graph, metadata: new Map(), producerName: 'lastmile-conformance' };
}
