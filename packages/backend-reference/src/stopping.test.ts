/** bad-inputs row 47: a run far past its deadline stops there, and stops computing (see @lastmile/testing). */
import { expectRunsStop } from '@lastmile/testing';
import { it } from 'vitest';
import { backend } from './index.js';

it('row 47: a run of minutes fails at its deadline and when cancelled, and stops computing', () =>
  // 20,000 MatMuls of 128 x 128: 4e10 multiply-adds, a minute or more in plain TypeScript.
  expectRunsStop(backend, 20_000, 128));
