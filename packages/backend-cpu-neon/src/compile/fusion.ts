/**
 * Pattern matching for what kernel epilogues absorb: per-channel affine after a convolution (folded into
 * its weights), a residual Add, an activation, and HardSwish written out as x * Clip(x + 3, 0, 6) / 6
 * (how Paddle exports it).
 */
import { attr, type Node, toNumbers } from '@lastmile/core';
import type { Activation } from '../kernels/activation.js';
import { activationOfNode } from './activation-of.js';
import type { GraphInfo } from './graph-info.js';

const isOnnx = (n: Node) => n.domain === '' || n.domain === 'ai.onnx';

/** The value of a one-element float constant, or undefined. */
function scalarOf(g: GraphInfo, name: string): number | undefined {
  const t = g.constant(name);
  return t && t.size === 1 && t.type === 'float32' ? toNumbers(t)[0] : undefined;
}

/** The single consumer of `value` when no one else (and no partition output) sees it. */
export function soleConsumer(g: GraphInfo, value: string): Node | undefined {
  return g.isPrivate(value) ? g.consumers(value)[0] : undefined;
}

/** An activation node consuming `value` alone, with its activation. */
export function followingActivation(g: GraphInfo, value: string): { node: Node; activation: Activation } | undefined {
  const node = soleConsumer(g, value);
  const activation =
    node && node.outputs.length === 1 && g.has(node.outputs[0]) ? activationOfNode(node, g) : undefined;
  return node && activation ? { node, activation } : undefined;
}

/**
 * x -> Add(x, 3) -> Clip(0, 6) -> Mul(x, .) -> Div(., 6), with the Div (or a Mul by 1/6) before or
 * after the Mul by x: the nodes in order and the final output.
 */
export function matchHardSwish(g: GraphInfo, x: string): { nodes: Node[]; output: string } | undefined {
  if (g.outputs.has(x)) return undefined;
  const users = g.consumers(x);
  if (users.length !== 2) return undefined;
  const add = users.find(
    (n) =>
      n.opType === 'Add' &&
      isOnnx(n) &&
      n.inputs.length === 2 &&
      n.inputs.includes(x) &&
      scalarOf(g, n.inputs[n.inputs[0] === x ? 1 : 0]) === 3,
  );
  if (!add) return undefined;
  const clip = soleConsumer(g, add.outputs[0]);
  const act = clip ? activationOfNode(clip, g) : undefined;
  if (clip?.opType !== 'Clip' || act?.kind !== 'clip' || act.min !== 0 || act.max !== 6) return undefined;
  const nodes = [add, clip];
  let value = clip.outputs[0];
  let multiplied = false;
  let divided = false;
  while (!(multiplied && divided)) {
    const next = soleConsumer(g, value);
    if (!next || !isOnnx(next) || next.inputs.length !== 2) return undefined;
    const other = next.inputs[next.inputs[0] === value ? 1 : 0];
    if (!multiplied && next.opType === 'Mul' && other === x) multiplied = true;
    else if (!divided && next.opType === 'Div' && next.inputs[0] === value && scalarOf(g, other) === 6) divided = true;
    else if (!divided && next.opType === 'Mul' && Math.abs((scalarOf(g, other) ?? 0) - 1 / 6) < 1e-7) divided = true;
    else return undefined;
    nodes.push(next);
    value = next.outputs[0];
  }
  // The Mul by x is the second user of x.
  if (!users.every((u) => nodes.includes(u))) return undefined;
  return { nodes, output: value };
}

/**
 * A per-channel constant for an output of dims [N, M, H, W]: its M values (a scalar repeats), or
 * undefined when it varies along another axis.
 */
export function perChannel(g: GraphInfo, name: string, M: number): Float32Array | undefined {
  const t = g.constant(name);
  if (t?.type !== 'float32' || t.dims.length > 4) return undefined;
  const dims = [...new Array<number>(4 - t.dims.length).fill(1), ...t.dims];
  if (dims[0] !== 1 || dims[2] !== 1 || dims[3] !== 1 || (dims[1] !== 1 && dims[1] !== M)) return undefined;
  const data = t.data as Float32Array;
  return Float32Array.from({ length: M }, (_, m) => data[dims[1] === 1 ? 0 : m]);
}

/** Inference-mode BatchNormalization with constant parameters as y = x * scale + shift per channel. */
export function batchNormAffine(
  node: Node,
  g: GraphInfo,
  M: number,
): { scale: Float32Array; shift: Float32Array } | undefined {
  if (node.outputs.filter((o) => o !== '').length !== 1 || attr.int(node, 'training_mode', 0) !== 0) return undefined;
  const params = node.inputs.slice(1, 5).map((name) => g.constant(name));
  if (params.length !== 4 || params.some((t) => t?.type !== 'float32' || t.size !== M)) return undefined;
  const [gamma, beta, mean, variance] = params.map((t) => t?.data as Float32Array);
  const epsilon = attr.float(node, 'epsilon', 1e-5);
  const scale = Float32Array.from({ length: M }, (_, m) => gamma[m] / Math.sqrt(variance[m] + epsilon));
  const shift = Float32Array.from({ length: M }, (_, m) => beta[m] - mean[m] * scale[m]);
  return { scale, shift };
}
