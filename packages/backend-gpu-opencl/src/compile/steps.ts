/**
 * What lowering a node produces: kernel launches whose arguments name graph values or carry constants
 * (uploaded once at compile), or an alias when the node only reinterprets its input's dims.
 */
import { BackendError, type Node, type SupportContext, type Tensor } from '@lastmile/core';

export type KernelArg =
  /** A tensor of the graph: an activation (planned buffer) or an initializer (uploaded weight). */
  | { kind: 'value'; name: string }
  /** Constant elements in the storage precision (bias, BatchNormalization scale). */
  | { kind: 'data'; data: Float32Array }
  /** An int metadata buffer (dims and strides). */
  | { kind: 'ints'; data: Int32Array }
  /** A float32 table whatever the storage precision (resize weights). */
  | { kind: 'floats'; data: Float32Array }
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  /** An OpenCL int16 vector: 16 ints in one argument. */
  | { kind: 'int16'; values: number[] };

/** One kernel launch over `workItems` work-items. */
export interface KernelStep {
  kernel: string;
  args: KernelArg[];
  workItems: number;
  node: Node;
}

/** A node lowered to launches, to an alias of its first input, or to a weight (a Constant's value). */
export type Lowered = { steps: KernelStep[] } | { alias: string } | { weight: Tensor };

/** What lowering and capability checks read about the graph: SupportContext's lookups. */
export type GraphView = SupportContext;

/** Argument constructors. */
export const arg = {
  value: (name: string): KernelArg => ({ kind: 'value', name }),
  data: (data: Float32Array): KernelArg => ({ kind: 'data', data }),
  ints: (values: readonly number[]): KernelArg => ({ kind: 'ints', data: Int32Array.from(values) }),
  floats: (values: readonly number[]): KernelArg => ({ kind: 'floats', data: Float32Array.from(values) }),
  int: (value: number): KernelArg => ({ kind: 'int', value }),
  float: (value: number): KernelArg => ({ kind: 'float', value }),
  int16: (values: readonly number[]): KernelArg => ({
    kind: 'int16',
    values: [...values, ...new Array<number>(16 - values.length).fill(0)],
  }),
};

/** The static dims of a value; a BackendError when shape inference left them unknown. */
export function dimsOf(view: GraphView, name: string, node: Node): number[] {
  const shape = view.valueType(name)?.shape;
  if (!shape?.every((d): d is number => typeof d === 'number')) {
    throw new BackendError(`gpu-opencl needs static dims for '${name}' (input of ${node.opType} node '${node.name}')`, {
      backend: 'gpu-opencl',
      node: node.name,
      value: name,
      got: shape,
    });
  }
  return shape;
}

/** A constant input's values as numbers, or undefined when the input is absent or computed. */
export function constantNumbers(view: GraphView, name: string | undefined): number[] | undefined {
  if (name === undefined || name === '') return undefined;
  const t: Tensor | undefined = view.constant(name);
  if (!t) return undefined;
  return Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
}

/** Product of dims[from, to). */
export function product(dims: readonly number[], from = 0, to = dims.length): number {
  let n = 1;
  for (let i = from; i < to; i++) n *= dims[i];
  return n;
}
