/**
 * How far a quantized model strays from its float model, value by value: each activation the QDQ model
 * quantizes, dequantized from the integers its kernels computed (core folds the Q/DQ pairs into integer
 * ops, as onnxruntime does), against the float model's value of the same name; and each graph output.
 * Signal and noise energy are summed over the samples, so the figures are of the whole set.
 */
import { evaluateGraph, type Model, optimize, type Tensor, toNumbers } from '@lastmile/core';

/** One value's agreement with fp32 over the samples. */
export interface Agreement {
  value: string;
  /** The op that writes it in the float model ('' for a graph input). */
  op: string;
  cosine: number;
  /** Signal-to-quantization-noise ratio, 10 log10(sum x^2 / sum (x - y)^2), in dB (Infinity: exact). */
  sqnrDb: number;
}

export interface AgreementReport {
  /** Every quantized activation, in graph order. */
  values: Agreement[];
  /** Every float graph output. */
  outputs: Agreement[];
}

class Energy {
  xx = 0;
  yy = 0;
  xy = 0;
  noise = 0;
  add(x: ArrayLike<number>, y: ArrayLike<number>): void {
    for (let i = 0; i < x.length; i++) {
      this.xx += x[i] * x[i];
      this.yy += y[i] * y[i];
      this.xy += x[i] * y[i];
      this.noise += (x[i] - y[i]) ** 2;
    }
  }
  agreement(value: string, op: string): Agreement {
    const cosine = this.xx > 0 && this.yy > 0 ? this.xy / Math.sqrt(this.xx * this.yy) : this.xx === this.yy ? 1 : 0;
    const sqnrDb = 10 * Math.log10(this.xx / this.noise);
    // NaN or infinities in the quantized values (a division by a zero that rounding made) are no signal.
    return { value, op, cosine: Number.isNaN(cosine) ? 0 : cosine, sqnrDb: Number.isNaN(sqnrDb) ? -Infinity : sqnrDb };
  }
}

/**
 * The agreement of `quantized` (a QDQ model written by `qdqModel` for `float`) with `float` over
 * `samples` (each run through both with the reference interpreter).
 */
export function agreementOf(
  float: Model,
  quantized: Model,
  samples: Iterable<Record<string, Tensor>>,
): AgreementReport {
  // Each QuantizeLinear's output, by the float value it quantizes, with its parameters.
  const quantizers = new Map<string, { value: string; scale: number; zeroPoint: number }>();
  for (const node of quantized.graph.nodes) {
    if (node.opType !== 'QuantizeLinear') continue;
    const [value, scale, zeroPoint] = node.inputs;
    const s = quantized.graph.initializers.get(scale);
    const z = quantized.graph.initializers.get(zeroPoint);
    if (s?.size === 1 && z?.size === 1)
      quantizers.set(node.outputs[0], { value, scale: toNumbers(s)[0], zeroPoint: toNumbers(z)[0] });
  }
  const watched = new Set([...quantizers.values()].map((q) => q.value));
  const producer = new Map(float.graph.nodes.flatMap((n) => n.outputs.map((o): [string, string] => [o, n.opType])));
  const outputs = float.graph.outputs.map((o) => o.name);
  const energy = new Map<string, Energy>();
  const energyOf = (name: string) => {
    let e = energy.get(name);
    if (e === undefined) {
      e = new Energy();
      energy.set(name, e);
    }
    return e;
  };
  const folded = optimize(quantized);
  for (const feeds of samples) {
    const reference = new Map<string, Tensor>();
    const want = evaluateGraph(float, feeds, {
      onValue: (name, t) => {
        if (watched.has(name)) reference.set(name, t);
      },
    });
    for (const input of float.graph.inputs) if (watched.has(input.name)) reference.set(input.name, feeds[input.name]);
    const got = evaluateGraph(folded, feeds, {
      onValue: (name, t) => {
        const q = quantizers.get(name);
        const x = q && reference.get(q.value);
        if (!q || !x) return;
        const levels = t.data as ArrayLike<number>;
        const y = new Float32Array(levels.length);
        for (let i = 0; i < y.length; i++) y[i] = (levels[i] - q.zeroPoint) * q.scale;
        energyOf(q.value).add(x.data as Float32Array, y);
      },
    });
    for (const name of outputs)
      if (want[name]?.type === 'float32')
        energyOf(`output:${name}`).add(want[name].data as Float32Array, got[name].data as Float32Array);
  }
  const order = [...float.graph.inputs.map((i) => i.name), ...float.graph.nodes.flatMap((n) => n.outputs)];
  return {
    values: order
      .filter((v) => energy.has(v))
      .map((v) => (energy.get(v) as Energy).agreement(v, producer.get(v) ?? '')),
    outputs: outputs
      .filter((o) => energy.has(`output:${o}`))
      .map((o) => (energy.get(`output:${o}`) as Energy).agreement(o, producer.get(o) ?? '')),
  };
}
