/**
 * The sliding-window geometry Conv, ConvTranspose and the pools share: kernel, strides, dilations, pads and
 * auto_pad read and checked once, and the output size and padding per spatial axis.
 */
import { ShapeError } from '../../errors.js';
import { attr } from '../../ir/attributes.js';
import type { Node } from '../../ir/graph.js';
import type { Dim } from '../../shape.js';
import { badAttribute, derivedDim, nodeLabel, flag, intsInRange, stringChoice } from './common.js';

export type AutoPad = 'NOTSET' | 'SAME_UPPER' | 'SAME_LOWER' | 'VALID';
const AUTO_PADS: readonly AutoPad[] = ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'];

/** The window attributes of a node with `rank` spatial axes. */
export interface Window {
  rank: number;
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** Explicit pads, begins then ends (all 0 unless auto_pad is NOTSET). */
  pads: number[];
  autoPad: AutoPad;
  ceilMode: boolean;
}

/** Which window attributes an op defines. */
export interface WindowOptions {
  /** The kernel given by the weights (Conv); pools take it from kernel_shape. */
  weightKernel?: readonly Dim[];
  /** Whether the op has a ceil_mode attribute at this opset. */
  ceilMode?: boolean;
  /** Whether the op has a dilations attribute at this opset. */
  dilations?: boolean;
}

/** Reads and checks the window attributes: positive strides/dilations/kernel, non-negative pads, sane sizes. */
export function readWindow(node: Node, rank: number, options: WindowOptions = {}): Window {
  if (rank < 1 || rank > 3) {
    throw new ShapeError(`${nodeLabel(node)}: takes 1 to 3 spatial axes, got ${rank}`, {
      node: node.name,
      op: node.opType,
      expected: '1..3',
      got: rank,
    });
  }
  const ones = new Array<number>(rank).fill(1);
  let kernel: number[];
  if (attr.has(node, 'kernel_shape')) {
    kernel = intsInRange(node, 'kernel_shape', [], rank, 1);
    const w = options.weightKernel;
    if (w?.some((d, i) => typeof d === 'number' && d !== kernel[i])) {
      throw badAttribute(
        node,
        'kernel_shape',
        `[${kernel.join(', ')}] does not match the weights' [${w.join(', ')}]`,
        [...w],
        kernel,
      );
    }
  } else if (options.weightKernel) {
    const w = options.weightKernel;
    if (!w.every((d): d is number => typeof d === 'number')) {
      throw new ShapeError(
        `${nodeLabel(node)}: the kernel size must be known, got weights' spatial dims [${w.join(', ')}]`,
        { node: node.name, op: node.opType, got: [...w] },
      );
    }
    kernel = [...w];
  } else {
    kernel = intsInRange(node, 'kernel_shape', [], rank, 1);
  }
  const strides = intsInRange(node, 'strides', ones, rank, 1);
  const dilations = options.dilations === false ? ones : intsInRange(node, 'dilations', ones, rank, 1);
  const autoPad = stringChoice(node, 'auto_pad', 'NOTSET', AUTO_PADS);
  const explicit = intsInRange(node, 'pads', new Array<number>(2 * rank).fill(0), 2 * rank, 0);
  const pads = autoPad === 'NOTSET' ? explicit : new Array<number>(2 * rank).fill(0);
  const ceilMode = options.ceilMode ? flag(node, 'ceil_mode', 0) : false;
  return { rank, kernel, strides, dilations, pads, autoPad, ceilMode };
}

/** One spatial axis of a windowed op: output size and the padding actually applied. */
export interface AxisWindow {
  out: number;
  padBegin: number;
  padEnd: number;
}

/** The span of a dilated kernel. */
export function dilatedKernel(w: Window, i: number): number {
  return (w.kernel[i] - 1) * w.dilations[i] + 1;
}

/** Output size and pads of axis `i` for an input of `size` (a ShapeError when the kernel does not fit). */
export function windowAxis(node: Node, w: Window, i: number, size: number): AxisWindow {
  const s = w.strides[i];
  const dk = dilatedKernel(w, i);
  if (w.autoPad === 'SAME_UPPER' || w.autoPad === 'SAME_LOWER') {
    const out = Math.ceil(size / s);
    const need = Math.max(0, (out - 1) * s + dk - size);
    const padBegin = w.autoPad === 'SAME_UPPER' ? Math.floor(need / 2) : Math.ceil(need / 2);
    return { out, padBegin, padEnd: need - padBegin };
  }
  const padBegin = w.pads[i];
  const padEnd = w.pads[i + w.rank];
  const span = size + padBegin + padEnd - dk;
  if (span < 0) {
    throw new ShapeError(
      `${nodeLabel(node)}: kernel span ${dk} on spatial axis ${i} is larger than the padded input ${size + padBegin + padEnd}`,
      {
        node: node.name,
        op: node.opType,
        axis: i,
        expected: `<= ${size + padBegin + padEnd}`,
        got: dk,
      },
    );
  }
  let out = Math.floor(span / s) + 1;
  if (w.ceilMode) {
    out = Math.ceil(span / s) + 1;
    // The last window must start inside the input or its begin padding.
    if ((out - 1) * s >= size + padBegin) out--;
  }
  return { out, padBegin, padEnd };
}

/** Output dims of the spatial axes, symbolic where an input dim is. */
export function windowOutputDims(node: Node, w: Window, spatial: readonly Dim[], output = 0, firstAxis = 2): Dim[] {
  return spatial.map((d, i) => {
    if (typeof d === 'number') return windowAxis(node, w, i, d).out;
    // SAME with stride 1 keeps the size, whatever it is.
    if (w.autoPad.startsWith('SAME') && w.strides[i] === 1) return d;
    return derivedDim(node, output, firstAxis + i);
  });
}

/** A window on exactly 3 spatial axes: 1-D and 2-D problems gain leading unit axes, so one kernel serves all. */
export interface Geometry3 {
  inSize: [number, number, number];
  outSize: [number, number, number];
  kernel: [number, number, number];
  strides: [number, number, number];
  dilations: [number, number, number];
  padBegin: [number, number, number];
  padEnd: [number, number, number];
}

/** Elements in one input plane, one output plane and one kernel of a 3-axis geometry. */
export function planeSizes(g: Geometry3): { inPlane: number; outPlane: number; kSize: number } {
  const product = (v: readonly number[]) => v[0] * v[1] * v[2];
  return { inPlane: product(g.inSize), outPlane: product(g.outSize), kSize: product(g.kernel) };
}

/** The 3-axis geometry of `w` applied to input spatial dims `spatial`. */
export function geometry3(node: Node, w: Window, spatial: readonly number[]): Geometry3 {
  return geometry3Of(
    w,
    spatial,
    spatial.map((d, i) => windowAxis(node, w, i, d)),
  );
}

/** The 3-axis geometry of `w` on input spatial dims `spatial`, given each axis' output size and pads. */
export function geometry3Of(w: Window, spatial: readonly number[], axes: readonly AxisWindow[]): Geometry3 {
  const lead = 3 - w.rank;
  const pad3 = (values: readonly number[], fill: number) =>
    [...new Array<number>(lead).fill(fill), ...values] as [number, number, number];
  return {
    inSize: pad3(spatial, 1),
    outSize: pad3(
      axes.map((a) => a.out),
      1,
    ),
    kernel: pad3(w.kernel, 1),
    strides: pad3(w.strides, 1),
    dilations: pad3(w.dilations, 1),
    padBegin: pad3(
      axes.map((a) => a.padBegin),
      0,
    ),
    padEnd: pad3(
      axes.map((a) => a.padEnd),
      0,
    ),
  };
}

/**
 * For each kernel column kw, the range [lo, hi) of positions p in [0, count) whose partner column
 * p * stride - pad + kw * dilation lies in [0, limit): the inner loops of the convolutions then need no bounds test.
 */
export function columnRanges(
  kernel: number,
  count: number,
  limit: number,
  stride: number,
  pad: number,
  dilation: number,
): { lo: Int32Array; hi: Int32Array } {
  const lo = new Int32Array(kernel);
  const hi = new Int32Array(kernel);
  for (let k = 0; k < kernel; k++) {
    let l = 0;
    while (l < count && l * stride - pad + k * dilation < 0) l++;
    let h = count;
    while (h > l && (h - 1) * stride - pad + k * dilation >= limit) h--;
    lo[k] = l;
    hi[k] = h;
  }
  return { lo, hi };
}
