/**
 * gpu-opencl's artifacts: the partition's graph, its storage precision and the device it was built on;
 * a bundle loaded without the model compiles the same kernels and gives the same bits in fp32 and fp16;
 * an artifact of another device or precision scheme is refused.
 */
import { ArtifactMismatchError, type ArtifactHeader, encodeModel, SeededRandom } from '@lastmile/core';
import { buildModel, INPUT_NAME } from '@lastmile/models';
import { expectArtifactRoundTrip } from '@lastmile/testing';
import { afterEach, expect, it } from 'vitest';
import { backend, liveObjects } from './index.js';
import { onDevice, openclThenCpu } from './support.js';

afterEach(() => {
  expect(liveObjects().total).toBe(0);
});

const model = buildModel('squeezenet11', { resolution: [32, 32], numClasses: 4 });
const x = new SeededRandom(6).floatTensor([1, 3, 32, 32], -1, 1);

onDevice('gpu-opencl artifacts', () => {
  it.each(['fp32', 'fp16'] as const)('round-trip a model bit for bit in %s', async (precision) => {
    await expectArtifactRoundTrip(model, openclThenCpu, { [INPUT_NAME]: x }, { precision });
  });

  it('refuses an artifact of another device, or not of gpu-opencl', async () => {
    const bytes = encodeModel(model);
    for (const target of ['opencl fp32 on Mali-G71 r0p0', 'wasm-simd128 x64'])
      await expect(backend.load!({ header: { target } as ArtifactHeader, bytes }, {})).rejects.toBeInstanceOf(
        ArtifactMismatchError,
      );
  });
});
