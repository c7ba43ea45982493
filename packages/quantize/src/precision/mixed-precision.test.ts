import { a, emptyGraph, makeNode, type Model, SeededRandom, Tensor } from '@lastmile/core';
import { describe, expect, it } from 'vitest';
import { calibrateModel } from '../calibrate.js';
import { qdqModel } from '../qdq-model.js';
import { agreementOf } from './agreement.js';
import { chooseMixedPrecision } from './mixed-precision.js';

/** x [1, 8, 32] -> layer norm (ReduceMean, Sub, Mul, ReduceMean, Add eps, Sqrt, Div) -> MatMul W -> y. */
function layerNormModel(): Model {
  const g = emptyGraph('layer-norm');
  g.inputs.push({ name: 'x', type: 'float32', shape: [1, 8, 32] });
  g.initializers.set('eps', new Tensor('float32', [1e-5], []));
  g.initializers.set('W', new SeededRandom(1).floatTensor([32, 16], -0.5, 0.5));
  const last = { axes: a.ints([-1]) };
  g.nodes.push(
    makeNode('ReduceMean', ['x'], ['m'], last),
    makeNode('Sub', ['x', 'm'], ['d']),
    makeNode('Mul', ['d', 'd'], ['p']),
    makeNode('ReduceMean', ['p'], ['v'], last),
    makeNode('Add', ['v', 'eps'], ['ve']),
    makeNode('Sqrt', ['ve'], ['s']),
    makeNode('Div', ['d', 's'], ['n']),
    makeNode('MatMul', ['n', 'W'], ['y']),
  );
  g.outputs.push({ name: 'y', type: 'float32', shape: [1, 8, 16] });
  return { irVersion: 8, opsets: new Map([['', 13]]), graph: g, metadata: new Map() };
}

/** Rows of very different scales (0.01 to about 30), as activations entering a layer norm have. */
function sample(seed: number): Record<string, Tensor> {
  const x = new SeededRandom(seed).floatTensor([1, 8, 32], -1, 1);
  const data = x.data as Float32Array;
  for (let i = 0; i < data.length; i++) data[i] *= 10 ** (Math.floor(i / 32) / 2 - 2);
  return { x };
}

describe('mixed precision', () => {
  const model = layerNormModel();
  const samples = [1, 2, 3].map(sample);

  it("reports each quantized value's and each output's agreement with fp32", async () => {
    const table = await calibrateModel(model, samples, { type: 'uint8' });
    const report = agreementOf(model, qdqModel(model, table), samples);
    expect(report.values.map((v) => v.value)).toEqual(['d', 'p', 'v', 've', 'n']);
    expect(report.values.find((v) => v.value === 'd')?.op).toBe('Sub');
    // Each value alone keeps most of its energy, but the small rows' variance rounds to zero in 8 bits
    // and the division blows them up.
    for (const v of report.values) if (v.value !== 'n') expect(v.sqnrDb, v.value).toBeGreaterThan(30);
    expect(report.values.find((v) => v.value === 'n')?.sqnrDb).toBeLessThan(0);
    expect(report.outputs[0].sqnrDb).toBeLessThan(0);
  });

  it('keeps activations in float, measured at the outputs, until they meet the budget', async () => {
    const table = await calibrateModel(model, samples, { type: 'uint8' });
    const choice = chooseMixedPrecision(model, table, samples, { minSqnrDb: 30 });
    expect(choice.met).toBe(true);
    // Measured: ve, v, p, then d (the small rows' deviations, all zero in 8 bits): 1.8, 1.8, 3.7, 43.8 dB.
    expect(choice.float).toContain('d');
    expect(choice.float.length).toBeLessThanOrEqual(4);
    expect(choice.report.outputs[0].sqnrDb).toBeGreaterThanOrEqual(30);
    expect(choice.steps.at(-1)?.outputSqnrDb).toBe(choice.report.outputs[0].sqnrDb);
  });
});
