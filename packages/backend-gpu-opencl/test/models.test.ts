/**
 * Whole models through a Session with backends [gpu-opencl, cpu-neon] against onnxruntime-node on the same
 * seeded inputs: the bench CNNs (built by tooling/models) and the trained PP-OCR models, at small sizes.
 */
import { readFileSync } from 'node:fs';
import { type ArchitectureName, buildModelBytes, ppocrModelPath } from '@lastmile/models';
import { expect, it } from 'vitest';
import { expectModelMatchesOrt, onDevice } from './support.js';

const onOpenCL = (run: { session: { assignment?: { nodes: { backend: string; op: string }[] } } }) => {
  const declined = run.session.assignment?.nodes.filter((n) => n.backend !== 'gpu-opencl') ?? [];
  expect(declined.map((n) => n.op)).toEqual([]);
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
      expectModelMatchesOrt(buildModelBytes(name, { resolution, numClasses: 100 }), 'input', [1, 3, resolution, resolution], 7, { check: onOpenCL }));
  }
});

onDevice('PP-OCR models on gpu-opencl', () => {
  it('det matches onnxruntime-node at 1x3x96x128', () => expectModelMatchesOrt(readFileSync(ppocrModelPath('det')), 'x', [1, 3, 96, 128], 1, { check: onOpenCL }));
  it('rec matches onnxruntime-node at 1x3x48x96', () => expectModelMatchesOrt(readFileSync(ppocrModelPath('rec')), 'x', [1, 3, 48, 96], 2, { check: onOpenCL }));
  it('cls matches onnxruntime-node at 2x3x48x96', () => expectModelMatchesOrt(readFileSync(ppocrModelPath('cls')), 'x', [2, 3, 48, 96], 3, { check: onOpenCL }));
});
