/**
 * Lowers a partition's nodes to kernel calls, fusing what epilogues absorb. A fused group runs where
 * its last node stood, so every value it reads (a residual computed late) is ready.
 */
import type { Node } from '@lastmile/core';
import { NO_ACTIVATION, type Activation } from '../kernels/activation.js';
import { activationOfNode, fusedConvActivation } from './activation-of.js';
import { batchNormAffine, followingActivation, matchHardSwish, perChannel, soleConsumer } from './fusion.js';
import type { GraphInfo } from './graph-info.js';
import { type ConvEpilogue, isDepthwise, isLowerableConv, lowerConv } from './lower-conv.js';
import { isLowerableBinary, lowerBinary, lowerUnary } from './lower-elementwise.js';
import { isLowerableGemm, lowerGemm } from './lower-gemm.js';
import { lowerHost } from './lower-host.js';
import { isAliasReshape, isLowerableConcat, lowerAlias, lowerConcat } from './lower-movement.js';
import { isLowerableConvTranspose, lowerConvTranspose } from './lower-conv-transpose.js';
import { isLowerablePool, lowerPool } from './lower-pool.js';
import { isLowerableResize, lowerResize } from './lower-resize.js';
import { isLowerableInterpolate, lowerInterpolate } from './lower-interpolate.js';
import { isLowerableSoftmax, lowerSoftmax } from './lower-softmax.js';
import { isLowerableStrided, lowerStrided } from './lower-strided.js';
import { isLowerableMatMul, lowerMatMul } from './lower-matmul.js';
import { isLowerableReduce, lowerReduce } from './lower-reduce.js';
import type { LoweredOp } from './program.js';

const isOnnx = (n: Node) => n.domain === '' || n.domain === 'ai.onnx';

/** The lowered ops of the partition, in run order. */
export function lowerGraph(g: GraphInfo): LoweredOp[] {
  const nodes = g.model.graph.nodes;
  const position = new Map(nodes.map((n, i) => [n, i]));
  const absorbed = new Set<Node>();
  const placed: { at: number; op: LoweredOp }[] = [];
  const place = (op: LoweredOp, group: readonly Node[]) => {
    for (const n of group) absorbed.add(n);
    placed.push({ at: Math.max(...group.map((n) => position.get(n) ?? 0)), op });
  };

  for (const node of nodes) {
    if (absorbed.has(node)) continue;
    const lowered = lowerNode(node, g, absorbed);
    place(lowered.op, lowered.group);
  }
  return placed.sort((a, b) => a.at - b.at).map((p) => p.op);
}

function lowerNode(node: Node, g: GraphInfo, absorbed: ReadonlySet<Node>): { op: LoweredOp; group: Node[] } {
  const single = (op: LoweredOp) => ({ op, group: [node] });
  if (isAliasReshape(node, g)) return single(lowerAlias(node));
  if (
    ((isOnnx(node) && node.opType === 'Conv') || (node.domain === 'lastmile' && node.opType === 'FusedConv')) &&
    isLowerableConv(node, g)
  ) {
    const fixed = node.opType === 'FusedConv' ? fusedConvActivation(node, g) : NO_ACTIVATION;
    if (fixed) {
      const { epilogue, group } = convEpilogue(node, g, fixed, absorbed);
      return { op: lowerConv(node, g, epilogue), group };
    }
  }
  if (!isOnnx(node)) return single(lowerHost(node, g));
  if (isLowerableConvTranspose(node, g)) {
    const { epilogue, group } = convEpilogue(node, g, NO_ACTIVATION, absorbed);
    return { op: lowerConvTranspose(node, g, epilogue), group };
  }
  if (isLowerableResize(node, g)) return single(lowerResize(node, g));
  if (isLowerableInterpolate(node, g)) return single(lowerInterpolate(node, g));
  if (isLowerableSoftmax(node, g)) return single(lowerSoftmax(node, g));
  if ((node.opType === 'Gemm' || node.opType === 'MatMul') && isLowerableGemm(node, g)) {
    const next = followingActivation(g, node.outputs[0]);
    if (next)
      return {
        op: lowerGemm(node, g, next.activation, next.node.outputs[0], [node.name, next.node.name]),
        group: [node, next.node],
      };
    return single(lowerGemm(node, g));
  }
  if (isLowerablePool(node, g)) return single(lowerPool(node, g));
  if (isLowerableConcat(node, g)) return single(lowerConcat(node, g));
  if (node.opType === 'Add') {
    const hardSwish = matchHardSwish(g, node.inputs[0]);
    if (hardSwish && hardSwish.nodes[0] === node) {
      const [x] = node.inputs;
      const op = lowerUnary({ ...node, inputs: [x], outputs: [hardSwish.output] }, g, { kind: 'hardswish' });
      return {
        op: { ...op, name: hardSwish.nodes.map((n) => n.name).join('+'), op: 'HardSwish' },
        group: hardSwish.nodes,
      };
    }
  }
  if (isLowerableBinary(node, g)) {
    const next = followingActivation(g, node.outputs[0]);
    if (next)
      return {
        op: lowerBinary(node, g, next.activation, next.node.outputs[0], [node.name, next.node.name]),
        group: [node, next.node],
      };
    return single(lowerBinary(node, g));
  }
  const activation = activationOfNode(node, g);
  if (
    activation &&
    g.has(node.outputs[0]) &&
    g.value(node.outputs[0]).type === 'float32' &&
    g.value(node.outputs[0]).size > 0 &&
    g.has(node.inputs[0])
  ) {
    return single(lowerUnary(node, g, activation));
  }
  if (isLowerableStrided(node, g)) return single(lowerStrided(node, g));
  if (isLowerableReduce(node, g)) return single(lowerReduce(node, g));
  if (isLowerableMatMul(node, g)) return single(lowerMatMul(node, g));
  return single(lowerHost(node, g));
}

/** Follows a convolution's output through what its epilogue can absorb. */
function convEpilogue(
  conv: Node,
  g: GraphInfo,
  fixed: Activation,
  absorbed: ReadonlySet<Node>,
): { epilogue: ConvEpilogue; group: Node[] } {
  const M = g.value(conv.outputs[0]).dims[1];
  // The depthwise and transposed kernels take no residual.
  const residualAllowed = conv.opType !== 'ConvTranspose' && !isDepthwise(conv, g);
  const group = [conv];
  const epilogue: ConvEpilogue = { activation: fixed, output: conv.outputs[0], names: [conv.name] };
  const take = (n: Node, output = n.outputs[0]) => {
    group.push(n);
    epilogue.names.push(n.name);
    epilogue.output = output;
  };
  for (;;) {
    const out = epilogue.output;
    const next = soleConsumer(g, out);
    const open = epilogue.activation.kind === 'none' && epilogue.residual === undefined;
    if (open) {
      const hardSwish = matchHardSwish(g, out);
      if (hardSwish) {
        for (const n of hardSwish.nodes.slice(0, -1)) group.push(n);
        take(hardSwish.nodes[hardSwish.nodes.length - 1], hardSwish.output);
        epilogue.activation = { kind: 'hardswish' };
        continue;
      }
    }
    if (!next || absorbed.has(next) || !isOnnx(next) || next.outputs.length !== 1) break;
    const other = next.inputs.length === 2 ? next.inputs[next.inputs[0] === out ? 1 : 0] : undefined;
    const channelConstant = other !== undefined ? perChannel(g, other, M) : undefined;
    if (
      open &&
      !epilogue.residual &&
      channelConstant &&
      (next.opType === 'Mul' ||
        next.opType === 'Add' ||
        ((next.opType === 'Sub' || next.opType === 'Div') && next.inputs[0] === out))
    ) {
      const scale = epilogue.scale ?? new Float32Array(M).fill(1);
      const shift = epilogue.shift ?? new Float32Array(M);
      for (let m = 0; m < M; m++) {
        const c = channelConstant[m];
        if (next.opType === 'Mul') [scale[m], shift[m]] = [scale[m] * c, shift[m] * c];
        else if (next.opType === 'Div') [scale[m], shift[m]] = [scale[m] / c, shift[m] / c];
        else shift[m] += next.opType === 'Add' ? c : -c;
      }
      epilogue.scale = scale;
      epilogue.shift = shift;
      take(next);
      continue;
    }
    const bn = open && next.opType === 'BatchNormalization' ? batchNormAffine(next, g, M) : undefined;
    if (bn) {
      const scale = epilogue.scale ?? new Float32Array(M).fill(1);
      const shift = epilogue.shift ?? new Float32Array(M);
      for (let m = 0; m < M; m++) [scale[m], shift[m]] = [scale[m] * bn.scale[m], shift[m] * bn.scale[m] + bn.shift[m]];
      epilogue.scale = scale;
      epilogue.shift = shift;
      take(next);
      continue;
    }
    if (
      open &&
      residualAllowed &&
      next.opType === 'Add' &&
      other !== undefined &&
      other !== out &&
      !g.constant(other) &&
      g.has(other)
    ) {
      const [r, o] = [g.value(other), g.value(out)];
      if (r.layout === o.layout && r.dims.join() === o.dims.join() && r.type === 'float32') {
        epilogue.residual = other;
        take(next);
        continue;
      }
    }
    const activation = epilogue.activation.kind === 'none' ? activationOfNode(next, g) : undefined;
    if (activation) {
      epilogue.activation = activation;
      take(next);
      continue;
    }
    break;
  }
  return { epilogue, group };
}
