/**
 * The op registry: every op core can infer and evaluate, looked up by domain and type.
 */
import { UnsupportedOpError } from '../errors.js';
import { isOnnxDomain, type Node } from '../ir/graph.js';
import { nnOps } from './nn/index.js';
import type { OpDef } from './op.js';
import { tensorOps } from './tensor/index.js';

const key = (domain: string, opType: string) => `${isOnnxDomain(domain) ? '' : domain}::${opType}`;

const REGISTRY = new Map<string, OpDef>();
for (const op of [...nnOps, ...tensorOps]) REGISTRY.set(key(op.domain, op.opType), op);

/** The definition of `opType` in `domain`, or undefined. */
export function findOp(domain: string, opType: string): OpDef | undefined {
  return REGISTRY.get(key(domain, opType));
}

/** The definition for a node, or an UnsupportedOpError naming op, domain and opset. */
export function opFor(node: Node, opset: number): OpDef {
  const op = findOp(node.domain, node.opType);
  if (!op) {
    throw new UnsupportedOpError(
      `no op ${node.domain ? `${node.domain}.` : ''}${node.opType} (opset ${opset}) is known (node '${node.name}')`,
      {
        node: node.name,
        op: node.opType,
        domain: node.domain,
        opset,
      },
    );
  }
  if (opset < op.sinceVersion) {
    throw new UnsupportedOpError(
      `${node.opType} at opset ${opset} is older than supported (>= ${op.sinceVersion}), node '${node.name}'`,
      {
        node: node.name,
        op: node.opType,
        domain: node.domain,
        opset,
      },
    );
  }
  return op;
}

/** Every registered op type, sorted: the op set. */
export function supportedOps(): string[] {
  return [...REGISTRY.values()].map((o) => (o.domain ? `${o.domain}.${o.opType}` : o.opType)).sort();
}
