/**
 * Symbolic shape values: the value of a small integer tensor computed from dims that may be symbolic
 * (Shape of an [N, 3, 4, 4] input is [N, 3, 4, 4]). Followed through the ops that shape subgraphs are made
 * of (Shape, Gather, Unsqueeze, Squeeze, Concat, Cast, Identity), it lets a Reshape whose target copies the
 * batch dim infer [N, 48] rather than fresh dims.
 */
import type { InferInput } from '../ops/op.js';
import { shapeValue } from '../ops/tensor/shape-op.js';
import type { Dim } from '../shape.js';
import { Tensor, toNumbers } from '../tensor.js';
import { attr } from './attributes.js';
import { isOnnxDomain, type Node } from './graph.js';

/** The elements of a rank-0 or rank-1 integer value; some may be symbolic dims. */
export interface ShapeValue {
  dims: Dim[];
  scalar: boolean;
}

/** Longer integer vectors are data (indices), not shapes: not worth following. */
const MAX_SHAPE_VALUE_LENGTH = 64;

/** The shape value of a constant integer scalar or vector, for mixing constants with symbolic values. */
export function constantShapeValue(input: InferInput | undefined): ShapeValue | undefined {
  const value = input?.value;
  if (
    !value ||
    value.dims.length > 1 ||
    value.size > MAX_SHAPE_VALUE_LENGTH ||
    (value.type !== 'int64' && value.type !== 'int32')
  )
    return undefined;
  return { dims: toNumbers(value), scalar: value.dims.length === 0 };
}

/** The shape value of a node's first output, or undefined when the node is not a shape op or its inputs are unknown. */
export function propagateShapeValue(
  node: Node,
  args: readonly (InferInput | undefined)[],
  values: readonly (ShapeValue | undefined)[],
  opset: number,
): ShapeValue | undefined {
  if (!isOnnxDomain(node.domain)) return undefined;
  const first = values[0];
  switch (node.opType) {
    case 'Shape':
      return args[0]?.shape ? { dims: shapeWindow(node, args[0], args[0].shape, opset), scalar: false } : undefined;
    case 'Gather': {
      const indices = constantShapeValue(args[1]);
      if (!first || first.scalar || !indices || attr.int(node, 'axis', 0) !== 0) return undefined;
      const n = first.dims.length;
      if (indices.dims.some((i) => typeof i !== 'number' || i < -n || i >= n)) return undefined;
      return { dims: (indices.dims as number[]).map((i) => first.dims[i < 0 ? i + n : i]), scalar: indices.scalar };
    }
    case 'Unsqueeze':
      return first?.scalar ? { dims: first.dims, scalar: false } : undefined;
    case 'Squeeze':
      return first && !first.scalar && first.dims.length === 1 ? { dims: first.dims, scalar: true } : undefined;
    case 'Concat':
      return values.length > 0 && values.every((v) => v !== undefined && !v.scalar)
        ? { dims: values.flatMap((v) => (v as ShapeValue).dims), scalar: false }
        : undefined;
    case 'Cast':
    case 'Identity':
      return first;
    default:
      return undefined;
  }
}

/** Shape's window of `shape`: Shape's own kernel run on the positions [0, 1, ...] picks which dims it keeps. */
function shapeWindow(node: Node, input: InferInput, shape: readonly Dim[], opset: number): Dim[] {
  const positions = shapeValue({ type: input.type, shape: shape.map((_, i) => i) }, { node, opset });
  return positions ? toNumbers(positions).map((i) => shape[i]) : [...shape];
}

/** A fully numeric shape value as the int64 tensor it stands for. */
export function shapeValueTensor(value: ShapeValue): Tensor<'int64'> | undefined {
  if (!value.dims.every((d) => typeof d === 'number')) return undefined;
  return new Tensor('int64', (value.dims as number[]).map(BigInt), value.scalar ? [] : [value.dims.length]);
}

/**
 * A Reshape target with symbolic entries made numeric: an entry equal to the input's dim at the same
 * position becomes 0 ("copy this dim"), which is exact unless allowzero is set. Undefined when that fails.
 */
export function numericReshapeTarget(
  node: Node,
  input: InferInput | undefined,
  target: ShapeValue | undefined,
  opset: number,
): Tensor<'int64'> | undefined {
  if (!target || target.scalar || !input?.shape || (opset >= 14 && attr.int(node, 'allowzero', 0) !== 0))
    return undefined;
  const shape = input.shape;
  const numeric = target.dims.map((d, i) => (typeof d === 'number' ? d : shape[i] === d ? 0 : undefined));
  if (numeric.some((d) => d === undefined)) return undefined;
  return new Tensor('int64', (numeric as number[]).map(BigInt), [numeric.length]);
}
