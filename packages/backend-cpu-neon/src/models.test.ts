/**
 * Whole models through a Session on cpu-neon against onnxruntime-node on the same seeded inputs
 * (rtol 1e-3 / atol 1e-4), with every step on a SIMD kernel (none on the host).
 */
import { readFileSync } from 'node:fs';
import type { Backend } from '@lastmile/core';
import { type ArchitectureName, buildModelBytes, ppocrModelPath } from '@lastmile/models';
import { expectModelMatchesOrt, type ModelCheckOptions } from '@lastmile/testing';
import { describe, expect, it } from 'vitest';
import { backend, type CpuNeonExecutable } from './index.js';

/** Compares on cpu-neon alone, then checks the whole model was one partition with no step on the host. */
function onNeonOnly(): ModelCheckOptions {
  const compiled: CpuNeonExecutable[] = [];
  const watched: Backend = {
    ...backend,
    compile: async (...args) => {
      const executable = (await backend.compile(...args)) as CpuNeonExecutable;
      compiled.push(executable);
      return executable;
    },
  };
  return {
    backends: [watched],
    check: ({ session }) => {
      expect(session.partitions.length).toBe(1);
      expect(
        compiled[0]
          .describe()
          .filter((s) => s.runs === 'host')
          .map((s) => `${s.op} ${s.name}`),
      ).toEqual([]);
    },
  };
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
      expectModelMatchesOrt(
        buildModelBytes(name, { resolution, numClasses: 100 }),
        'input',
        [1, 3, resolution, resolution],
        7,
        onNeonOnly(),
      ));
  }
});

describe('PP-OCR models (trained) on cpu-neon', () => {
  it('det matches onnxruntime-node at 1x3x160x224', () =>
    expectModelMatchesOrt(readFileSync(ppocrModelPath('det')), 'x', [1, 3, 160, 224], 1, onNeonOnly()));
  it('rec matches onnxruntime-node at 1x3x48x160', () =>
    expectModelMatchesOrt(readFileSync(ppocrModelPath('rec')), 'x', [1, 3, 48, 160], 2, onNeonOnly()));
  it('cls matches onnxruntime-node at 2x3x48x192', () =>
    expectModelMatchesOrt(readFileSync(ppocrModelPath('cls')), 'x', [2, 3, 48, 192], 3, onNeonOnly()));
});
