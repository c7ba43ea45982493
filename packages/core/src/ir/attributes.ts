/**
 * Typed attribute readers: each names the node and attribute when a value is missing or of the wrong type.
 */
import { AttributeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import type { Attribute, Node } from './graph.js';

type Kind = Attribute['type'];
function read(node: Node, name: string, kind: Kind): unknown {
  const a = node.attributes.get(name);
  if (a === undefined) return undefined;
  // An int given where a float is expected is harmless (some exporters write alpha=1 as int).
  if (kind === 'float' && a.type === 'int') return a.value;
  if (kind === 'floats' && a.type === 'ints') return a.value;
  if (a.type !== kind) {
    throw new AttributeError(
      `attribute '${name}' of ${node.opType} node '${node.name}' must be ${kind}, got ${a.type}`,
      {
        node: node.name,
        op: node.opType,
        attribute: name,
        expected: kind,
        got: a.type,
      },
    );
  }
  return a.value;
}

function required<T>(node: Node, name: string, v: T | undefined): T {
  if (v === undefined) {
    throw new AttributeError(`${node.opType} node '${node.name}' needs attribute '${name}'`, {
      node: node.name,
      op: node.opType,
      attribute: name,
    });
  }
  return v;
}

/** Attribute readers: `attr.int(node, 'axis', 0)`; without a default the attribute is required. */
export const attr = {
  int: (node: Node, name: string, def?: number): number =>
    required(node, name, (read(node, name, 'int') as number | undefined) ?? def),
  float: (node: Node, name: string, def?: number): number =>
    required(node, name, (read(node, name, 'float') as number | undefined) ?? def),
  string: (node: Node, name: string, def?: string): string =>
    required(node, name, (read(node, name, 'string') as string | undefined) ?? def),
  ints: (node: Node, name: string, def?: number[]): number[] =>
    required(node, name, (read(node, name, 'ints') as number[] | undefined) ?? def),
  floats: (node: Node, name: string, def?: number[]): number[] =>
    required(node, name, (read(node, name, 'floats') as number[] | undefined) ?? def),
  strings: (node: Node, name: string, def?: string[]): string[] =>
    required(node, name, (read(node, name, 'strings') as string[] | undefined) ?? def),
  tensor: (node: Node, name: string): Tensor | undefined => read(node, name, 'tensor') as Tensor | undefined,
  has: (node: Node, name: string): boolean => node.attributes.has(name),
};

/** Attribute constructors for building graphs in code: `{ axis: a.int(1) }`. */
export const a = {
  int: (value: number): Attribute => ({ type: 'int', value }),
  float: (value: number): Attribute => ({ type: 'float', value }),
  string: (value: string): Attribute => ({ type: 'string', value }),
  ints: (value: number[]): Attribute => ({ type: 'ints', value }),
  floats: (value: number[]): Attribute => ({ type: 'floats', value }),
  strings: (value: string[]): Attribute => ({ type: 'strings', value }),
  tensor: (value: Tensor): Attribute => ({ type: 'tensor', value }),
};
