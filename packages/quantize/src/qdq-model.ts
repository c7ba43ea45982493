/**
 * A float model as a QDQ model, the format onnxruntime's quantization tool writes: every activation the
 * listed ops read passes through QuantizeLinear -> DequantizeLinear with the parameters of a calibration
 * table, and Conv weights are stored as int8 (symmetric, per output channel) behind a DequantizeLinear,
 * their bias as int32 at scale input x weight. Runtimes that understand QDQ run the quantized ops in
 * integers; others run it as written, in float.
 */
import {
  a,
  type CalibrationTable,
  InputError,
  makeNode,
  type Model,
  type Node,
  type Quantization,
  Tensor,
  toNumbers,
  nodeReads,
  upgradeOpset,
} from '@lastmile/core';

/**
 * Ops whose float activations, read and written, are quantized: those a QDQ runtime computes in integers
 * (Conv, MatMul, Add, Mul, Sigmoid, Softmax, the pools, Concat) and those it passes 8-bit data through.
 * Everything else reads the dequantized values and computes in float, as onnxruntime's tool writes it.
 */
const QUANTIZED_OPS = new Set([
  'Conv',
  'MatMul',
  'Add',
  'Mul',
  'Relu',
  'Clip',
  'LeakyRelu',
  'Sigmoid',
  'Softmax',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'Concat',
  'Flatten',
  'Reshape',
  'Transpose',
  'Squeeze',
  'Unsqueeze',
]);
const Q_OPSET = 13;

/** Options of {@link qdqModel}. */
export interface QdqOptions {
  /** Activations left in float: every op reading or writing them computes in float. */
  float?: Iterable<string>;
}

/**
 * The QDQ form of `float` (shape-inferred, as a session holds it; upgraded to opset 13 when older) with
 * the activation parameters of `table` (computed for that model). Graph outputs stay float, and so do
 * the activations `options.float` names (mixed precision).
 */
export function qdqModel(float: Model, table: CalibrationTable, options: QdqOptions = {}): Model {
  const keepFloat = new Set(options.float ?? []);
  // Per-axis DequantizeLinear is opset 13's.
  const model = upgradeOpset(float, Q_OPSET);
  const g = model.graph;
  const type = table.type;
  const initializers = new Map(g.initializers);
  const nodes: Node[] = [];
  const parameters = (name: string): Quantization => {
    const entry = table.values.get(name);
    if (entry === undefined) throw new InputError(`the calibration table has no entry for '${name}'`, { value: name });
    return entry.quant;
  };
  const outputs = new Set(g.outputs.map((o) => o.name));
  const quantized = new Set<string>();
  for (const node of g.nodes) {
    if (!QUANTIZED_OPS.has(node.opType) || node.domain !== '') continue;
    for (const name of [...node.inputs, ...node.outputs])
      if (
        name !== '' &&
        !g.initializers.has(name) &&
        !outputs.has(name) &&
        !keepFloat.has(name) &&
        table.values.has(name)
      )
        quantized.add(name);
  }
  const replacedWeights = new Set<string>();
  const taken = new Set([
    ...g.inputs.map((i) => i.name),
    ...g.initializers.keys(),
    ...g.nodes.flatMap((n) => n.outputs),
  ]);
  const fresh = (base: string) => {
    let name = base;
    for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    return name;
  };
  const dequantizedName = new Map<string, string>();
  /** Q -> DQ of a float activation: every reader reads the DQ's output instead. */
  const quantize = (name: string) => {
    const q = parameters(name);
    const [i, s, z, y] = ['quantized', 'scale', 'zero_point', 'dequantized'].map((end) => fresh(`${name}_${end}`));
    initializers.set(s, new Tensor('float32', q.scale, []));
    initializers.set(z, new Tensor(type, q.zeroPoint, []));
    nodes.push(
      makeNode('QuantizeLinear', [name, s, z], [i], {}, `${i}_QuantizeLinear`),
      makeNode('DequantizeLinear', [i, s, z], [y], {}, `${y}_DequantizeLinear`),
    );
    dequantizedName.set(name, y);
  };
  const read = (name: string) => dequantizedName.get(name) ?? name;
  /** Integer `levels` behind a DequantizeLinear with one scale per index of axis 0 (or one in all); its output. */
  const dequantizedConstant = (name: string, levels: Tensor, scales: Float32Array): string => {
    const [q, s, z, y] = ['quantized', 'scale', 'zero_point', 'dequantized'].map((end) => fresh(`${name}_${end}`));
    const perAxis = scales.length > 1;
    const dims = perAxis ? [scales.length] : [];
    initializers.set(q, levels);
    initializers.set(s, new Tensor('float32', scales, dims));
    initializers.set(
      z,
      new Tensor(levels.type, new (levels.type === 'int8' ? Int8Array : Int32Array)(scales.length), dims),
    );
    nodes.push(
      makeNode('DequantizeLinear', [q, s, z], [y], perAxis ? { axis: a.int(0) } : {}, `${y}_DequantizeLinear`),
    );
    return y;
  };
  /** A float weight as int8, symmetric, per index of axis 0 (`perChannel`) or per tensor. */
  const int8Weights = (name: string, perChannel: boolean) => {
    const weights = g.initializers.get(name) as Tensor;
    replacedWeights.add(name);
    const groups = perChannel ? weights.dims[0] : 1;
    const per = weights.size / groups;
    const values = toNumbers(weights);
    const scales = new Float32Array(groups);
    const levels = new Int8Array(weights.size);
    for (let c = 0; c < groups; c++) {
      let max = 0;
      for (let i = c * per; i < (c + 1) * per; i++) max = Math.max(max, Math.abs(values[i]));
      scales[c] = Math.fround(max > 0 ? max / 127 : 1);
      for (let i = c * per; i < (c + 1) * per; i++)
        levels[i] = Math.max(-127, Math.min(127, Math.round(Math.fround(values[i] / scales[c]))));
    }
    return { scales, dequantized: dequantizedConstant(name, new Tensor('int8', levels, weights.dims), scales) };
  };
  /** Conv weights as int8 per output channel; the bias as int32 at scale input x weight. */
  const convWeights = (node: Node, inputScale: number): string[] => {
    const [, w, b] = node.inputs;
    if (!g.initializers.has(w)) return node.inputs.slice(1).map(read);
    const { scales, dequantized } = int8Weights(w, true);
    const bias = b ? g.initializers.get(b) : undefined;
    if (bias === undefined) return [dequantized, ...node.inputs.slice(2).map(read)];
    const biasScales = scales.map((s) => Math.fround(s * inputScale));
    replacedWeights.add(b as string);
    const ints = Int32Array.from(toNumbers(bias), (v, c) => Math.round(v / biasScales[c]));
    return [dequantized, dequantizedConstant(b as string, new Tensor('int32', ints, bias.dims), biasScales)];
  };
  for (const input of g.inputs) if (quantized.has(input.name)) quantize(input.name);
  for (const node of g.nodes) {
    const inputs = node.inputs.map(read);
    if (node.opType === 'Conv' && node.domain === '' && quantized.has(node.inputs[0])) {
      const scale = parameters(node.inputs[0]).scale[0];
      inputs.splice(1, inputs.length - 1, ...convWeights(node, scale));
    } else if (node.opType === 'MatMul' && node.domain === '' && g.initializers.has(node.inputs[1])) {
      inputs[1] = int8Weights(node.inputs[1], false).dequantized;
    }
    nodes.push({ ...node, inputs });
    for (const name of node.outputs) if (quantized.has(name)) quantize(name);
  }
  // The float weights now quantized, unless something else still reads them.
  const stillRead = new Set(nodes.flatMap((n) => nodeReads(n)));
  for (const name of replacedWeights) if (!stillRead.has(name)) initializers.delete(name);
  return { ...model, graph: { ...g, nodes, initializers } };
}
