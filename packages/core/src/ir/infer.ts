/**
 * The shape inference driver: walks the graph in topological order, asks each op's `infer` for its output
 * types, and evaluates small all-constant nodes on the way (constant propagation) so that data-dependent
 * shapes (Reshape targets built by Shape -> Gather -> Concat) come out static.
 */
import { GraphError, InputError, ResourceLimitError, ShapeError } from '../errors.js';
import type { InferInput, OpContext } from '../ops/op.js';
import { opFor } from '../ops/registry.js';
import { shapeValue } from '../ops/tensor/shape-op.js';
import { formatShape, isStatic, sizeOf, type Dim } from '../shape.js';
import { bytesPerElement, type Tensor } from '../tensor.js';
import { isOnnxDomain, type Model, type Node, opsetOf, type ValueInfo, type ValueType } from './graph.js';
import { withNodeContext } from './node-context.js';
import {
  constantShapeValue,
  numericReshapeTarget,
  propagateShapeValue,
  shapeValueTensor,
  type ShapeValue,
} from './shape-values.js';
import { isControlFlow, validateGraph } from './validate.js';

export interface InferOptions {
  /** Concrete dims for graph inputs (replacing symbolic ones); rank and fixed dims must agree with the model. */
  inputShapes?: Record<string, Dim[]>;
  /** The largest tensor, in bytes, a static inferred shape may describe (default 2 GiB). */
  maxTensorBytes?: number;
}

/** Default for {@link InferOptions.maxTensorBytes}. */
export const DEFAULT_MAX_TENSOR_BYTES = 2 ** 31;

/** Constant propagation evaluates a node only when each of its outputs has at most this many elements. */
export const MAX_PROPAGATED_ELEMENTS = 65536;

/** Ops whose result differs from run to run: never evaluated ahead of time. */
const RANDOM_OPS = new Set([
  'RandomNormal',
  'RandomUniform',
  'RandomNormalLike',
  'RandomUniformLike',
  'Multinomial',
  'Bernoulli',
]);

/** True when a node may be evaluated once its inputs are known: deterministic, without subgraphs. */
export function isDeterministic(node: Node): boolean {
  if (!isOnnxDomain(node.domain)) return true;
  if (RANDOM_OPS.has(node.opType) || isControlFlow(node)) return false;
  // Dropout in training mode draws a mask; without a training_mode input it is the identity.
  return !(node.opType === 'Dropout' && (node.inputs[2] ?? '') !== '');
}

/**
 * Returns the model with `graph.valueInfo` holding the type of every node output, graph inputs narrowed
 * by `inputShapes`, and graph outputs given their inferred shapes.
 */
export function inferShapes(model: Model, options: InferOptions = {}): Model {
  return inferShapesAndConstants(model, options).model;
}

/**
 * {@link inferShapes}, also returning the node outputs whose values inference computed (Shape of a static
 * input and the shape math after it), so a prepared plan can turn them into initializers.
 */
export function inferShapesAndConstants(
  model: Model,
  options: InferOptions = {},
): { model: Model; constants: Map<string, Tensor> } {
  const maxBytes = options.maxTensorBytes ?? DEFAULT_MAX_TENSOR_BYTES;
  const validated = validateGraph(model);
  const graph = validated.graph;
  const known = new Map<string, InferInput>();

  const inputs = graph.inputs.map((input) => substituteInputShape(input, options.inputShapes?.[input.name]));
  const inputNames = new Set(graph.inputs.map((i) => i.name));
  const unknownNames = Object.keys(options.inputShapes ?? {}).filter((name) => !inputNames.has(name));
  if (unknownNames.length > 0) {
    throw new InputError(
      `inputShapes names ${unknownNames.map((n) => `'${n}'`).join(', ')}, which ${unknownNames.length > 1 ? 'are not graph inputs' : 'is not a graph input'}`,
      {
        got: unknownNames,
        expected: graph.inputs.map((i) => i.name),
      },
    );
  }
  for (const input of inputs) known.set(input.name, { type: input.type, shape: input.shape });
  for (const [name, tensor] of graph.initializers)
    known.set(name, { type: tensor.type, shape: [...tensor.dims], value: tensor });

  const valueInfo = new Map(graph.valueInfo);
  const constants = new Map<string, Tensor>();
  const shapeValues = new Map<string, ShapeValue>();
  for (const node of graph.nodes) {
    const opset = opsetOf(validated, node.domain);
    const ctx = { node, opset };
    const args = node.inputs.map((name) => (name === '' ? undefined : known.get(name)));
    const symbolic = node.inputs.map((name, i) => shapeValues.get(name) ?? constantShapeValue(args[i]));
    if (isOnnxDomain(node.domain) && node.opType === 'Reshape' && args[1] && !args[1].value) {
      const target = numericReshapeTarget(node, args[0], symbolic[1], opset);
      if (target) args[1] = { ...args[1], value: target };
    }
    const types = withNodeContext(node, 'shape inference', () => {
      const op = opFor(node, opset);
      const inferred = op.infer(args, ctx);
      const values = constantOutputs(args, inferred, ctx, () =>
        op.run(
          args.map((arg) => arg?.value),
          ctx,
        ),
      );
      const withValues = inferred.map((type, i) =>
        values?.[i] ? { type: values[i].type, shape: [...values[i].dims], value: values[i] } : type,
      );
      const shapeValue = values ? undefined : propagateShapeValue(node, args, symbolic, opset);
      const tensor = shapeValue && shapeValueTensor(shapeValue);
      // A shape value whose dims all turned out static (Gather of a static dim of [N, 3, ...]) is a plain constant.
      if (tensor && withValues[0]?.type === 'int64')
        withValues[0] = { type: 'int64', shape: [...tensor.dims], value: tensor };
      else if (shapeValue && node.outputs[0]) shapeValues.set(node.outputs[0], shapeValue);
      return withValues;
    });
    node.outputs.forEach((name, i) => {
      if (name === '') return;
      const type = types[i];
      if (!type)
        throw new GraphError(
          `${node.opType} node '${node.name}' lists output '${name}' (#${i}) but its op infers only ${types.length}`,
          { node: node.name, op: node.opType, value: name },
        );
      checkSize(node, name, type, maxBytes);
      const declared = valueInfo.get(name);
      // Stale value_info shapes are common in exported models (ORT only warns): inference wins for intermediates.
      const merged = declared
        ? mergeDeclared(declared, type, `value '${name}' of node '${node.name}'`, false)
        : { name, type: type.type, shape: type.shape };
      known.set(name, { ...type, shape: merged.shape });
      valueInfo.set(name, merged);
      if ('value' in type && type.value) constants.set(name, type.value);
    });
  }

  const outputs = graph.outputs.map((output) => {
    const type = known.get(output.name);
    return type ? mergeDeclared(output, type, `graph output '${output.name}'`, true) : output;
  });
  return { model: { ...validated, graph: { ...graph, inputs, outputs, valueInfo } }, constants };
}

/** Evaluates a node whose inputs are all known constants and whose outputs are small; undefined otherwise. */
function constantOutputs(
  args: readonly (InferInput | undefined)[],
  inferred: ValueType[],
  ctx: OpContext,
  run: () => Tensor[],
): Tensor[] | undefined {
  const node = ctx.node;
  if (isOnnxDomain(node.domain) && node.opType === 'Shape' && args[0]) {
    const value = shapeValue(args[0], ctx);
    return value ? [value] : undefined;
  }
  const present = args.filter((arg) => arg !== undefined);
  if (!isDeterministic(node) || !present.every((arg) => arg.value !== undefined)) return undefined;
  const small = inferred.every(
    (type) => type.shape !== undefined && isStatic(type.shape) && sizeOf(type.shape) <= MAX_PROPAGATED_ELEMENTS,
  );
  return small ? run() : undefined;
}

/** Refuses a static shape too large to allocate, before anything is allocated. */
function checkSize(node: Node, name: string, type: ValueType, maxBytes: number): void {
  if (!type.shape || !isStatic(type.shape)) return;
  const bytes = type.shape.reduce((n, d) => n * d, bytesPerElement(type.type));
  if (bytes > maxBytes) {
    throw new ResourceLimitError(
      `${node.opType} node '${node.name}' would produce '${name}' of shape [${type.shape.join(', ')}] ${type.type}: ${bytes} bytes, over the limit of ${maxBytes}`,
      { node: node.name, op: node.opType, value: name, shape: type.shape, expected: maxBytes, got: bytes },
    );
  }
}

/** Narrows a graph input to the caller's concrete dims, which must agree with the declared rank and fixed dims. */
function substituteInputShape(input: ValueInfo, dims: Dim[] | undefined): ValueInfo {
  if (dims === undefined) return input;
  const declared = input.shape;
  const agrees =
    Array.isArray(dims) &&
    dims.every((d) => typeof d === 'string' || (Number.isSafeInteger(d) && d >= 0)) &&
    (declared === undefined ||
      (declared.length === dims.length && declared.every((d, i) => typeof d === 'string' || d === dims[i])));
  if (!agrees) {
    throw new InputError(
      `inputShapes gives input '${input.name}' shape [${String(dims)}], but the model declares [${declared?.join(', ') ?? 'unknown'}]`,
      {
        input: input.name,
        expected: declared,
        got: dims,
      },
    );
  }
  return { ...input, shape: [...dims] };
}

/**
 * Combines a declared type with the inferred one: the element types must match and, when `strictShape`,
 * ranks and fixed dims too (otherwise a conflicting declared shape gives way); a symbolic dim takes the
 * other side's number, and between two symbols the inferred one wins.
 */
function mergeDeclared(declared: ValueInfo, inferred: ValueType, what: string, strictShape: boolean): ValueInfo {
  if (declared.type !== inferred.type) {
    throw new GraphError(`${what} is declared ${declared.type} but inferred ${inferred.type}`, {
      value: declared.name,
      expected: declared.type,
      got: inferred.type,
    });
  }
  if (!declared.shape) return { ...declared, shape: inferred.shape };
  if (!inferred.shape) return declared;
  const a = declared.shape;
  const b = inferred.shape;
  if (a.length !== b.length || a.some((d, i) => typeof d === 'number' && typeof b[i] === 'number' && d !== b[i])) {
    if (!strictShape) return { ...declared, shape: b };
    throw new ShapeError(`${what} is declared [${formatShape(a)}] but inferred [${formatShape(b)}]`, {
      value: declared.name,
      expected: a,
      got: b,
    });
  }
  // Inferred symbols win over declared ones: they tie output dims to the input dims they come from.
  return {
    ...declared,
    shape: b.map((d, i) => (typeof d === 'number' ? d : a[i] === undefined || typeof a[i] === 'string' ? d : a[i])),
  };
}
