/**
 * Whole models through a Session on cpu-neon against onnxruntime-node on the same seeded inputs
 * (rtol 1e-3 / atol 1e-4), with every step on a SIMD kernel (none on the host).
 */
import { readFileSync } from 'node:fs';
import { SeededRandom, Session, Tensor } from '@lastmile/core';
import { type ArchitectureName, buildModelBytes, ppocrModelPath } from '@lastmile/models';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { backend, type CpuNeonExecutable } from '../src/index.js';
import { expectClose } from './harness.js';

async function expectModelMatchesOrt(model: Uint8Array, inputName: string, dims: number[], seed: number): Promise<void> {
  const x = new SeededRandom(seed).floatTensor(dims, 0, 1);
  const reference = await ort.InferenceSession.create(model);
  const expected = await reference.run({ [inputName]: new ort.Tensor('float32', x.data, dims) });
  const compiled: CpuNeonExecutable[] = [];
  const watched = { ...backend, compile: async (...args: Parameters<typeof backend.compile>) => {
    const executable = (await backend.compile(...args)) as CpuNeonExecutable;
    compiled.push(executable);
    return executable;
  } };
  const session = await Session.init(model, { backends: [watched] });
  try {
    const ours = await session.run({ [inputName]: x });
    expect(session.partitions.length).toBe(1);
    expect(compiled[0].describe().filter((s) => s.runs === 'host').map((s) => `${s.op} ${s.name}`)).toEqual([]);
    for (const name of reference.outputNames) {
      const e = expected[name];
      expectClose(ours[name], new Tensor('float32', e.data as Float32Array, e.dims as number[]), 1e-3, 1e-4, name);
    }
  } finally {
    await session.destroy();
    await reference.release();
  }
}

describe('torchvision-style CNNs on cpu-neon', () => {
  const cases: [ArchitectureName, number][] = [
    ['mobilenetV2', 224],
    ['resnet18', 224],
    ['squeezenet11', 224],
    ['mobilenetV3Small', 96],
    ['shuffleNetV2x05', 96],
  ];
  for (const [name, resolution] of cases) {
    it(`${name} at ${resolution}x${resolution} matches onnxruntime-node`, () =>
      expectModelMatchesOrt(buildModelBytes(name, { resolution, numClasses: 100 }), 'input', [1, 3, resolution, resolution], 7));
  }
});

describe('PP-OCR models (trained) on cpu-neon', () => {
  it('det matches onnxruntime-node at 1x3x160x224', () => expectModelMatchesOrt(readFileSync(ppocrModelPath('det')), 'x', [1, 3, 160, 224], 1));
  it('rec matches onnxruntime-node at 1x3x48x160', () => expectModelMatchesOrt(readFileSync(ppocrModelPath('rec')), 'x', [1, 3, 48, 160], 2));
  it('cls matches onnxruntime-node at 2x3x48x192', () => expectModelMatchesOrt(readFileSync(ppocrModelPath('cls')), 'x', [2, 3, 48, 192], 3));
});
