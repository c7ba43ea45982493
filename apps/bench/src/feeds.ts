/**
 * The seeded input values every contestant gets: uniform in [0, 1), one seed per input, so the parent
 * (which computes the expected outputs) and every child make the same feeds without passing them around.
 */
import { SeededRandom } from '@lastmile/core';
import type { ModelInput } from './protocol.js';

export interface Feed {
  name: string;
  dims: number[];
  data: Float32Array;
}

export function makeFeeds(inputs: readonly ModelInput[], seed: number): Feed[] {
  return inputs.map((input, i) => ({
    name: input.name,
    dims: [...input.dims],
    data: new SeededRandom(seed + i).floatTensor(input.dims, 0, 1).data,
  }));
}
