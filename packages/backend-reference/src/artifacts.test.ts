/** The reference's artifact is the graph it interprets: a bundle runs bit for bit without the model. */
import { SeededRandom } from '@lastmile/core';
import { buildModel, INPUT_NAME } from '@lastmile/models';
import { expectArtifactRoundTrip } from '@lastmile/testing';
import { describe, it } from 'vitest';
import { backend } from './index.js';

describe('reference artifacts', () => {
  it('round-trip a model bit for bit', async () => {
    const model = buildModel('squeezenet11', { resolution: [32, 32], numClasses: 4 });
    const x = new SeededRandom(2).floatTensor([1, 3, 32, 32], -1, 1);
    await expectArtifactRoundTrip(model, [backend], { [INPUT_NAME]: x });
  });
});
