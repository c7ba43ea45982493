/**
 * Conv, lastmile.FusedConv (Conv + activation, made by core's fuseActivations) and ConvTranspose, on
 * NCHW with 1 or 2 spatial axes. Conv picks the depthwise or 1x1 kernel when the node is one.
 */
import { attr, type Node } from '@lastmile/core';
import { type Activation, fusedActivationOf, NO_ACTIVATION } from './activation.js';
import { arg, dimsOf, type GraphView, type Lowered } from './steps.js';
import { forwardWindow, spatial2, transposeWindow, type Window2 } from './window.js';

const spatialRank = (view: GraphView, node: Node) => (view.valueType(node.inputs[0])?.shape?.length ?? 0) - 2;

/** Why a Conv-family node cannot run here. */
export function refuseConv(node: Node, view: GraphView): string | undefined {
  const rank = spatialRank(view, node);
  if (rank !== 1 && rank !== 2)
    return `only 1-D and 2-D convolutions run on gpu-opencl (this one has ${rank} spatial axes)`;
  if (!fusedActivationOf(node, view)) return `activation '${attr.string(node, 'activation', '')}' cannot be fused`;
  return undefined;
}

function geometry(c: number, m: number, group: number, win: Window2): number[] {
  return [
    c,
    ...win.input,
    m,
    ...win.output,
    ...win.kernel,
    ...win.strides,
    ...win.padBegin,
    ...win.dilations,
    c / group,
    m / group,
  ];
}

/**
 * The arguments every conv kernel takes: x, w, bias (zeros when the node has none), y, the packed
 * geometry, the work-item count and the activation.
 */
function convArgs(node: Node, m: number, packedGeometry: number[], workItems: number, activation: Activation) {
  return [
    arg.value(node.inputs[0]),
    arg.value(node.inputs[1]),
    node.inputs[2] ? arg.value(node.inputs[2]) : arg.data(new Float32Array(m)),
    arg.value(node.outputs[0]),
    arg.int16(packedGeometry),
    arg.int(workItems),
    arg.int(activation.act),
    arg.float(activation.p0),
    arg.float(activation.p1),
  ];
}

export function lowerConv(node: Node, view: GraphView): Lowered {
  const x = dimsOf(view, node.inputs[0], node);
  const w = dimsOf(view, node.inputs[1], node);
  const y = dimsOf(view, node.outputs[0], node);
  const rank = x.length - 2;
  const [n, c, m] = [x[0], x[1], w[0]];
  const group = attr.int(node, 'group', 1);
  const kernel = spatial2(w);
  const win = forwardWindow(node, rank, kernel, spatial2(x), spatial2(y));
  const activation = fusedActivationOf(node, view) ?? NO_ACTIVATION;
  const outputs = win.output[0] * win.output[1];
  const pointwise =
    kernel[0] === 1 &&
    kernel[1] === 1 &&
    group === 1 &&
    win.strides.every((s) => s === 1) &&
    [...win.padBegin, ...win.padEnd].every((p) => p === 0);
  const depthwise = group === c && group === m;
  const name = pointwise ? 'conv2d_1x1' : depthwise ? 'conv2d_depthwise' : 'conv2d';
  const workItems = pointwise
    ? n * Math.ceil(m / 4) * outputs
    : depthwise
      ? n * m * outputs
      : n * group * Math.ceil(m / group / 4) * outputs;
  const args = convArgs(node, m, geometry(c, m, group, win), workItems, activation);
  return { steps: [{ kernel: name, args, workItems, node }] };
}

export function lowerConvTranspose(node: Node, view: GraphView): Lowered {
  const x = dimsOf(view, node.inputs[0], node);
  const w = dimsOf(view, node.inputs[1], node);
  const y = dimsOf(view, node.outputs[0], node);
  const rank = x.length - 2;
  const group = attr.int(node, 'group', 1);
  const [n, c, m] = [x[0], x[1], w[1] * group];
  const win = transposeWindow(node, rank, spatial2(w), spatial2(x), spatial2(y));
  const workItems = n * m * win.output[0] * win.output[1];
  const args = convArgs(node, m, geometry(c, m, group, win), workItems, NO_ACTIVATION);
  return { steps: [{ kernel: 'conv_transpose2d', args, workItems, node }] };
}
