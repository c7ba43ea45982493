/**
 * Builds the IR graph while layers are lowered: unique names for the values and constants that a layer
 * adds, nodes, initializers, and the static shape of every value (Caffe nets have fixed shapes, and
 * several lowerings need them: pooling's ceil rounding, InnerProduct's flattening, Reshape's 0 and -1).
 */
import { type Attribute, emptyGraph, type Graph, makeNode, type Node, Tensor } from '@lastmile/core';

export class GraphBuilder {
  readonly graph: Graph;
  readonly shapes = new Map<string, number[]>();
  /** How many layer bottoms read each value (from the SSA naming pass). */
  readonly readers = new Map<string, number>();
  /** BatchNormalization nodes whose scale and bias are still the identity, by output: a following Scale folds into them. */
  readonly identityBatchNorms = new Map<string, Node>();
  readonly #taken: Set<string>;
  readonly #nodeNames = new Set<string>();

  constructor(name: string, reserved: Iterable<string>) {
    this.graph = emptyGraph(name);
    this.#taken = new Set(reserved);
  }

  /** A value name not used yet, from `hint`. */
  unique(hint: string): string {
    let name = hint;
    for (let i = 2; this.#taken.has(name); i++) name = `${hint}_${i}`;
    this.#taken.add(name);
    return name;
  }

  #nodeName(hint: string): string {
    let name = hint;
    for (let i = 2; this.#nodeNames.has(name); i++) name = `${hint}_${i}`;
    this.#nodeNames.add(name);
    return name;
  }

  /** Adds an initializer and returns its name. */
  constant(hint: string, tensor: Tensor): string {
    const name = this.unique(hint);
    this.graph.initializers.set(name, tensor);
    this.shapes.set(name, [...tensor.dims]);
    return name;
  }

  floats(hint: string, values: ArrayLike<number>, dims: number[]): string {
    return this.constant(hint, new Tensor('float32', Float32Array.from(values), dims));
  }

  int64s(hint: string, values: number[]): string {
    return this.constant(hint, new Tensor('int64', BigInt64Array.from(values.map(BigInt)), [values.length]));
  }

  /** Adds a node writing `output` (of static shape `shape`) and returns `output`. */
  node(
    opType: string,
    name: string,
    inputs: string[],
    output: string,
    shape: number[],
    attributes: Record<string, Attribute> = {},
  ): string {
    this.graph.nodes.push(makeNode(opType, inputs, [output], attributes, this.#nodeName(name)));
    this.shapes.set(output, shape);
    return output;
  }

  /** Adds a node with several outputs. */
  multiNode(
    opType: string,
    name: string,
    inputs: string[],
    outputs: { name: string; shape: number[] }[],
    attributes: Record<string, Attribute> = {},
  ): void {
    this.graph.nodes.push(
      makeNode(
        opType,
        inputs,
        outputs.map((o) => o.name),
        attributes,
        this.#nodeName(name),
      ),
    );
    for (const o of outputs) this.shapes.set(o.name, o.shape);
  }

  shapeOf(value: string): number[] {
    const shape = this.shapes.get(value);
    if (shape === undefined) throw new Error(`internal: no shape recorded for '${value}'`);
    return shape;
  }
}
