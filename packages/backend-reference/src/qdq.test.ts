/**
 * Issue 14's QDQ check: a QDQ ResNet-18 written by our tools (models' qdqModel, with fixed scales from a
 * calibration table) gives integer tensors bit-identical to onnxruntime-node's on the reference: core
 * folds its Q/DQ pairs into the quantized ops onnxruntime's QDQ fusion makes (QLinearConv, QLinearAdd,
 * QLinearGlobalAveragePool), whose kernels follow MLAS's arithmetic. Every QuantizeLinear output is
 * compared, element for element.
 */
import { identicalTensors, SeededRandom, Session } from '@lastmile/core';
import { buildModel, INPUT_NAME, qdqModel } from '@lastmile/models';
import { encodeModel } from '@lastmile/onnx';
import { fromOrt, toOrt } from '@lastmile/testing';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { backend } from './index.js';

const dims = [1, 3, 64, 64];

describe('a QDQ ResNet-18 written by our tools', () => {
  it('gives every integer tensor bit-identical to onnxruntime-node on the reference', async () => {
    const float = await Session.init(buildModel('resnet18', { resolution: [64, 64], numClasses: 10 }), {
      backends: [backend],
    });
    const samples = [1, 2, 3, 4].map((seed) => ({ [INPUT_NAME]: new SeededRandom(seed).floatTensor(dims, -2, 2) }));
    const table = await float.calibrate(samples, { type: 'uint8' });
    await float.destroy();
    const model = qdqModel(float.model, table);
    const integers = model.graph.nodes.filter((n) => n.opType === 'QuantizeLinear').map((n) => n.outputs[0]);
    model.graph.outputs.push(...integers.map((name) => ({ name, type: 'uint8' as const })));

    const x = new SeededRandom(9).floatTensor(dims, -2, 2);
    const runtime = await ort.InferenceSession.create(encodeModel(model));
    const theirs = await runtime.run({ [INPUT_NAME]: toOrt(x) });
    await runtime.release();
    const session = await Session.init(model, { backends: [backend] });
    const ours = await session.run({ [INPUT_NAME]: x });
    const folded = session.model.graph.nodes.map((n) => n.opType);
    await session.destroy();

    expect(folded).toEqual(expect.arrayContaining(['QLinearConv', 'QLinearAdd', 'QLinearGlobalAveragePool']));
    expect(integers.length).toBeGreaterThan(40);
    const differing = integers.filter((name) => !identicalTensors(ours[name], fromOrt(theirs[name])));
    expect(differing).toEqual([]);
  }, 120_000);
});
