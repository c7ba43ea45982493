/**
 * Type lookups over a shape-inferred model, shared by the capability queries and the partition builder.
 */
import { GraphError } from '../errors.js';
import { isOnnxDomain, type Model, type ValueType } from '../ir/graph.js';

/** The type of `name` from the graph's inputs, value infos, outputs or initializers; undefined if unknown. */
export function lookupValueType(model: Model, name: string): ValueType | undefined {
  const g = model.graph;
  const declared =
    g.inputs.find((v) => v.name === name) ?? g.valueInfo.get(name) ?? g.outputs.find((v) => v.name === name);
  if (declared !== undefined)
    return { type: declared.type, shape: declared.shape === undefined ? undefined : [...declared.shape] };
  const constant = g.initializers.get(name);
  if (constant !== undefined) return { type: constant.type, shape: [...constant.dims] };
  return undefined;
}

/** Like {@link lookupValueType}, but a value without a type is a GraphError (shape inference did not run). */
export function requireValueType(model: Model, name: string): ValueType {
  const t = lookupValueType(model, name);
  if (t === undefined) {
    throw new GraphError(`value '${name}' has no known type; the model must be shape-inferred before partitioning`, {
      value: name,
    });
  }
  return t;
}

/** The opset of `domain` in the model ('' and 'ai.onnx' are the same domain). */
export function opsetOf(model: Model, domain: string): number {
  if (isOnnxDomain(domain)) return model.opsets.get('') ?? model.opsets.get('ai.onnx') ?? 0;
  return model.opsets.get(domain) ?? 0;
}
