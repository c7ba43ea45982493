/**
 * Type lookups over a shape-inferred model, shared by the capability queries and the partition builder.
 */
import { GraphError } from '../errors.js';
import type { Model, ValueType } from '../ir/graph.js';

/** Type and shape by value name, looked up in a model's declarations: built once, each lookup O(1). */
export interface ValueTypes {
  /** The declared type of a value (graph input, value info, graph output, initializer), if any. */
  lookup(name: string): ValueType | undefined;
  /** Like `lookup`, but a value without a type is a GraphError (shape inference did not run). */
  require(name: string): ValueType;
}

/** The value types of `model` (inputs first, then value info, outputs, initializers, as declared). */
export function valueTypesOf(model: Model): ValueTypes {
  const g = model.graph;
  const inputs = new Map(g.inputs.map((v) => [v.name, v]));
  const outputs = new Map(g.outputs.map((v) => [v.name, v]));
  const lookup = (name: string): ValueType | undefined => {
    const declared = inputs.get(name) ?? g.valueInfo.get(name) ?? outputs.get(name);
    if (declared !== undefined)
      return { type: declared.type, shape: declared.shape === undefined ? undefined : [...declared.shape] };
    const constant = g.initializers.get(name);
    if (constant !== undefined) return { type: constant.type, shape: [...constant.dims] };
    return undefined;
  };
  return {
    lookup,
    require(name) {
      const t = lookup(name);
      if (t === undefined) {
        throw new GraphError(
          `value '${name}' has no known type; the model must be shape-inferred before partitioning`,
          { value: name },
        );
      }
      return t;
    },
  };
}
