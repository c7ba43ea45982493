import {
  type CalibrationMethod,
  CALIBRATION_METHODS,
  decodeCalibrationTable,
  encodeCalibrationTable,
  evaluateGraph,
  optimize,
  SeededRandom,
  type Tensor,
} from '@lastmile/core';
import { buildModel, INPUT_NAME, OUTPUT_NAME } from '@lastmile/models';
import { describe, expect, it } from 'vitest';
import { calibrateModel } from './calibrate.js';
import { qdqModel } from './qdq-model.js';

const cosine = (a: Tensor, b: Tensor) => {
  const [x, y] = [a.data as Float32Array, b.data as Float32Array];
  let [dot, xx, yy] = [0, 0, 0];
  for (let i = 0; i < x.length; i++) [dot, xx, yy] = [dot + x[i] * y[i], xx + x[i] ** 2, yy + y[i] ** 2];
  return dot / Math.sqrt(xx * yy);
};

describe('calibrateModel', () => {
  it('calibrates a CNN with every method, streamed, and its QDQ form keeps the float output', async () => {
    const dims = [1, 3, 32, 32];
    const model = optimize(buildModel('mobilenetV2', { resolution: [32, 32], numClasses: 10 }));
    const sample = (seed: number) => ({ [INPUT_NAME]: new SeededRandom(seed).floatTensor(dims, -1, 1) });
    async function* samples() {
      for (const seed of [1, 2, 3, 4]) yield sample(seed);
    }
    const x = sample(9);
    const float = evaluateGraph(model, x)[OUTPUT_NAME];
    const similarity: Partial<Record<CalibrationMethod, number>> = {};
    for (const method of CALIBRATION_METHODS) {
      const table = await calibrateModel(model, samples(), { method, type: 'uint8' });
      expect(table.method).toBe(method);
      expect(table.samples).toBe(4);
      expect(decodeCalibrationTable(encodeCalibrationTable(table))).toEqual(table);
      similarity[method] = cosine(evaluateGraph(optimize(qdqModel(model, table)), x)[OUTPUT_NAME], float);
    }
    // Measured: minmax 0.9986, moving-average 0.9986, percentile 0.9990, entropy 0.975, mse 0.9995.
    for (const method of CALIBRATION_METHODS)
      expect(similarity[method], method).toBeGreaterThan(method === 'entropy' ? 0.95 : 0.99);
  }, 120_000);
});
