/**
 * Shape and data movement. Reshape, Flatten, Squeeze, Unsqueeze, Identity and Dropout (inference) only
 * reinterpret dims, so their output aliases their input's buffer. Transpose, Slice and Expand are
 * strided copies; Concat and Split copy bands along their axis. A Constant is a weight, uploaded once.
 */
import { attr, normalizeAxis, stridesOf, type Node, type Tensor } from '@lastmile/core';
import { arg, constantNumbers, dimsOf, type GraphView, type KernelStep, type Lowered, product } from './steps.js';

/** Ops whose output is their input with other dims. */
export const ALIAS_OPS = ['Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Identity', 'Dropout'];

export function refuseAlias(node: Node): string | undefined {
  if (node.opType === 'Dropout' && node.outputs.length > 1 && node.outputs[1] !== '')
    return "Dropout's mask output is not computed on gpu-opencl";
  return undefined;
}

export const lowerAlias = (node: Node): Lowered => ({ alias: node.inputs[0] });

/**
 * Core bakes small Constants into initializers when it prepares a plan; larger ones (the conv weights of
 * PP-OCR det and rec are Constant nodes) reach the backend and are uploaded like initializers.
 */
export function refuseConstant(node: Node): string | undefined {
  return attr.tensor(node, 'value')
    ? undefined
    : "gpu-opencl takes Constant only with a tensor 'value' (core folds the other forms)";
}

export const lowerConstant = (node: Node): Lowered => ({ weight: attr.tensor(node, 'value') as Tensor });

function stridedCopy(node: Node, out: readonly number[], strides: readonly number[], base: number): Lowered {
  const n = product(out);
  const args = [
    arg.value(node.inputs[0]),
    arg.value(node.outputs[0]),
    arg.ints([out.length, ...out, ...strides]),
    arg.int(n),
    arg.int(base),
  ];
  return { steps: [{ kernel: 'strided_copy', args, workItems: n, node }] };
}

export function lowerTranspose(node: Node, view: GraphView): Lowered {
  const x = dimsOf(view, node.inputs[0], node);
  const perm = attr.ints(
    node,
    'perm',
    x.map((_, i) => x.length - 1 - i),
  );
  const inStrides = stridesOf(x);
  return stridedCopy(
    node,
    perm.map((p) => x[p]),
    perm.map((p) => inStrides[p]),
    0,
  );
}

export function lowerExpand(node: Node, view: GraphView): Lowered {
  const x = dimsOf(view, node.inputs[0], node);
  const y = dimsOf(view, node.outputs[0], node);
  const aligned = [...new Array<number>(y.length - x.length).fill(1), ...x];
  const strides = stridesOf(aligned).map((s, i) => (aligned[i] === 1 ? 0 : s));
  return stridedCopy(node, y, strides, 0);
}

/** Slice's starts, axes and steps: attributes before opset 10, constant inputs from 10. */
function sliceParams(
  node: Node,
  view: GraphView,
): { starts: number[]; ends: number[]; axes?: number[]; steps?: number[] } | undefined {
  if (view.opset < 10) {
    return {
      starts: attr.ints(node, 'starts'),
      ends: attr.ints(node, 'ends'),
      axes: attr.has(node, 'axes') ? attr.ints(node, 'axes') : undefined,
    };
  }
  const starts = constantNumbers(view, node.inputs[1]);
  const ends = constantNumbers(view, node.inputs[2]);
  const axes = constantNumbers(view, node.inputs[3]);
  const steps = constantNumbers(view, node.inputs[4]);
  if (!starts || !ends || (node.inputs[3] && !axes) || (node.inputs[4] && !steps)) return undefined;
  return { starts, ends, axes, steps };
}

export function refuseSlice(node: Node, view: GraphView): string | undefined {
  return sliceParams(node, view) ? undefined : 'Slice starts, ends, axes and steps must be constants on gpu-opencl';
}

export function lowerSlice(node: Node, view: GraphView): Lowered {
  const x = dimsOf(view, node.inputs[0], node);
  const y = dimsOf(view, node.outputs[0], node);
  const p = sliceParams(node, view) as NonNullable<ReturnType<typeof sliceParams>>;
  const inStrides = stridesOf(x);
  const strides = [...inStrides];
  let base = 0;
  p.starts.forEach((start, k) => {
    const axis = normalizeAxis(p.axes?.[k] ?? k, x.length);
    const step = p.steps?.[k] ?? 1;
    const dim = x[axis];
    // ONNX's clamping of the start: into [0, dim] going forwards, [0, dim - 1] going backwards.
    const s0 = start < 0 ? start + dim : start;
    const first = Math.min(Math.max(s0, 0), step > 0 ? dim : dim - 1);
    base += first * inStrides[axis];
    strides[axis] = inStrides[axis] * step;
  });
  return stridedCopy(node, y, strides, base);
}

function copyBand(
  node: Node,
  input: string,
  output: string,
  dims: {
    outer: number;
    inner: number;
    count: number;
    srcAxis: number;
    srcOffset: number;
    dstAxis: number;
    dstOffset: number;
  },
): KernelStep {
  const n = dims.outer * dims.count * dims.inner;
  const args = [
    arg.value(input),
    arg.value(output),
    arg.int(n),
    arg.int(dims.inner),
    arg.int(dims.count),
    arg.int(dims.srcAxis),
    arg.int(dims.srcOffset),
    arg.int(dims.dstAxis),
    arg.int(dims.dstOffset),
  ];
  return { kernel: 'copy_axis', args, workItems: n, node };
}

export function lowerConcat(node: Node, view: GraphView): Lowered {
  const y = dimsOf(view, node.outputs[0], node);
  const axis = normalizeAxis(attr.int(node, 'axis'), y.length);
  const outer = product(y, 0, axis);
  const inner = product(y, axis + 1);
  let offset = 0;
  const steps: KernelStep[] = [];
  for (const input of node.inputs) {
    const count = dimsOf(view, input, node)[axis];
    if (count > 0)
      steps.push(
        copyBand(node, input, node.outputs[0], {
          outer,
          inner,
          count,
          srcAxis: count,
          srcOffset: 0,
          dstAxis: y[axis],
          dstOffset: offset,
        }),
      );
    offset += count;
  }
  return { steps };
}

export function lowerSplit(node: Node, view: GraphView): Lowered {
  const x = dimsOf(view, node.inputs[0], node);
  const axis = normalizeAxis(attr.int(node, 'axis', 0), x.length);
  const outer = product(x, 0, axis);
  const inner = product(x, axis + 1);
  let offset = 0;
  const steps: KernelStep[] = [];
  for (const output of node.outputs) {
    if (output === '') continue;
    const count = dimsOf(view, output, node)[axis];
    if (count > 0)
      steps.push(
        copyBand(node, node.inputs[0], output, {
          outer,
          inner,
          count,
          srcAxis: x[axis],
          srcOffset: offset,
          dstAxis: count,
          dstOffset: 0,
        }),
      );
    offset += count;
  }
  return { steps };
}
