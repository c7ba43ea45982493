/**
 * Per-node profiles: a session compiled with `profiling` reports one timed entry per node of the last run.
 */
import { SeededRandom, Session } from '@lastmile/core';
import { buildModel } from '@lastmile/models';
import { describe, expect, it } from 'vitest';
import { backend } from './index.js';

describe('reference backend profiling', () => {
  const model = buildModel('squeezenet11', { resolution: 32, numClasses: 10, seed: 5 });
  const input = { input: new SeededRandom(6).floatTensor([1, 3, 32, 32], 0, 1) };

  it('times every node of the last run when compiled with profiling', async () => {
    const session = await Session.init(model, { backends: [backend], profiling: true });
    try {
      await session.run(input);
      const profile = session.profile();
      expect(profile.length).toBe(session.assignment?.nodes.length);
      expect(profile.filter((e) => e.op === 'Conv').length).toBe(26);
      for (const entry of profile) {
        expect(entry.name).not.toBe('');
        expect(entry.ms).toBeGreaterThanOrEqual(0);
      }
    } finally {
      await session.destroy();
    }
  });

  it('reports nothing without profiling', async () => {
    const session = await Session.init(model, { backends: [backend] });
    try {
      await session.run(input);
      expect(session.profile()).toEqual([]);
    } finally {
      await session.destroy();
    }
  });
});
