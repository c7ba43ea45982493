/**
 * Folds an inference BatchNormalization into the Conv (or ConvTranspose) before it: per output channel c,
 * with s = scale[c] / sqrt(var[c] + epsilon), the weights of c scale by s and the bias becomes
 * (bias[c] - mean[c]) * s + B[c]. A BatchNormalization after anything else stays.
 */
import { attr } from '../ir/attributes.js';
import { isOnnxDomain, type Graph, type Model, type Node } from '../ir/graph.js';
import { validateGraph } from '../ir/validate.js';
import { Tensor } from '../tensor.js';
import { consumersOf, freshName, hasSingleConsumer, producersOf, subgraphReads, valueNames } from './graph-queries.js';

/** Returns the model with each Conv -> BatchNormalization pair merged into one Conv. */
export function foldBatchNorm(model: Model): Model {
  const validated = validateGraph(model);
  const graph = validated.graph;
  const producers = producersOf(graph);
  const consumers = consumersOf(graph);
  const bodyReads = subgraphReads(graph);
  const names = valueNames(graph);
  const initializers = new Map(graph.initializers);
  const replaced = new Map<Node, Node>();
  const removed = new Set<Node>();

  for (const bn of graph.nodes) {
    if (!isOnnxDomain(bn.domain) || bn.opType !== 'BatchNormalization') continue;
    const conv = producers.get(bn.inputs[0]);
    if (!conv || !isOnnxDomain(conv.domain) || (conv.opType !== 'Conv' && conv.opType !== 'ConvTranspose')) continue;
    if (replaced.has(conv) || !hasSingleConsumer(bn.inputs[0], consumers, graph, bodyReads)) continue;
    const folded = foldPair(conv, bn, graph);
    if (!folded) continue;
    const weightName = freshName(names, `${conv.inputs[1]}_bn`);
    const biasName = freshName(names, conv.inputs[2] ? `${conv.inputs[2]}_bn` : `${conv.name}_bias_bn`);
    initializers.set(weightName, folded.weight);
    initializers.set(biasName, folded.bias);
    replaced.set(conv, { ...conv, inputs: [conv.inputs[0], weightName, biasName], outputs: [bn.outputs[0]] });
    removed.add(bn);
  }
  if (removed.size === 0) return validated;

  const nodes = graph.nodes.filter((node) => !removed.has(node)).map((node) => replaced.get(node) ?? node);
  // The old weights may still feed other nodes; dead-node removal drops them when they do not.
  const gone = new Set([...replaced.keys()].map((conv) => conv.outputs[0]));
  const valueInfo = new Map([...graph.valueInfo].filter(([name]) => !gone.has(name)));
  return { ...validated, graph: { ...graph, nodes, initializers, valueInfo } };
}

interface FoldedWeights {
  weight: Tensor<'float32'>;
  bias: Tensor<'float32'>;
}

/** The merged weights, or undefined when the pair is not a plain float32 inference one. */
function foldPair(conv: Node, bn: Node, graph: Graph): FoldedWeights | undefined {
  // Training outputs (running mean/var, saved stats) cannot survive the fold.
  if (!bn.outputs[0] || bn.outputs.slice(1).some((name) => name !== '')) return undefined;
  if (attr.int(bn, 'training_mode', 0) !== 0 || attr.int(bn, 'spatial', 1) !== 1) return undefined;
  const weight = float32Constant(graph, conv.inputs[1]);
  const [scale, beta, mean, variance] = bn.inputs.slice(1, 5).map((name) => float32Constant(graph, name));
  if (!weight || !scale || !beta || !mean || !variance || weight.dims.length < 2 || weight.size === 0) return undefined;
  const biasName = conv.inputs[2] ?? '';
  const bias = biasName === '' ? undefined : float32Constant(graph, biasName);
  if (biasName !== '' && !bias) return undefined;

  const group = attr.int(conv, 'group', 1);
  const transposed = conv.opType === 'ConvTranspose';
  if (group < 1 || (transposed && weight.dims[0] % group !== 0)) return undefined;
  const channels = transposed ? weight.dims[1] * group : weight.dims[0];
  if (!Number.isSafeInteger(channels) || channels <= 0) return undefined;
  if (
    ![scale, beta, mean, variance, bias].every(
      (t) => t === undefined || (t.dims.length === 1 && t.dims[0] === channels),
    )
  )
    return undefined;

  const epsilon = attr.float(bn, 'epsilon', 1e-5);
  const factor = Array.from({ length: channels }, (_, c) => scale.data[c] / Math.sqrt(variance.data[c] + epsilon));
  // An infinite factor (variance + epsilon = 0) would turn zero weights into NaN: the unfolded op gives
  // (x - mean) * Inf, +-Inf as Caffe does (docs/numerics.md).
  if (!factor.every(Number.isFinite)) return undefined;
  const newBias = new Float32Array(channels);
  for (let c = 0; c < channels; c++) newBias[c] = ((bias?.data[c] ?? 0) - mean.data[c]) * factor[c] + beta.data[c];

  const newWeight = new Float32Array(weight.data);
  const kernel = weight.size / (weight.dims[0] * weight.dims[1]);
  // x - x is 0 for a finite x and NaN otherwise: checked inside the loop, which touches every weight anyway.
  let finite = newBias.every(Number.isFinite);
  for (let i = 0; i < weight.dims[0]; i++) {
    for (let j = 0; j < weight.dims[1]; j++) {
      // Conv weights are [M, C/group, k...]; ConvTranspose weights are [C, M/group, k...].
      const channel = transposed ? Math.floor(i / (weight.dims[0] / group)) * weight.dims[1] + j : i;
      const offset = (i * weight.dims[1] + j) * kernel;
      for (let k = 0; k < kernel; k++) {
        newWeight[offset + k] *= factor[channel];
        // Read back: a product past the float32 range is Inf only once stored.
        const v = newWeight[offset + k];
        if (v - v !== 0) finite = false;
      }
    }
  }
  if (!finite) return undefined;
  return { weight: new Tensor('float32', newWeight, weight.dims), bias: new Tensor('float32', newBias, [channels]) };
}

function float32Constant(graph: Graph, name: string | undefined): Tensor<'float32'> | undefined {
  const tensor = name ? graph.initializers.get(name) : undefined;
  return tensor?.type === 'float32' ? (tensor as Tensor<'float32'>) : undefined;
}
