/**
 * `lastmile quantize` as a process: PP-OCR's angle classifier calibrated on PNG images (normalized as
 * PaddleOCR does) and .npy tensors, its QDQ form and calibration table written, the first sample's
 * outputs compared; bad options are usage errors that write nothing.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { a, emptyGraph, makeNode, readCalibrationTable, SeededRandom, Tensor } from '@lastmile/core';
import { encodeModel, loadModel } from '@lastmile/onnx';
import { encodePng } from '@lastmile/vision';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeNpy } from './npy.js';
import type { QuantizeResult } from './quantize-command.js';
import { CLS_MODEL, lastmile, tempDir } from './testing.js';

let dir: string;
let samples: string;

beforeAll(() => {
  dir = tempDir();
  samples = join(dir, 'samples');
  mkdirSync(samples);
  const r = new SeededRandom(5);
  for (let i = 0; i < 3; i++) {
    // Stripes of text-like contrast at three sizes: resized to the input by the command.
    const [width, height] = [160 + 40 * i, 40 + 8 * i];
    const data = new Uint8Array(width * height * 3).map((_, k) => (Math.floor(k / 3 / (7 + i)) % 3 === 0 ? 30 : 235));
    writeFileSync(join(samples, `line-${i}.png`), encodePng({ width, height, order: 'rgb', data }));
  }
  writeFileSync(join(samples, 'noise.npy'), encodeNpy(r.floatTensor([1, 3, 48, 192], -1, 1)));
  writeFileSync(join(samples, 'notes.txt'), 'not a sample');
});

describe('lastmile quantize (built CLI as a process)', () => {
  it('writes the QDQ model and the table, and says how close the first sample stays', async () => {
    const [output, table] = [join(dir, 'cls.qdq.onnx'), join(dir, 'cls.calibration.json')];
    const r = await lastmile([
      'quantize',
      CLS_MODEL,
      '--calibration',
      samples,
      '--method',
      'percentile',
      '--mean',
      '0.5,0.5,0.5',
      '--std',
      '0.5,0.5,0.5',
      '--shape',
      'x=1x3x48x192',
      '-o',
      output,
      '--table',
      table,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as QuantizeResult;
    expect(result).toMatchObject({ method: 'percentile', type: 'uint8', symmetric: false, samples: 4 });
    expect(result.quantizeNodes).toBeGreaterThan(50);
    expect(result.agreement.outputs).toHaveLength(1);
    expect(result.agreement.outputs[0].cosine).toBeGreaterThan(0.99);
    expect(result.agreement.values.length).toBe(result.quantizeNodes);
    expect(result.float).toEqual([]);
    const written = await loadModel(output);
    expect(written.graph.nodes.filter((n) => n.opType === 'QuantizeLinear')).toHaveLength(result.quantizeNodes);
    const calibration = await readCalibrationTable(table);
    expect(calibration.method).toBe('percentile');
    expect(calibration.values.size).toBe(result.values);
  }, 120_000);

  it('with --min-sqnr, keeps activations in float until the output meets it', async () => {
    // RMS normalization of rows of very different scales, then a MatMul: in 8 bits the small rows round
    // to zero and the normalization blows them up.
    const g = emptyGraph('rms-norm');
    g.inputs.push({ name: 'x', type: 'float32', shape: [1, 8, 32] });
    g.initializers.set('eps', new Tensor('float32', [1e-6], []));
    g.initializers.set('W', new SeededRandom(2).floatTensor([32, 16], -0.5, 0.5));
    g.nodes.push(
      makeNode('Mul', ['x', 'x'], ['squares']),
      makeNode('ReduceMean', ['squares'], ['meanSquare'], { axes: a.ints([-1]) }),
      makeNode('Add', ['meanSquare', 'eps'], ['shifted']),
      makeNode('Sqrt', ['shifted'], ['rms']),
      makeNode('Div', ['x', 'rms'], ['normalized']),
      makeNode('MatMul', ['normalized', 'W'], ['y']),
    );
    g.outputs.push({ name: 'y', type: 'float32', shape: [1, 8, 16] });
    const model = join(dir, 'rms.onnx');
    writeFileSync(model, encodeModel({ irVersion: 8, opsets: new Map([['', 13]]), graph: g, metadata: new Map() }));
    const rows = join(dir, 'rows');
    mkdirSync(rows);
    for (const seed of [1, 2, 3]) {
      const x = new SeededRandom(seed).floatTensor([1, 8, 32], -1, 1);
      (x.data as Float32Array).forEach((v, i, data) => (data[i] = v * 10 ** (Math.floor(i / 32) / 2 - 2)));
      writeFileSync(join(rows, `${seed}.npy`), encodeNpy(x));
    }
    const plain = await lastmile(['quantize', model, '--calibration', rows, '-o', join(dir, 'rms.qdq.onnx'), '--json']);
    const mixed = await lastmile([
      'quantize',
      model,
      '--calibration',
      rows,
      '-o',
      join(dir, 'rms.mixed.onnx'),
      '--min-sqnr',
      '30',
      '--json',
    ]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(mixed.code, mixed.stderr).toBe(0);
    const [before, after] = [plain, mixed].map((r) => JSON.parse(r.stdout) as QuantizeResult);
    expect(before.agreement.outputs[0].sqnrDb).toBeLessThan(30);
    expect(after.agreement.outputs[0].sqnrDb).toBeGreaterThanOrEqual(30);
    expect(after.float.length).toBeGreaterThan(0);
    expect(after.float.at(-1)?.outputSqnrDb).toBe(after.agreement.outputs[0].sqnrDb);
    expect(after.quantizeNodes).toBeLessThan(before.quantizeNodes);
  }, 120_000);

  it.each([
    [['--min-sqnr', 'high'], /--min-sqnr must be a number of dB/],
    [['--method', 'best'], /--method must be one of minmax, moving-average, percentile, entropy, mse/],
    [['--mean', '0.5'], /--mean and --std go together/],
    [['--percentile', '20'], /--percentile must be a number in \(50, 100\]/],
    [['--type', 'int4'], /--type must be int8 or uint8/],
  ])('refuses %j as a usage error and writes nothing', async (extra, message) => {
    const output = join(dir, 'refused.onnx');
    const r = await lastmile(['quantize', CLS_MODEL, '--calibration', samples, '-o', output, ...extra]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(existsSync(output)).toBe(false);
  });

  it('refuses a calibration folder without samples', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const r = await lastmile(['quantize', CLS_MODEL, '--calibration', empty, '-o', join(dir, 'x.onnx')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds no \.png, \.jpg, \.npy or \.pb file/);
  });
});
