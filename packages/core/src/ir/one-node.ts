/**
 * One-node models: a single op applied to given runtime inputs, constants and omitted optional inputs,
 * the model it becomes (outputs typed by the op's shape inference) and its feeds. Tests and the
 * conformance kit build their op cases with these.
 */
import type { InferInput } from '../ops/op.js';
import { opFor } from '../ops/registry.js';
import type { Tensor } from '../tensor.js';
import { type Attribute, emptyGraph, makeNode, type Model, type Node, type ValueInfo } from './graph.js';

/** An input the node reads from an initializer: a constant that shape inference and backends can see. */
export interface ConstantInput {
  /** The initializer's value. */
  constant: Tensor;
}

/** Marks `t` as an initializer of a {@link OneNodeCase}, not a runtime input. */
export const constant = (t: Tensor): ConstantInput => ({ constant: t });

/** One input of a {@link OneNodeCase}: a runtime input (Tensor), an initializer ({@link constant}) or an omitted optional input (undefined). */
export type CaseInput = Tensor | ConstantInput | undefined;

/** A single op applied to its inputs: what {@link singleNodeModel} turns into a model. */
export interface OneNodeCase {
  /** The op type ("Conv"). */
  op: string;
  /** The op's domain; '' (ONNX) by default. */
  domain?: string;
  /** Opset of the op's domain; 17 by default. */
  opset?: number;
  /** The node's inputs in order; input `i` is named `in<i>`. */
  inputs: CaseInput[];
  /** The node's attributes. */
  attributes?: Record<string, Attribute>;
  /** Number of outputs, named `out<i>`; 1 by default. */
  outputs?: number;
}

// The ONNX opset of a case, and of the standard domain beside a custom one.
const DEFAULT_OPSET = 17;

const isConstant = (x: CaseInput): x is ConstantInput => x !== undefined && 'constant' in x;
const inputName = (i: number) => `in${i}`;

/** The node of a case, `<op>_node`, reading `in<i>` and writing `out<i>`; trailing omitted inputs are dropped, as ONNX writers do. */
export function caseNode(c: OneNodeCase): Node {
  const names = c.inputs.map((x, i) => (x === undefined ? '' : inputName(i)));
  while (names.length > 0 && names[names.length - 1] === '') names.pop();
  const outputs = Array.from({ length: c.outputs ?? 1 }, (_, i) => `out${i}`);
  return makeNode(c.op, names, outputs, c.attributes ?? {}, `${c.op}_node`, c.domain ?? '');
}

/** The tensors the node of a case reads, in input order (initializers unwrapped, undefined where omitted): what the op's reference kernel takes. */
export function caseTensors(c: OneNodeCase): (Tensor | undefined)[] {
  return c.inputs.map((x) => (isConstant(x) ? x.constant : x));
}

/** The runtime (non-constant) inputs of a case by name, in input order: the feeds of its model. */
export function caseFeeds(c: OneNodeCase): Record<string, Tensor> {
  return Object.fromEntries(c.inputs.flatMap((x, i) => (x === undefined || isConstant(x) ? [] : [[inputName(i), x]])));
}

/**
 * The model of a case, graph `case_<op>`: its runtime inputs as graph inputs, its constants as
 * initializers, and outputs typed and shaped by the op's shape inference. A custom domain is imported
 * at the case's opset beside ONNX opset 17.
 */
export function singleNodeModel(c: OneNodeCase): Model {
  const graph = emptyGraph(`case_${c.op}`);
  const node = caseNode(c);
  c.inputs.forEach((x, i) => {
    if (isConstant(x)) graph.initializers.set(inputName(i), x.constant);
    else if (x !== undefined) graph.inputs.push({ name: inputName(i), type: x.type, shape: [...x.dims] });
  });
  graph.nodes.push(node);
  const opset = c.opset ?? DEFAULT_OPSET;
  const opsets = new Map([['', c.domain ? DEFAULT_OPSET : opset]]);
  if (c.domain) opsets.set(c.domain, opset);
  // Inference sees the values of constants (a Reshape target, Slice starts), as it does in a loaded model.
  const inputs = caseTensors(c).map(
    (t, i): InferInput | undefined =>
      t && { type: t.type, shape: [...t.dims], ...(isConstant(c.inputs[i]) ? { value: t } : {}) },
  );
  const inferred = opFor(node, opset).infer(inputs, { node, opset });
  graph.outputs = node.outputs.map(
    (name, i): ValueInfo => ({
      name,
      type: inferred[i].type,
      ...(inferred[i].shape ? { shape: inferred[i].shape } : {}),
    }),
  );
  return { irVersion: 8, opsets, graph, metadata: new Map() };
}
