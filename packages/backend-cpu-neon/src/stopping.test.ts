/** bad-inputs row 47: a run far past its deadline stops there, and stops computing (see @lastmile/testing). */
import { expectRunsStop } from '@lastmile/testing';
import { it } from 'vitest';
import { backend } from './index.js';

// 20,000 MatMuls of 256 x 256: 3.4e11 multiply-adds, seconds even at SIMD speed on every core.
for (const threads of [1, 2])
  it(`row 47: a run of minutes fails at its deadline and when cancelled, and stops computing (${threads} threads)`, () =>
    expectRunsStop(backend, 20_000, 256, { threads }));
