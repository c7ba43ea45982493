/**
 * Folds the Q/DQ pairs of a QDQ model into quantized ops, as onnxruntime's QDQ fusion does, so the model
 * computes in integers the way its runtimes run it and an int8 device sees int8 ops:
 *   DQ(x), DQ(W), DQ(bias) -> Conv -> Q            becomes QLinearConv
 *   DQ(a), DQ(b) -> MatMul -> Q                    becomes QLinearMatMul
 *   DQ(a), DQ(b) -> Add or Mul -> Q                becomes com.microsoft.QLinearAdd or QLinearMul
 *   DQ(x) -> Sigmoid or LeakyRelu -> Q             becomes com.microsoft.QLinearSigmoid or QLinearLeakyRelu
 *   DQ(x) -> GlobalAveragePool -> Q                becomes com.microsoft.QLinearGlobalAveragePool
 * Activation parameters must be constant scalars, weights constant, the bias int32 at scale x x W's.
 * The DequantizeLinear nodes stay for their other readers; those left unread are dead code. Pairs around
 * Relu, MaxPool and reshapes are left as written: their float path gives the same integers.
 */
import { type Model, type Node, opsetOf } from '../ir/graph.js';
import { validateGraph } from '../ir/validate.js';
import { MICROSOFT_DOMAIN } from '../ops/nn/quantize-contrib.js';
import type { Tensor } from '../tensor.js';
import { consumersOf, producersOf, subgraphReads } from './graph-queries.js';

/** A DequantizeLinear whose parameters are constants: what it reads, and the integer type it reads. */
interface Dequantized {
  x: string;
  scale: string;
  zeroPoint: string;
  type: string;
  node: Node;
}

const EIGHT_BIT = new Set(['int8', 'uint8']);
/** Unary ops onnxruntime runs on 8-bit data through a lookup table. */
const LOOKUP_OPS = new Set(['Sigmoid', 'LeakyRelu']);

/** True when every scale is a positive finite float: a folded op must not lose DequantizeLinear's check. */
const validScales = (t: Tensor | undefined) =>
  t !== undefined && (t.data as Float32Array).every((s) => s > 0 && Number.isFinite(s));

export function foldQdq(model: Model): Model {
  const validated = validateGraph(model);
  const g = validated.graph;
  if (opsetOf(validated) < 10) return validated;
  const producers = producersOf(g);
  const consumers = consumersOf(g);
  const bodyReads = subgraphReads(g);
  const outputs = new Set(g.outputs.map((o) => o.name));
  const constant = (name: string | undefined): Tensor | undefined => (name ? g.initializers.get(name) : undefined);
  const scalar = (name: string | undefined) => constant(name)?.size === 1;

  /** The DequantizeLinear producing `value`, when its scale and zero point are constants. */
  const dequantized = (value: string | undefined, perTensor = true): Dequantized | undefined => {
    const dq = value ? producers.get(value) : undefined;
    if (dq?.opType !== 'DequantizeLinear' || dq.domain !== '') return undefined;
    const [x, scale, zeroPoint] = dq.inputs;
    const zp = constant(zeroPoint);
    if (!validScales(constant(scale)) || !zp || (perTensor && !(scalar(scale) && scalar(zeroPoint)))) return undefined;
    return { x, scale, zeroPoint, type: zp.type, node: dq };
  };
  /** The one QuantizeLinear reading `value` (and nothing else reads it), with constant scalar parameters. */
  const quantizedBy = (value: string): Node | undefined => {
    const readers = consumers.get(value) ?? [];
    const q = readers[0];
    if (readers.length !== 1 || outputs.has(value) || bodyReads.has(value)) return undefined;
    if (q.opType !== 'QuantizeLinear' || q.domain !== '' || !scalar(q.inputs[1]) || !scalar(q.inputs[2]))
      return undefined;
    if (!validScales(constant(q.inputs[1]))) return undefined;
    return q;
  };

  const replaced = new Map<Node, Node>();
  const removed = new Set<Node>();
  let contrib = false;
  for (const node of g.nodes) {
    if (node.domain !== '' || node.outputs.length !== 1) continue;
    const q = quantizedBy(node.outputs[0]);
    if (!q) continue;
    const [, yScale, yZeroPoint] = q.inputs;
    const output = q.outputs[0];
    const outType = constant(yZeroPoint)?.type as string;
    let folded: Node | undefined;
    if (node.opType === 'Conv') folded = qlinearConv(node, dequantized, constant, yScale, yZeroPoint, output);
    else if (node.opType === 'Add' || node.opType === 'Mul') {
      const [a, b] = node.inputs.map((v) => dequantized(v));
      // QLinearAdd and QLinearMul read and write one 8-bit type.
      if (a && b && EIGHT_BIT.has(a.type) && a.type === b.type && b.type === outType)
        folded = {
          ...node,
          opType: `QLinear${node.opType}`,
          domain: MICROSOFT_DOMAIN,
          inputs: [a.x, a.scale, a.zeroPoint, b.x, b.scale, b.zeroPoint, yScale, yZeroPoint],
          outputs: [output],
        };
    } else if (node.opType === 'MatMul') {
      const [a, b] = node.inputs.map((v) => dequantized(v));
      if (a && b && EIGHT_BIT.has(a.type) && EIGHT_BIT.has(b.type))
        folded = {
          ...node,
          opType: 'QLinearMatMul',
          inputs: [a.x, a.scale, a.zeroPoint, b.x, b.scale, b.zeroPoint, yScale, yZeroPoint],
          outputs: [output],
        };
    } else if (LOOKUP_OPS.has(node.opType) || node.opType === 'GlobalAveragePool') {
      const x = dequantized(node.inputs[0]);
      if (x && EIGHT_BIT.has(x.type) && x.type === outType)
        folded = {
          ...node,
          opType: `QLinear${node.opType}`,
          domain: MICROSOFT_DOMAIN,
          inputs: [x.x, x.scale, x.zeroPoint, yScale, yZeroPoint],
          outputs: [output],
          attributes: node.opType === 'LeakyRelu' ? node.attributes : new Map(),
        };
    }
    if (!folded) continue;
    contrib ||= folded.domain === MICROSOFT_DOMAIN;
    replaced.set(node, folded);
    removed.add(q);
  }
  if (replaced.size === 0) return validated;
  const nodes = g.nodes.filter((n) => !removed.has(n)).map((n) => replaced.get(n) ?? n);
  const opsets = new Map(validated.opsets);
  if (contrib && !opsets.has(MICROSOFT_DOMAIN)) opsets.set(MICROSOFT_DOMAIN, 1);
  return validateGraph({ ...validated, opsets, graph: { ...g, nodes } });
}

/**
 * DQ(x), DQ(W), DQ(bias) -> Conv as QLinearConv writing `output`, when W is a constant 8-bit tensor and
 * the bias a constant int32 at scale x_scale x W's scale with zero point 0 (the only bias QLinearConv
 * takes).
 */
function qlinearConv(
  conv: Node,
  dequantized: (value: string | undefined, perTensor?: boolean) => Dequantized | undefined,
  constant: (name: string | undefined) => Tensor | undefined,
  yScale: string,
  yZeroPoint: string,
  output: string,
): Node | undefined {
  const [xv, wv, bv] = conv.inputs;
  const x = dequantized(xv);
  const w = dequantized(wv, false);
  const weights = constant(w?.x);
  if (!x || !w || !weights || !EIGHT_BIT.has(x.type) || !EIGHT_BIT.has(w.type)) return undefined;
  if (!perOutputChannel(w, weights, constant(w.scale) as Tensor)) return undefined;
  const inputs = [x.x, x.scale, x.zeroPoint, w.x, w.scale, w.zeroPoint, yScale, yZeroPoint];
  if (bv) {
    const b = dequantized(bv, false);
    const bias = constant(b?.x);
    if (!b || bias?.type !== 'int32' || !biasScaleMatches(constant(b.scale), constant(x.scale), constant(w.scale)))
      return undefined;
    const zeroPoints = constant(b.zeroPoint)?.data as Int32Array | undefined;
    if (zeroPoints?.some((z) => z !== 0) !== false) return undefined;
    inputs.push(b.x);
  }
  return { ...conv, opType: 'QLinearConv', inputs, outputs: [output] };
}

/** W's DequantizeLinear applies one scale, or one per output channel (axis 0), not blocks. */
function perOutputChannel(w: Dequantized, weights: Tensor, scale: Tensor): boolean {
  if (w.node.attributes.has('block_size')) return false;
  if (scale.size === 1) return true;
  const axis = w.node.attributes.get('axis');
  const a = axis?.type === 'int' ? axis.value : 1;
  return (a === 0 || a === -weights.dims.length) && scale.size === weights.dims[0];
}

/** True when every bias scale is x's scale times W's (per channel), in float32. */
function biasScaleMatches(bias: Tensor | undefined, x: Tensor | undefined, w: Tensor | undefined): boolean {
  if (!bias || !x || !w) return false;
  const xs = (x.data as Float32Array)[0];
  const ws = w.data as Float32Array;
  const bs = bias.data as Float32Array;
  if (bs.length !== ws.length) return false;
  return bs.every((s, c) => s === Math.fround(ws[c] * xs));
}
