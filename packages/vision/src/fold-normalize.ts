/**
 * Folding a per-channel input normalization `y = alpha[c] * x + beta[c]` into the model's first
 * convolution, so the pre-processing only lays raw pixels out. Conv is linear in its input:
 *   W' = W * alpha[c] (per input channel),  b' = b + sum over c, k of W[o, c, k] * beta[c].
 * Zero padding is where it gets subtle: the model pads the normalized input with 0, which is the raw
 * value x0[c] = -beta[c] / alpha[c], not raw 0. So the Conv's padding moves out of the graph: the
 * folded layout step writes a border of x0[c] of the Conv's pad widths, and the Conv gets pads 0. The
 * output is then the same up to float rounding (tested in fold-normalize.test.ts).
 * Folding is refused (with the reason) unless the input feeds exactly one Conv, as its data input, with
 * float32 initializer weights, group 1 and explicit pads (auto_pad NOTSET or VALID).
 */
import { a, attr, Tensor, type Model, type Node } from '@lastmile/core';
import type { ChannelAffine } from './layout.js';

/** Result of {@link foldInputAffine}. */
export type FoldResult =
  | { folded: true; model: Model; node: string; border: [number, number, number, number]; fill: number[] }
  | { folded: false; reason: string };

/** The model with `affine` applied to its first input folded into the Conv that reads it, or why not. */
export function foldInputAffine(model: Model, affine: ChannelAffine): FoldResult {
  const graph = model.graph;
  const input = graph.inputs[0];
  if (input === undefined || graph.inputs.length !== 1) return refuse('the model must have exactly one runtime input');
  if (input.type !== 'float32' || input.shape?.length !== 4)
    return refuse(`input '${input.name}' is not a float32 rank-4 tensor`);
  if (graph.outputs.some((o) => o.name === input.name)) return refuse(`input '${input.name}' is also a graph output`);
  const readers = graph.nodes.filter((n) => n.inputs.includes(input.name));
  if (readers.length !== 1) return refuse(`input '${input.name}' feeds ${readers.length} nodes, not one Conv`);
  const conv = readers[0];
  if (conv.opType !== 'Conv' || (conv.domain !== '' && conv.domain !== 'ai.onnx'))
    return refuse(`input '${input.name}' feeds a ${conv.opType}, not a Conv`);
  if (conv.inputs[0] !== input.name || conv.inputs.indexOf(input.name, 1) > 0)
    return refuse(`Conv '${conv.name}' reads the input other than as its data`);
  if (attr.int(conv, 'group', 1) !== 1) return refuse(`Conv '${conv.name}' is grouped`);
  const autoPad = attr.string(conv, 'auto_pad', 'NOTSET');
  if (autoPad !== 'NOTSET' && autoPad !== 'VALID') return refuse(`Conv '${conv.name}' has auto_pad ${autoPad}`);
  const weight = graph.initializers.get(conv.inputs[1]);
  const biasName = conv.inputs[2] ?? '';
  const bias = biasName === '' ? undefined : graph.initializers.get(biasName);
  if (weight?.type !== 'float32' || weight.dims.length !== 4)
    return refuse(`Conv '${conv.name}' weights are not a float32 rank-4 initializer`);
  if (biasName !== '' && bias?.type !== 'float32')
    return refuse(`Conv '${conv.name}' bias is not a float32 initializer`);
  const [outC, inC, kh, kw] = weight.dims;
  if (inC !== affine.alpha.length)
    return refuse(`Conv '${conv.name}' takes ${inC} channels, the normalization has ${affine.alpha.length}`);
  if (affine.alpha.some((v) => v === 0 || !Number.isFinite(v)))
    return refuse('a normalization factor is 0 or not finite');

  const pads = autoPad === 'VALID' ? [0, 0, 0, 0] : attr.ints(conv, 'pads', [0, 0, 0, 0]);
  const w = weight.data as Float32Array;
  const folded = new Float32Array(w.length);
  const b = new Float32Array(outC);
  const k = kh * kw;
  for (let o = 0; o < outC; o++) {
    let shift = bias === undefined ? 0 : (bias.data as Float32Array)[o];
    for (let c = 0; c < inC; c++) {
      const base = (o * inC + c) * k;
      for (let i = 0; i < k; i++) {
        folded[base + i] = w[base + i] * affine.alpha[c];
        shift += w[base + i] * affine.beta[c];
      }
    }
    b[o] = shift;
  }
  const weightName = uniqueName(model, `${conv.inputs[1]}_folded`);
  const biasOut = uniqueName(model, `${conv.name}_bias_folded`);
  const attributes = new Map(conv.attributes);
  attributes.set('pads', a.ints([0, 0, 0, 0]));
  attributes.delete('auto_pad');
  const newConv: Node = { ...conv, inputs: [input.name, weightName, biasOut], attributes };
  const initializers = new Map(graph.initializers);
  initializers.set(weightName, new Tensor('float32', folded, weight.dims));
  initializers.set(biasOut, new Tensor('float32', b, [outC]));
  for (const old of [conv.inputs[1], biasName]) {
    if (old !== '' && !graph.nodes.some((n) => n !== conv && n.inputs.includes(old))) initializers.delete(old);
  }
  const [top, left, bottom, right] = pads;
  const shape = input.shape.map((d, i) =>
    typeof d === 'number' && i >= 2 ? d + (i === 2 ? top + bottom : left + right) : d,
  );
  return {
    folded: true,
    node: conv.name,
    border: [top, left, bottom, right],
    fill: affine.alpha.map((al, c) => -affine.beta[c] / al),
    model: {
      ...model,
      graph: {
        ...graph,
        inputs: [{ ...input, shape }],
        nodes: graph.nodes.map((n) => (n === conv ? newConv : n)),
        initializers,
      },
    },
  };
}

function refuse(reason: string): FoldResult {
  return { folded: false, reason };
}

function uniqueName(model: Model, base: string): string {
  const taken = (name: string) =>
    model.graph.initializers.has(name) ||
    model.graph.nodes.some((n) => n.outputs.includes(name) || n.inputs.includes(name));
  let name = base;
  for (let i = 1; taken(name); i++) name = `${base}_${i}`;
  return name;
}
