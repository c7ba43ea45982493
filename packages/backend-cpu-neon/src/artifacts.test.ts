/**
 * cpu-neon's artifacts: the partition's graph and kernel target; a bundle loaded without the model
 * compiles the same kernels and gives the same bits, threads or not; a target it cannot run is refused.
 */
import { ArtifactMismatchError, type ArtifactHeader, encodeModel, SeededRandom } from '@lastmile/core';
import { buildModel, INPUT_NAME } from '@lastmile/models';
import { expectArtifactRoundTrip } from '@lastmile/testing';
import { describe, expect, it } from 'vitest';
import { backend } from './index.js';

const small = { resolution: [64, 64] as const, numClasses: 10 };
const x = new SeededRandom(4).floatTensor([1, 3, 64, 64], -1, 1);

describe('cpu-neon artifacts', () => {
  it.each(['mobilenetV3Small', 'resnet18'] as const)(
    'round-trip %s bit for bit, on one thread and on two',
    async (name) => {
      const model = buildModel(name, small);
      await expectArtifactRoundTrip(model, [backend], { [INPUT_NAME]: x }, { threads: 1 });
      await expectArtifactRoundTrip(model, [backend], { [INPUT_NAME]: x }, { threads: 2 });
    },
  );

  it('refuses a target that is not its own', async () => {
    const bytes = encodeModel(buildModel('squeezenet11', small));
    for (const target of ['opencl fp32 on Mali-G71', 'wasm-simd256 x64'])
      await expect(backend.load!({ header: { target } as ArtifactHeader, bytes }, {})).rejects.toBeInstanceOf(
        ArtifactMismatchError,
      );
  });
});
