/**
 * What lowering needs to know about the partition's graph: each value's type, dims and stored layout,
 * constants, consumers, and which values leave the partition.
 */
import {
  GraphError,
  type Model,
  type Node,
  type Tensor,
  type TensorType,
  bytesPerElement,
  sizeOf,
} from '@lastmile/core';
import { type Layout, layoutFor } from '../layout/nhwc.js';
import { nhwcValues } from './layouts.js';

/** A value as stored inside the partition. */
export interface ValueDesc {
  name: string;
  type: TensorType;
  dims: number[];
  layout: Layout;
  size: number;
}

/** Bytes a stored value occupies: whole vectors, plus one vector kernels may spill into. */
export function storedBytes(v: ValueDesc): number {
  return Math.ceil((v.size * bytesPerElement(v.type)) / 16) * 16 + 16;
}

export class GraphInfo {
  readonly model: Model;
  readonly #values = new Map<string, ValueDesc>();
  readonly #consumers = new Map<string, Node[]>();
  readonly outputs: Set<string>;

  constructor(model: Model) {
    this.model = model;
    const g = model.graph;
    const add = (name: string, type: TensorType, shape: readonly (number | string)[] | undefined) => {
      if (!shape?.every((d): d is number => typeof d === 'number')) return;
      const dims = [...shape];
      this.#values.set(name, { name, type, dims, layout: layoutFor(type, dims.length), size: sizeOf(dims) });
    };
    for (const v of [...g.inputs, ...g.valueInfo.values(), ...g.outputs]) add(v.name, v.type, v.shape);
    for (const [name, t] of g.initializers) add(name, t.type, t.dims);
    const nhwc = nhwcValues(g, (name) => this.#values.get(name)?.layout === 'nhwc');
    for (const v of this.#values.values()) if (v.layout === 'nhwc' && !nhwc.has(v.name)) v.layout = 'plain';
    for (const node of g.nodes) {
      for (const input of node.inputs) {
        if (!input) continue;
        const list = this.#consumers.get(input) ?? [];
        list.push(node);
        this.#consumers.set(input, list);
      }
    }
    this.outputs = new Set(g.outputs.map((o) => o.name));
  }

  /** The value's description; a GraphError when its shape was not inferred. */
  value(name: string): ValueDesc {
    const v = this.#values.get(name);
    if (!v)
      throw new GraphError(`cpu-neon: value '${name}' has no static shape (prepare infers shapes before compile)`, {
        value: name,
      });
    return v;
  }

  has(name: string): boolean {
    return this.#values.has(name);
  }

  constant(name: string): Tensor | undefined {
    return this.model.graph.initializers.get(name);
  }

  consumers(name: string): readonly Node[] {
    return this.#consumers.get(name) ?? [];
  }

  /** True when `name` is read by exactly one node and is not a partition output. */
  isPrivate(name: string): boolean {
    return this.consumers(name).length === 1 && !this.outputs.has(name);
  }
}
