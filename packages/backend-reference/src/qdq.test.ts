/**
 * Issue 14's QDQ check: a QDQ ResNet-18 and a QDQ PP-OCRv4 rec written by our tools (quantize's qdqModel,
 * with fixed scales from a calibration table) give integer tensors bit-identical to onnxruntime-node's on
 * the reference: core folds their Q/DQ pairs into the quantized ops onnxruntime's QDQ fusion makes, whose
 * kernels follow MLAS's arithmetic. Every QuantizeLinear output is compared, element for element.
 */
import { identicalTensors, type Model, SeededRandom, Session, type Tensor } from '@lastmile/core';
import { buildModel, ppocrModelPath } from '@lastmile/models';
import { qdqModel } from '@lastmile/quantize';
import { encodeModel, loadModel } from '@lastmile/onnx';
import { fromOrt, toOrt } from '@lastmile/testing';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { backend } from './index.js';

/**
 * Writes the QDQ form of `float` (calibrated on four seeded random inputs of `dims`), runs it on
 * onnxruntime-node and on the reference with every integer tensor as an output, and returns the names of
 * those that differ, with the ops the reference folded.
 */
async function integersAgainstOrt(float: Model, dims: number[]) {
  const input = float.graph.inputs[0].name;
  const feeds = (seed: number) => ({ [input]: new SeededRandom(seed).floatTensor(dims, -1, 1) });
  const calibrating = await Session.init(float, { backends: [backend] });
  const table = await calibrating.calibrate([1, 2, 3, 4].map(feeds), { type: 'uint8' });
  await calibrating.destroy();
  const model = qdqModel(calibrating.model, table);
  const integers = model.graph.nodes.filter((n) => n.opType === 'QuantizeLinear').map((n) => n.outputs[0]);
  model.graph.outputs.push(...integers.map((name) => ({ name, type: 'uint8' as const })));

  const x = feeds(9);
  const runtime = await ort.InferenceSession.create(encodeModel(model));
  const theirs = await runtime.run({ [input]: toOrt(x[input]) });
  await runtime.release();
  const session = await Session.init(model, { backends: [backend] });
  const ours: Record<string, Tensor> = await session.run(x);
  const folded = new Set(session.model.graph.nodes.map((n) => n.opType));
  await session.destroy();
  const differing = integers.filter((name) => !identicalTensors(ours[name], fromOrt(theirs[name])));
  return { integers, differing, folded };
}

describe('QDQ models written by our tools give every integer tensor bit-identical to onnxruntime-node', () => {
  it('ResNet-18', async () => {
    const float = buildModel('resnet18', { resolution: [64, 64], numClasses: 10 });
    const { integers, differing, folded } = await integersAgainstOrt(float, [1, 3, 64, 64]);
    expect([...folded]).toEqual(expect.arrayContaining(['QLinearConv', 'QLinearAdd', 'QLinearGlobalAveragePool']));
    expect(integers.length).toBeGreaterThan(40);
    expect(differing).toEqual([]);
  }, 120_000);

  it('PP-OCRv4 rec (opset 9, upgraded to 13 to carry per-channel Q/DQ)', async () => {
    const float = await loadModel(ppocrModelPath('rec'));
    const { integers, differing, folded } = await integersAgainstOrt(float, [1, 3, 48, 320]);
    expect([...folded]).toEqual(
      expect.arrayContaining([
        'QLinearConv',
        'QLinearMatMul',
        'QLinearAdd',
        'QLinearMul',
        'QLinearSigmoid',
        'QLinearGlobalAveragePool',
      ]),
    );
    expect(integers.length).toBeGreaterThan(300);
    expect(differing).toEqual([]);
  }, 300_000);
});
