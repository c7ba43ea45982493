/**
 * Helpers shared by the tensor op definitions: node-named errors, input checks, constant reading,
 * fresh symbolic dims, the allocation limit and generic element access.
 */
import {
  AttributeError,
  GraphError,
  ResourceLimitError,
  ShapeError,
  UnsupportedOpError,
  type ErrorDetails,
} from '../../errors.js';
import { broadcastDims, stridesOf, type Dim } from '../../shape.js';
import { bytesPerElement, elementAsNumber, type Tensor, type TensorType } from '../../tensor.js';
import type { InferInput, OpContext } from '../op.js';

/** "Slice node 'n1'": how every message names its node. */
export function where(ctx: OpContext): string {
  return `${ctx.node.opType} node '${ctx.node.name}'`;
}

function facts(ctx: OpContext, details: ErrorDetails): ErrorDetails {
  return { node: ctx.node.name, op: ctx.node.opType, ...details };
}

export function shapeError(ctx: OpContext, message: string, details: ErrorDetails = {}): ShapeError {
  return new ShapeError(`${where(ctx)}: ${message}`, facts(ctx, details));
}

export function attributeError(
  ctx: OpContext,
  attribute: string,
  message: string,
  details: ErrorDetails = {},
): AttributeError {
  return new AttributeError(
    `${where(ctx)}: attribute '${attribute}' ${message}`,
    facts(ctx, { attribute, ...details }),
  );
}

/** An input of an element type this op does not take: unsupported, as in the nn ops' checkType. */
export function unsupportedType(
  ctx: OpContext,
  input: string,
  expected: readonly TensorType[],
  got: TensorType,
): UnsupportedOpError {
  return new UnsupportedOpError(
    `${where(ctx)}: input '${input}' must be ${expected.join(' or ')}, got ${got}`,
    facts(ctx, { input, expected: [...expected], got }),
  );
}

/** Two inputs that ONNX ties to one type variable disagree: the graph is malformed. */
export function typeMismatch(ctx: OpContext, input: string, expected: string, got: string): GraphError {
  return new GraphError(
    `${where(ctx)}: input '${input}' must have the type ${expected} of the inputs it goes with, got ${got}`,
    facts(ctx, { input, expected, got }),
  );
}

/** Checks the number of inputs given (trailing omitted optional inputs count as absent). */
export function checkInputCount(ctx: OpContext, inputs: readonly unknown[], min: number, max: number): void {
  let n = inputs.length;
  while (n > 0 && inputs[n - 1] === undefined) n--;
  if (n < min || n > max) {
    const expected = min === max ? `${min}` : `${min} to ${max}`;
    // A wrong input count (inputs on Constant, say) is a malformed graph, as in the nn ops' checkArity.
    throw new GraphError(`${where(ctx)}: takes ${expected} inputs, got ${n}`, facts(ctx, { expected, got: n }));
  }
}

/** The input at `index`, which must be present. */
export function required<T>(ctx: OpContext, inputs: readonly (T | undefined)[], index: number, name: string): T {
  const v = inputs[index];
  if (v === undefined)
    throw new GraphError(`${where(ctx)}: input '${name}' (#${index}) is required`, facts(ctx, { input: name }));
  return v;
}

/** Throws unless `t` is one of `types`. */
export function checkType(ctx: OpContext, input: string, got: TensorType, types: readonly TensorType[]): void {
  if (!types.includes(got)) throw unsupportedType(ctx, input, types, got);
}

export const INDEX_TYPES: readonly TensorType[] = ['int32', 'int64'];

/**
 * The values of an integer tensor as numbers. int64 values beyond 2^53 are kept only when `saturate`
 * (Slice's INT64_MAX/INT64_MIN sentinels clamp anyway); otherwise they are refused before any shape math.
 */
export function intValues(ctx: OpContext, t: Tensor, input: string, saturate = false): number[] {
  checkType(ctx, input, t.type, INDEX_TYPES);
  const out = new Array<number>(t.size);
  for (let i = 0; i < t.size; i++) {
    const v = elementAsNumber(t, i);
    if (!Number.isSafeInteger(v)) {
      if (!saturate)
        throw shapeError(ctx, `input '${input}' value ${t.data[i]} is too large`, { input, got: String(t.data[i]) });
      out[i] = v > 0 ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
    } else out[i] = v;
  }
  return out;
}

/** The constant value of an optional integer input at inference time, or undefined when unknown. */
export function constInts(
  ctx: OpContext,
  input: InferInput | undefined,
  name: string,
  saturate = false,
): number[] | undefined {
  return input?.value ? intValues(ctx, input.value, name, saturate) : undefined;
}

/** Fresh symbolic dims for output `output`: named after the node so they are unique and stable. */
export function freshDims(ctx: OpContext, count: number, output = 0): string[] {
  return Array.from({ length: count }, (_, i) => `${ctx.node.name}:${output}:${i}`);
}

/** One fresh dim named after the node, output and axis. */
export function freshDim(ctx: OpContext, axis: number, output = 0): string {
  return `${ctx.node.name}:${output}:${axis}`;
}

/** The largest output a reference kernel allocates (row 46 of the bad-inputs spec). */
export const MAX_OUTPUT_ELEMENTS = 2 ** 31;
export const MAX_OUTPUT_BYTES = 4 * 2 ** 30;

/**
 * Checks output dims before allocating: each a non-negative integer, and the total within the limits.
 * Uses floating products so that a huge shape cannot overflow the check itself.
 */
export function checkOutputSize(ctx: OpContext, dims: readonly number[], type: TensorType): void {
  let n = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0)
      throw shapeError(ctx, `output dim ${d} is not a non-negative integer`, { dims: [...dims] });
    n *= d;
  }
  const bytes = n * bytesPerElement(type);
  if (n > MAX_OUTPUT_ELEMENTS || bytes > MAX_OUTPUT_BYTES) {
    throw new ResourceLimitError(
      `${where(ctx)}: output [${dims.join(', ')}] of ${type} (${n} elements) exceeds the limit of 2^31 elements or 4 GiB`,
      {
        node: ctx.node.name,
        op: ctx.node.opType,
        dims: [...dims],
        expected: `<= ${MAX_OUTPUT_ELEMENTS} elements and <= ${MAX_OUTPUT_BYTES} bytes`,
        got: n,
      },
    );
  }
}

/** Elements of any typed array, read and written generically (bigint for int64). */
export type Elements = { [index: number]: number | bigint; readonly length: number };

export function elements(t: Tensor): Elements {
  return t.data as unknown as Elements;
}

/** Iterates multi-indices of `dims` in row-major order; the callback gets the index array (reused) and the flat position. */
export function forEachIndex(dims: readonly number[], fn: (index: number[], flat: number) => void): void {
  const total = dims.reduce((p, d) => p * d, 1);
  if (total === 0) return;
  const index = new Array<number>(dims.length).fill(0);
  for (let flat = 0; flat < total; flat++) {
    fn(index, flat);
    for (let axis = dims.length - 1; axis >= 0; axis--) {
      if (++index[axis] < dims[axis]) break;
      index[axis] = 0;
    }
  }
}

/** Broadcasts shapes (symbolic dims allowed), naming the node when they do not broadcast. */
export function broadcastOrThrow(ctx: OpContext, ...shapes: readonly (readonly Dim[])[]): Dim[] {
  try {
    return broadcastDims(...shapes);
  } catch {
    throw shapeError(ctx, `input shapes ${shapes.map((s) => `[${s.join(', ')}]`).join(', ')} do not broadcast`, {
      got: shapes.map((s) => [...s]),
    });
  }
}

/** Strides of `dims` aligned right to `outDims`, 0 where the input broadcasts. */
export function broadcastStrides(dims: readonly number[], outDims: readonly number[]): number[] {
  const strides = stridesOf(dims);
  const lead = outDims.length - dims.length;
  return outDims.map((_, i) => (i < lead || dims[i - lead] === 1 ? 0 : strides[i - lead]));
}

/** The flat offset of an output multi-index in an input with `strides` from {@link broadcastStrides}. */
export function offsetOf(index: readonly number[], strides: readonly number[]): number {
  let offset = 0;
  for (let i = 0; i < index.length; i++) offset += index[i] * strides[i];
  return offset;
}
