/**
 * One view over a shape-inferred model: each value's type, the constants, who produces and who reads
 * each value, and the opsets, built once and looked up in O(1). The partitioner, the memory budget and
 * the backends' compilers read models through it, and it is what `supports` sees as its context.
 */
import type { SupportContext } from '../backend/contract.js';
import { GraphError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { type Model, type Node, opsetOf, type ValueType } from './graph.js';
import { consumersOf, producersOf } from '../passes/graph-queries.js';

export class ModelView {
  readonly model: Model;
  readonly #types = new Map<string, ValueType>();
  readonly #producers: ReadonlyMap<string, Node>;
  readonly #consumers: ReadonlyMap<string, Node[]>;

  constructor(model: Model) {
    this.model = model;
    const g = model.graph;
    // Declared first, as written (inputs, value info, outputs), then initializers.
    for (const v of [...g.inputs, ...g.valueInfo.values(), ...g.outputs])
      if (!this.#types.has(v.name)) this.#types.set(v.name, v);
    for (const [name, t] of g.initializers)
      if (!this.#types.has(name)) this.#types.set(name, { type: t.type, shape: [...t.dims] });
    this.#producers = producersOf(g);
    this.#consumers = consumersOf(g);
  }

  /** The declared type of a value (graph input, value info, graph output, initializer), if any. */
  valueType = (name: string): ValueType | undefined => {
    const t = this.#types.get(name);
    return t && { type: t.type, ...(t.shape ? { shape: [...t.shape] } : {}), ...(t.quant ? { quant: t.quant } : {}) };
  };

  /** Like `valueType`, but a value without a type is a GraphError (shape inference did not run). */
  requireType = (name: string): ValueType => {
    const t = this.valueType(name);
    if (t === undefined)
      throw new GraphError(`value '${name}' has no known type; the model must be shape-inferred first`, {
        value: name,
      });
    return t;
  };

  /** The value of an initializer. */
  constant = (name: string): Tensor | undefined => this.model.graph.initializers.get(name);

  /** The node that computes `name`, if a node does. */
  producer = (name: string): Node | undefined => this.#producers.get(name);

  /** The nodes that read `name`, explicitly or from inside a subgraph. */
  consumers = (name: string): readonly Node[] => this.#consumers.get(name) ?? [];

  /** The model's opset of `domain` (the standard one by default). */
  opset = (domain = ''): number => opsetOf(this.model, domain);

  /** What `supports` and the other capability questions see for a node of `domain`. */
  supportContext(domain = ''): SupportContext {
    return { opset: this.opset(domain), valueType: this.valueType, constant: this.constant };
  }
}
