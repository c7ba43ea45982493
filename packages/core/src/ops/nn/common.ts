/**
 * Checks and helpers every nn op shares: input counts, element types, attribute ranges and guarded
 * output allocation. Each error names the node, the op and the input or attribute at fault.
 */
import { AttributeError, GraphError, ResourceLimitError, ShapeError, UnsupportedOpError } from '../../errors.js';
import { attr } from '../../ir/attributes.js';
import type { Node } from '../../ir/graph.js';
import { sizeOf, type Dim } from '../../shape.js';
import { allocData, bytesPerElement, Tensor, type TensorType } from '../../tensor.js';
import type { OpContext } from '../op.js';

/** The largest tensor a reference kernel allocates (2 GiB): bigger requests are refused, never attempted. */
export const MAX_KERNEL_BYTES = 2 ** 31;

/** The largest value a size-like attribute (stride, pad, kernel, dilation) may take. */
export const MAX_SPATIAL_ATTR = 2 ** 31 - 1;

/** `Conv node 'conv1'`, for messages. */
export function nodeLabel(node: Node): string {
  return `${node.opType} node '${node.name}'`;
}

/** Number of inputs given, not counting omitted optional inputs at the end. */
function givenCount(inputs: readonly unknown[]): number {
  let n = inputs.length;
  while (n > 0 && inputs[n - 1] === undefined) n--;
  return n;
}

/** Throws unless the node has between `min` and `max` inputs. */
export function checkArity(inputs: readonly unknown[], ctx: OpContext, min: number, max: number): void {
  const got = givenCount(inputs);
  if (got < min || got > max) {
    const expected = min === max ? `${min}` : `${min} to ${max}`;
    throw new GraphError(`${nodeLabel(ctx.node)} takes ${expected} inputs, got ${got}`, {
      node: ctx.node.name,
      op: ctx.node.opType,
      expected,
      got,
    });
  }
}

/** Input `index`, which must be present. */
export function need<T>(inputs: readonly (T | undefined)[], index: number, ctx: OpContext, name: string): T {
  const v = inputs[index];
  if (v === undefined) {
    throw new GraphError(`${nodeLabel(ctx.node)} needs input ${index} (${name})`, {
      node: ctx.node.name,
      op: ctx.node.opType,
      input: name,
    });
  }
  return v;
}

/** Float32 only: what most nn reference kernels compute in. */
export const FLOAT: readonly TensorType[] = ['float32'];
/** Arithmetic types of the reductions. */
export const NUMERIC: readonly TensorType[] = ['float32', 'int32', 'int64'];
/** Arithmetic types of the elementwise ops: the 8-bit integers too, which wrap as C++'s do when stored. */
export const ELEMENTWISE: readonly TensorType[] = [...NUMERIC, 'int8', 'uint8'];

/** Throws unless `type` is one of `allowed`. */
export function checkType(ctx: OpContext, name: string, type: TensorType, allowed: readonly TensorType[]): void {
  if (allowed.includes(type)) return;
  const why = type === 'float16' ? ' (float16 is not computed by the reference kernels yet)' : '';
  throw new UnsupportedOpError(
    `${nodeLabel(ctx.node)}: input ${name} has type ${type}, supported: ${allowed.join(', ')}${why}`,
    {
      node: ctx.node.name,
      op: ctx.node.opType,
      input: name,
      expected: [...allowed],
      got: type,
    },
  );
}

/** Throws unless two inputs that ONNX ties to one type variable agree. */
export function checkSameType(ctx: OpContext, names: [string, string], a: TensorType, b: TensorType): void {
  if (a === b) return;
  throw new GraphError(
    `${nodeLabel(ctx.node)}: inputs ${names[0]} and ${names[1]} must have one type, got ${a} and ${b}`,
    {
      node: ctx.node.name,
      op: ctx.node.opType,
      expected: a,
      got: b,
    },
  );
}

/** Input 0 (`name`) of an op taking 1 to `maxInputs` inputs: present and of an allowed type. */
export function firstInput<T extends { type: TensorType }>(
  inputs: readonly (T | undefined)[],
  ctx: OpContext,
  name: string,
  allowed: readonly TensorType[],
  maxInputs = 1,
): T {
  checkArity(inputs, ctx, 1, maxInputs);
  const x = need(inputs, 0, ctx, name);
  checkType(ctx, name, x.type, allowed);
  return x;
}

/**
 * Inputs that ONNX ties to one type variable: two required and an optional third (when `names` has one),
 * the first of an allowed type and the others of its type.
 */
export function sameTypeInputs<T extends { type: TensorType }>(
  inputs: readonly (T | undefined)[],
  ctx: OpContext,
  names: readonly [string, string, string?],
  allowed: readonly TensorType[],
  minInputs = 2,
): [T, T, T | undefined] {
  checkArity(inputs, ctx, minInputs, names.length);
  const a = need(inputs, 0, ctx, names[0]);
  const b = need(inputs, 1, ctx, names[1]);
  const c = inputs[2];
  checkType(ctx, names[0], a.type, allowed);
  checkSameType(ctx, [names[0], names[1]], a.type, b.type);
  if (c) checkSameType(ctx, [names[0], names[2]!], a.type, c.type);
  return [a, b, c];
}

/** A ShapeError naming the node, with expected vs got. */
export function shapeError(ctx: OpContext, message: string, expected: unknown, got: unknown): ShapeError {
  return new ShapeError(`${nodeLabel(ctx.node)}: ${message}`, {
    node: ctx.node.name,
    op: ctx.node.opType,
    expected,
    got,
  });
}

/** Whether a dim is a known size (not symbolic, not absent). */
export const known = (d: Dim | undefined): d is number => typeof d === 'number';

/** An AttributeError naming the node and attribute. */
export function badAttribute(
  node: Node,
  name: string,
  message: string,
  expected: unknown,
  got: unknown,
): AttributeError {
  return new AttributeError(`${nodeLabel(node)}: attribute '${name}' ${message}`, {
    node: node.name,
    op: node.opType,
    attribute: name,
    expected,
    got,
  });
}

/** An ints attribute of a given length whose values lie in [min, max]; `def` when absent. */
export function intsInRange(
  node: Node,
  name: string,
  def: number[],
  length: number,
  min: number,
  max = MAX_SPATIAL_ATTR,
): number[] {
  const values = attr.ints(node, name, def);
  if (values.length !== length)
    throw badAttribute(node, name, `must have ${length} values, got ${values.length}`, length, values.length);
  for (const v of values) {
    if (!Number.isSafeInteger(v) || v < min || v > max)
      throw badAttribute(node, name, `values must lie in [${min}, ${max}], got ${v}`, `[${min}, ${max}]`, v);
  }
  return values;
}

/** A string attribute restricted to `choices`. */
export function stringChoice<C extends string>(node: Node, name: string, def: C, choices: readonly C[]): C {
  const v = attr.string(node, name, def);
  if (!(choices as readonly string[]).includes(v))
    throw badAttribute(node, name, `must be one of ${choices.join(', ')}, got '${v}'`, [...choices], v);
  return v as C;
}

/** A 0/1 flag attribute. */
export function flag(node: Node, name: string, def: 0 | 1): boolean {
  const v = attr.int(node, name, def);
  if (v !== 0 && v !== 1) throw badAttribute(node, name, `must be 0 or 1, got ${v}`, [0, 1], v);
  return v === 1;
}

/** A zero-filled output tensor, refused with ResourceLimitError before allocating when it is too large. */
export function allocOutput<T extends TensorType>(type: T, dims: readonly number[], ctx: OpContext): Tensor<T> {
  const bytes = sizeOf(dims) * bytesPerElement(type);
  if (bytes > MAX_KERNEL_BYTES) {
    throw new ResourceLimitError(
      `${nodeLabel(ctx.node)}: output of [${dims.join(', ')}] ${type} needs ${bytes} bytes, over the ${MAX_KERNEL_BYTES}-byte kernel limit`,
      {
        node: ctx.node.name,
        op: ctx.node.opType,
        dims: [...dims],
        expected: MAX_KERNEL_BYTES,
        got: bytes,
      },
    );
  }
  return new Tensor(type, allocData(type, sizeOf(dims)), dims);
}

/** A symbolic dim for an output whose size depends on a symbolic input dim. */
export function derivedDim(node: Node, output: number, axis: number): Dim {
  return `${node.outputs[output] || node.name}_d${axis}`;
}

/** Product of dims[from, to). */
export function product(dims: readonly number[], from = 0, to = dims.length): number {
  let n = 1;
  for (let i = from; i < to; i++) n *= dims[i];
  return n;
}

/** An axis attribute (or axes value) normalized into [0, rank), or an AttributeError naming it. */
export function axisIn(node: Node, name: string, axis: number, rank: number): number {
  if (!Number.isSafeInteger(axis) || axis < -rank || axis >= Math.max(rank, 1)) {
    throw badAttribute(
      node,
      name,
      `value ${axis} is out of range for rank ${rank}`,
      `[${-rank}, ${Math.max(rank, 1) - 1}]`,
      axis,
    );
  }
  return axis < 0 ? axis + rank : axis;
}
