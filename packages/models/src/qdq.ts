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
} from '@lastmile/core';

/** Ops whose activation inputs are quantized. */
const QUANTIZED_OPS = new Set(['Conv', 'Add', 'Relu', 'MaxPool', 'GlobalAveragePool', 'Flatten', 'Gemm']);
const Q_OPSET = 13;

/**
 * The QDQ form of `model` (shape-inferred, as a session holds it) with the activation parameters of
 * `table` (computed for that model). Graph outputs stay float.
 */
export function qdqModel(model: Model, table: CalibrationTable): Model {
  const g = model.graph;
  const type = table.type;
  const initializers = new Map(g.initializers);
  const nodes: Node[] = [];
  const dequantized = new Map<string, string>();
  const parameters = (name: string): Quantization => {
    const entry = table.values.get(name);
    if (entry === undefined) throw new InputError(`the calibration table has no entry for '${name}'`, { value: name });
    return entry.quant;
  };
  /** Q -> DQ of a float activation, once; the name consumers read instead. */
  const activation = (name: string): string => {
    const known = dequantized.get(name);
    if (known !== undefined) return known;
    const q = parameters(name);
    initializers.set(`${name}_scale`, new Tensor('float32', q.scale, []));
    initializers.set(`${name}_zero_point`, new Tensor(type, q.zeroPoint, []));
    const ends = [`${name}_scale`, `${name}_zero_point`];
    nodes.push(
      makeNode('QuantizeLinear', [name, ...ends], [`${name}_quantized`], {}, `${name}_QuantizeLinear`),
      makeNode(
        'DequantizeLinear',
        [`${name}_quantized`, ...ends],
        [`${name}_dequantized`],
        {},
        `${name}_DequantizeLinear`,
      ),
    );
    dequantized.set(name, `${name}_dequantized`);
    return `${name}_dequantized`;
  };
  /** Conv weights as int8 per output channel behind a DequantizeLinear; the bias as int32. */
  const convWeights = (node: Node, inputScale: number): string[] => {
    const [, w, b] = node.inputs;
    const weights = g.initializers.get(w);
    if (weights === undefined) return node.inputs.slice(1);
    const channels = weights.dims[0];
    const per = weights.size / channels;
    const values = weights.data as Float32Array;
    const scales = new Float32Array(channels);
    const levels = new Int8Array(weights.size);
    for (let c = 0; c < channels; c++) {
      let max = 0;
      for (let i = c * per; i < (c + 1) * per; i++) max = Math.max(max, Math.abs(values[i]));
      scales[c] = Math.fround(max > 0 ? max / 127 : 1);
      for (let i = c * per; i < (c + 1) * per; i++)
        levels[i] = Math.max(-127, Math.min(127, Math.round(Math.fround(values[i] / scales[c]))));
    }
    const axis = { axis: a.int(0) };
    const zero = (t: 'int8' | 'int32') =>
      new Tensor(t, new (t === 'int8' ? Int8Array : Int32Array)(channels), [channels]);
    initializers.delete(w);
    initializers.set(`${w}_quantized`, new Tensor('int8', levels, weights.dims));
    initializers.set(`${w}_scale`, new Tensor('float32', scales, [channels]));
    initializers.set(`${w}_zero_point`, zero('int8'));
    nodes.push(
      makeNode(
        'DequantizeLinear',
        [`${w}_quantized`, `${w}_scale`, `${w}_zero_point`],
        [`${w}_dequantized`],
        axis,
        `${w}_DequantizeLinear`,
      ),
    );
    const inputs = [`${w}_dequantized`];
    const bias = b ? g.initializers.get(b) : undefined;
    if (bias !== undefined) {
      const biasScales = scales.map((s) => Math.fround(s * inputScale));
      const ints = Int32Array.from(toNumbers(bias), (v, c) => Math.round(v / biasScales[c]));
      initializers.delete(b as string);
      initializers.set(`${b}_quantized`, new Tensor('int32', ints, bias.dims));
      initializers.set(`${b}_scale`, new Tensor('float32', biasScales, [channels]));
      initializers.set(`${b}_zero_point`, zero('int32'));
      nodes.push(
        makeNode(
          'DequantizeLinear',
          [`${b}_quantized`, `${b}_scale`, `${b}_zero_point`],
          [`${b}_dequantized`],
          axis,
          `${b}_DequantizeLinear`,
        ),
      );
      inputs.push(`${b}_dequantized`);
    }
    return inputs;
  };
  const isActivation = (name: string) => name !== '' && !g.initializers.has(name);
  for (const node of g.nodes) {
    if (!QUANTIZED_OPS.has(node.opType) || node.domain !== '') {
      nodes.push(node);
      continue;
    }
    const inputs = node.inputs.map((name, i) =>
      node.opType === 'Conv' && i > 0 ? name : isActivation(name) ? activation(name) : name,
    );
    if (node.opType === 'Conv') {
      const scale = parameters(node.inputs[0]).scale[0];
      inputs.splice(1, inputs.length - 1, ...convWeights(node, scale));
    }
    nodes.push({ ...node, inputs });
  }
  const opsets = new Map(model.opsets);
  if ((opsets.get('') ?? 0) < Q_OPSET) opsets.set('', Q_OPSET);
  return { ...model, opsets, graph: { ...g, nodes, initializers } };
}
