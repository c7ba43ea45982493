import { SeededRandom, Tensor } from '@lastmile/core';
import { encodeModel } from '@lastmile/onnx';
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { ModelBuilder, mobilenetV3Small } from './index.js';

const DIMS = [1, 4, 6, 6];
const at = (c: number, h: number, w: number) => (c * 6 + h) * 6 + w;

/** One graph using every builder method, with the values whose contents are checked as outputs. */
function everyOp(opset: number) {
  const b = new ModelBuilder({ opset, seed: 3 });
  const x = b.input('x', DIMS);
  const conv = b.conv(x, { outChannels: 8, kernel: 3, stride: 2, pad: 1, group: 2, bias: true });
  const bn = b.batchNorm(conv);
  const gated = b.mul(b.add(b.relu6(bn), b.hardSwish(bn)), b.globalAvgPool(b.sigmoid(bn)));
  const pooled = b.maxPool(b.relu(gated), { kernel: 2, stride: 2, ceilMode: true });
  const logits = b.gemm(b.flatten(b.avgPool(x, { kernel: 3, stride: 2, pad: 1 })), { outFeatures: 5 });
  const [first, rest] = b.split(x, [1, 3], 1);
  const outputs = {
    pooled: b.output(pooled, 'pooled'),
    logits: b.output(logits, 'logits'),
    gate: b.output(b.hardSigmoid(bn, { alpha: 0.25, beta: 0.5 }), 'gate'),
    shuffled: b.output(b.channelShuffle(x, 2), 'shuffled'),
    first: b.output(first),
    rest: b.output(rest),
    sliced: b.output(b.slice(x, [1, -1], [4, -100], [1, 3], [2, -2]), 'sliced'),
    reshaped: b.output(b.reshape(b.transpose(x, [0, 2, 3, 1]), [0, -1, 4]), 'reshaped'),
    joined: b.output(b.concat([first, x], 1), 'joined'),
  };
  return { model: b.build(), outputs };
}

describe('ModelBuilder', () => {
  const random = new SeededRandom(9);
  const input = Float32Array.from({ length: 144 }, () => random.normal());

  it.each([11, 13, 17])('builds a graph onnxruntime runs at opset %i, with the shapes it declares', async (opset) => {
    const { model, outputs } = everyOp(opset);
    expect(model.opsets.get('')).toBe(opset);
    const session = await InferenceSession.create(encodeModel(model));
    const result = await session.run({ x: new OrtTensor('float32', input, DIMS) });
    await session.release();
    for (const info of model.graph.outputs)
      expect([info.name, ...result[info.name].dims]).toEqual([info.name, ...(info.shape ?? [])]);
    expect(result[outputs.pooled].dims).toEqual([1, 8, 2, 2]);
    expect(result[outputs.logits].dims).toEqual([1, 5]);
    const data = (name: string) => [...(result[name].data as Float32Array)];
    expect(data(outputs.pooled).every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    expect(data(outputs.gate).every((v) => v >= 0 && v <= 1)).toBe(true);
    // Channel shuffle with 2 groups interleaves the halves: channels 0, 2, 1, 3.
    const shuffled = data(outputs.shuffled);
    [0, 2, 1, 3].forEach((source, c) =>
      expect(shuffled.slice(c * 36, c * 36 + 36)).toEqual([...input.subarray(source * 36, source * 36 + 36)]),
    );
    expect(data(outputs.first)).toEqual([...input.subarray(0, 36)]);
    expect(data(outputs.rest)).toEqual([...input.subarray(36)]);
    // Channels 1 and 3; columns 5, 3, 1.
    const expected: number[] = [];
    for (const c of [1, 3]) for (let h = 0; h < 6; h++) for (const w of [5, 3, 1]) expected.push(input[at(c, h, w)]);
    expect(data(outputs.sliced)).toEqual(expected);
    expect(result[outputs.reshaped].dims).toEqual([1, 36, 4]);
    expect(data(outputs.reshaped)[4 * 7 + 2]).toBe(input[at(2, 1, 1)]);
    expect(data(outputs.joined)).toEqual([...input.subarray(0, 36), ...input]);
  });

  it('writes Split sizes as an attribute before opset 13 and HardSwish as x * HardSigmoid before opset 14', () => {
    const ops = (opset: number) => everyOp(opset).model.graph.nodes.map((n) => n.opType);
    const split = (opset: number) => everyOp(opset).model.graph.nodes.find((n) => n.opType === 'Split')!;
    expect(split(11).attributes.get('split')).toEqual({ type: 'ints', value: [1, 3] });
    expect(split(11).inputs).toHaveLength(1);
    expect(split(13).inputs).toHaveLength(2);
    expect(ops(13)).not.toContain('HardSwish');
    expect(ops(17)).toContain('HardSwish');
  });

  it('gives BatchNormalization positive variances and is deterministic in its seed', () => {
    const model = mobilenetV3Small({ resolution: 64 });
    for (const node of model.graph.nodes.filter((n) => n.opType === 'BatchNormalization')) {
      const variance = model.graph.initializers.get(node.inputs[4])!.data as Float32Array;
      expect(variance.every((v) => v > 0 && Number.isFinite(v))).toBe(true);
    }
    const convWeight = (seed: number) => {
      const b = new ModelBuilder({ seed });
      b.conv(b.input('x', [1, 2, 4, 4]), { outChannels: 3, kernel: 1, name: 'c' });
      return [...(b.build().graph.initializers.get('c.weight')!.data as Float32Array)];
    };
    expect(convWeight(5)).toEqual(convWeight(5));
    expect(convWeight(6)).not.toEqual(convWeight(5));
  });

  it('records initializers and lists every intermediate value in valueInfo', () => {
    const b = new ModelBuilder();
    const x = b.input('x', [2, 3]);
    const k = b.initializer(new Tensor('float32', [1, 2, 3], [3]), 'k');
    const y = b.output(b.mul(b.add(x, k), k), 'y');
    const model = b.build();
    expect(model.graph.initializers.get('k')?.dims).toEqual([3]);
    expect([...model.graph.valueInfo.keys()]).toEqual(['add_0']);
    expect(model.graph.outputs).toEqual([{ name: y, type: 'float32', shape: [2, 3] }]);
    expect(model.graph.nodes.at(-1)?.outputs).toEqual(['y']);
  });

  it('refuses misuse with typed errors that name the node or value', () => {
    const b = new ModelBuilder();
    const x = b.input('x', [1, 4, 8, 8]);
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return (error as { code?: string }).code;
      }
      return 'no error';
    };
    expect(code(() => new ModelBuilder({ opset: 9 }))).toBe('LM_ATTRIBUTE');
    expect(code(() => b.relu('nope'))).toBe('LM_GRAPH');
    expect(code(() => b.input('x', [1]))).toBe('LM_GRAPH');
    expect(code(() => b.output(x, 'renamed'))).toBe('LM_GRAPH');
    expect(code(() => b.conv(x, { outChannels: 6, kernel: 1, group: 4 }))).toBe('LM_SHAPE');
    expect(code(() => b.conv(x, { outChannels: 4, kernel: 11 }))).toBe('LM_SHAPE');
    expect(code(() => b.conv(x, { outChannels: 4, kernel: [3] }))).toBe('LM_ATTRIBUTE');
    expect(code(() => b.conv(b.flatten(x), { outChannels: 4, kernel: 1 }))).toBe('LM_SHAPE');
    expect(code(() => b.add(x, b.input('y', [1, 3, 8, 8])))).toBe('LM_SHAPE');
    expect(code(() => b.reshape(x, [3, -1]))).toBe('LM_SHAPE');
    expect(code(() => b.reshape(x, [-1, -1]))).toBe('LM_SHAPE');
    expect(code(() => b.transpose(x, [0, 1, 1, 2]))).toBe('LM_ATTRIBUTE');
    expect(code(() => b.split(x, [1, 2], 1))).toBe('LM_SHAPE');
    expect(code(() => b.slice(x, [0], [1], [1], [0]))).toBe('LM_ATTRIBUTE');
    expect(code(() => b.concat([x, b.input('z', [1, 4, 4, 8])], 1))).toBe('LM_SHAPE');
    expect(code(() => b.channelShuffle(x, 3))).toBe('LM_SHAPE');
    expect(code(() => b.gemm(x, { outFeatures: 2 }))).toBe('LM_SHAPE');
    expect(code(() => b.flatten(x, 7))).toBe('LM_SHAPE');
    expect(code(() => b.input('negative', [1, -2]))).toBe('LM_SHAPE');
    expect(code(() => b.conv(x, { outChannels: 0, kernel: 1 }))).toBe('LM_ATTRIBUTE');
    expect(code(() => b.conv(x, { outChannels: 4, kernel: 1, group: 0 }))).toBe('LM_ATTRIBUTE');
    expect(code(() => b.gemm(b.flatten(x), { outFeatures: 2.5 }))).toBe('LM_ATTRIBUTE');
  });
});
