/**
 * Resize (opsets 10+) and Upsample of the last two axes, nearest or linear. The taps of every output
 * row and column are computed here in float32 steps as onnxruntime does (so nearest picks agree at exact
 * halves), and the kernel only blends the tabled input pixels.
 */
import {
  attr,
  type Node,
  type ResizeCoordinateMode,
  type ResizeNearestMode,
  resizeInputCoordinate,
  resizeNearestIndex,
} from '@lastmile/core';
import { arg, constantNumbers, dimsOf, type GraphView, type Lowered, product } from './steps.js';

const f = Math.fround;

const COORDINATE_MODES: ResizeCoordinateMode[] = ['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric'];
const NEAREST_MODES: ResizeNearestMode[] = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'];

/** The node's modes as written; refuseResize lets only those the kernel runs through. */
interface Settings {
  linear: boolean;
  coordinates: ResizeCoordinateMode;
  nearest: ResizeNearestMode;
}

function settings(node: Node, view: GraphView): Settings {
  const modern = node.opType === 'Resize' && view.opset >= 11;
  return {
    linear: attr.string(node, 'mode', 'nearest') === 'linear',
    coordinates: modern
      ? (attr.string(node, 'coordinate_transformation_mode', 'half_pixel') as ResizeCoordinateMode)
      : 'asymmetric',
    nearest: modern ? (attr.string(node, 'nearest_mode', 'round_prefer_floor') as ResizeNearestMode) : 'simple',
  };
}

/** The constant scales of every axis, or undefined when sizes are given instead (or nothing is constant). */
function givenScales(node: Node, view: GraphView): number[] | undefined {
  if (node.opType === 'Upsample' && view.opset < 9) return attr.floats(node, 'scales');
  const slot = node.opType === 'Resize' && view.opset >= 11 ? 2 : 1;
  const scales = constantNumbers(view, node.inputs[slot]);
  return scales && scales.length > 0 ? scales : undefined;
}

export function refuseResize(node: Node, view: GraphView): string | undefined {
  const s = settings(node, view);
  const mode = attr.string(node, 'mode', 'nearest');
  if (mode !== 'nearest' && mode !== 'linear')
    return `Resize mode '${mode}' does not run on gpu-opencl (nearest and linear do)`;
  if (!(node.opType === 'Upsample' || view.opset < 11) && !COORDINATE_MODES.includes(s.coordinates)) {
    return `Resize coordinate_transformation_mode '${s.coordinates}' does not run on gpu-opencl`;
  }
  if (s.nearest !== 'simple' && !NEAREST_MODES.includes(s.nearest))
    return `Resize nearest_mode '${s.nearest}' does not run on gpu-opencl`;
  if (
    attr.int(node, 'antialias', 0) !== 0 ||
    attr.has(node, 'axes') ||
    attr.string(node, 'keep_aspect_ratio_policy', 'stretch') !== 'stretch'
  ) {
    return 'Resize with antialias, axes or keep_aspect_ratio_policy does not run on gpu-opencl';
  }
  const x = view.valueType(node.inputs[0])?.shape;
  const y = view.valueType(node.outputs[0])?.shape;
  if (!x || !y || x.length < 2 || x.slice(0, -2).some((d, i) => d !== y[i]))
    return 'gpu-opencl resizes only the last two axes';
  const scales = givenScales(node, view);
  if (scales?.slice(0, -2).some((v) => v !== 1)) return 'gpu-opencl resizes only the last two axes';
  if (!scales && node.opType === 'Resize' && view.opset >= 11 && !constantNumbers(view, node.inputs[3]))
    return 'Resize scales or sizes must be constants on gpu-opencl';
  return undefined;
}

/** Two taps (index, weight) per output coordinate of one axis. */
function axisTaps(s: Settings, scale: number, outLen: number, inLen: number): { index: number[]; weight: number[] } {
  const index: number[] = [];
  const weight: number[] = [];
  const last = inLen - 1;
  const clamp = (i: number) => Math.min(Math.max(i, 0), last);
  for (let o = 0; o < outLen; o++) {
    // onnxruntime leaves unscaled axes untouched.
    const x = scale === 1 ? o : resizeInputCoordinate(s.coordinates, o, scale, outLen, inLen);
    if (!s.linear) {
      const i = clamp(resizeNearestIndex(s.nearest, x, scale));
      index.push(i, i);
      weight.push(1, 0);
      continue;
    }
    const v = f(Math.min(Math.max(x, 0), last));
    const x1 = Math.min(Math.trunc(v), last);
    const x2 = Math.min(x1 + 1, last);
    index.push(x1, x2);
    weight.push(x1 === x2 ? 1 : Math.abs(v - x2), x1 === x2 ? 0 : Math.abs(v - x1));
  }
  return { index, weight };
}

export function lowerResize(node: Node, view: GraphView): Lowered {
  const x = dimsOf(view, node.inputs[0], node);
  const y = dimsOf(view, node.outputs[0], node);
  const s = settings(node, view);
  const scales = givenScales(node, view);
  const [h, w, oh, ow] = [x[x.length - 2], x[x.length - 1], y[y.length - 2], y[y.length - 1]];
  const scaleOf = (axis: number, inLen: number, outLen: number) => f(scales ? scales[axis] : outLen / inLen);
  const rows = axisTaps(s, scaleOf(x.length - 2, h, oh), oh, h);
  const cols = axisTaps(s, scaleOf(x.length - 1, w, ow), ow, w);
  const n = product(y);
  const args = [
    arg.value(node.inputs[0]),
    arg.value(node.outputs[0]),
    arg.ints(rows.index),
    arg.floats(rows.weight),
    arg.ints(cols.index),
    arg.floats(cols.weight),
    arg.int(n),
    arg.int(h),
    arg.int(w),
    arg.int(oh),
    arg.int(ow),
  ];
  return { steps: [{ kernel: 'resize2d', args, workItems: n, node }] };
}
