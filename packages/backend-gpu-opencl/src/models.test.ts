/**
 * Whole models through a Session with backends [gpu-opencl, cpu-neon] against onnxruntime-node on the same
 * seeded inputs: the bench CNNs (built by packages/models) and the trained PP-OCR models, at small sizes.
 */
import { readFileSync } from 'node:fs';
import { type ArchitectureName, buildModelBytes, ppocrModelPath } from '@lastmile/models';
import { expectModelMatchesOrt, type ModelCheckOptions } from '@lastmile/testing';
import { expect, it } from 'vitest';
import { onDevice, openclThenCpu } from './support.js';

/** Compares with gpu-opencl first, then checks that no node went to the CPU. */
const onOpenCL: ModelCheckOptions = {
  backends: openclThenCpu,
  check: ({ session }) => {
    const declined = session.assignment?.nodes.filter((n) => n.backend !== 'gpu-opencl') ?? [];
    expect(declined.map((n) => n.op)).toEqual([]);
  },
};

onDevice('bench CNNs on gpu-opencl', () => {
  const cases: [ArchitectureName, number][] = [
    ['mobilenetV2', 96],
    ['resnet18', 64],
    ['squeezenet11', 96],
    ['mobilenetV3Small', 96],
    ['shuffleNetV2x05', 96],
  ];
  for (const [name, resolution] of cases) {
    it(`${name} at ${resolution}x${resolution} matches onnxruntime-node, every node on OpenCL`, () =>
      expectModelMatchesOrt(
        buildModelBytes(name, { resolution, numClasses: 100 }),
        'input',
        [1, 3, resolution, resolution],
        7,
        onOpenCL,
      ));
  }
});

onDevice('PP-OCR models on gpu-opencl', () => {
  it('det matches onnxruntime-node at 1x3x96x128', () =>
    expectModelMatchesOrt(readFileSync(ppocrModelPath('det')), 'x', [1, 3, 96, 128], 1, onOpenCL));
  it('rec matches onnxruntime-node at 1x3x48x96', () =>
    expectModelMatchesOrt(readFileSync(ppocrModelPath('rec')), 'x', [1, 3, 48, 96], 2, onOpenCL));
  it('cls matches onnxruntime-node at 2x3x48x96', () =>
    expectModelMatchesOrt(readFileSync(ppocrModelPath('cls')), 'x', [2, 3, 48, 96], 3, onOpenCL));
});
