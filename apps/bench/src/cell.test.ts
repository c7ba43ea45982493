import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureCell } from './cell.js';
import type { OutputValue } from './compare.js';
import { writeOutputs } from './outputs-file.js';
import type { CellRequest, Method } from './protocol.js';
import type { Runner } from './runners.js';

const expected: Record<string, OutputValue> = { y: { type: 'float32', dims: [2], data: new Float32Array([1, -2]) } };
const method: Method = { minWarmupMs: 20, maxWarmupMs: 200, minRuns: 20, minTimedMs: 30, maxCellMs: 5000 };
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bench-cell-'));
  await writeFile(join(dir, 'm.onnx'), new Uint8Array([0]));
  await writeOutputs(join(dir, 'm.expected.json'), expected);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const request = (overrides: Partial<CellRequest> = {}): CellRequest => ({
  modelId: 'm',
  modelPath: join(dir, 'm.onnx'),
  expectedPath: join(dir, 'm.expected.json'),
  inputs: [{ name: 'x', dims: [2] }],
  seed: 1,
  contestant: { id: 'fake', label: 'fake', family: 'lastmile', backend: 'fake' },
  method,
  profile: false,
  projectRoot: dir,
  ...overrides,
});

/** A runner that answers `value` after `ms` and counts its runs. */
function fakeRunner(value: number[], ms = 0) {
  const counts = { runs: 0, disposed: 0 };
  const createRunner = async (): Promise<Runner> => ({
    async run() {
      counts.runs++;
      if (ms > 0) await sleep(ms);
      return { y: { type: 'float32', dims: [2], data: new Float32Array(value) } };
    },
    profile: () => [
      { name: 'conv1', op: 'Conv', ms: 3 },
      { name: 'relu1', op: 'Relu', ms: 1 },
    ],
    async dispose() {
      counts.disposed++;
    },
  });
  return { counts, deps: { createRunner } };
}

describe('measuring one cell', () => {
  it('times a correct contestant: create and first run apart, warm-up, then at least minRuns and minTimedMs', async () => {
    const { counts, deps } = fakeRunner([1, -2]);
    const result = await measureCell(request(), deps);
    expect(result.status).toBe('ok');
    expect(result.verdict?.ok).toBe(true);
    expect(result.createMs).toBeGreaterThanOrEqual(0);
    expect(result.firstRunMs).toBeGreaterThanOrEqual(0);
    expect(result.warmupMs).toBeGreaterThanOrEqual(15);
    // minRuns unless the cell's time budget ran out first, which a loaded machine may make happen.
    expect(result.samples?.length).toBeGreaterThanOrEqual(result.budgetBound ? 1 : 20);
    expect(result.summary?.runs).toBe(result.samples?.length);
    expect(counts.runs).toBe(1 + (result.warmupRuns ?? 0) + (result.samples?.length ?? 0));
    expect(counts.disposed).toBe(1);
  });

  it('reports a wrong contestant as wrong and never times it', async () => {
    const { counts, deps } = fakeRunner([1, -2.5]);
    const result = await measureCell(request(), deps);
    expect(result.status).toBe('wrong');
    expect(result.reason).toMatch(/output 'y': 1 of 2 elements outside/);
    expect(result.samples).toBeUndefined();
    expect(counts.runs).toBe(1);
    expect(counts.disposed).toBe(1);
  });

  it('stops at the time budget and marks the cell, with fewer runs than asked', async () => {
    const { deps } = fakeRunner([1, -2], 25);
    const result = await measureCell(request({ method: { ...method, maxCellMs: 200 } }), deps);
    expect(result.status).toBe('ok');
    expect(result.budgetBound).toBe(true);
    expect(result.samples?.length).toBeGreaterThanOrEqual(1);
    expect(result.samples?.length).toBeLessThan(20);
  });

  it('takes a per-layer profile of lastmile contestants in a separate session', async () => {
    const { counts, deps } = fakeRunner([1, -2]);
    const result = await measureCell(
      request({ profile: true, method: { ...method, minRuns: 2, minTimedMs: 0, minWarmupMs: 0 } }),
      deps,
    );
    expect(result.profile).toMatchObject({
      totalMs: 4,
      nodes: 2,
      top: [{ name: 'conv1', share: 0.75 }, { name: 'relu1' }],
      byOp: [{ op: 'Conv', count: 1 }, { op: 'Relu' }],
    });
    expect(counts.disposed).toBe(2);
  });

  it('profiles warm runs: the runs before are not recorded, and each node gets its median', async () => {
    // Per session: run 1 is cold, runs 2-5 warm up, runs 6-10 are profiled.
    const convMs = [100, 1, 1, 1, 1, 5, 3, 9, 3, 4];
    const deps = {
      createRunner: async (): Promise<Runner> => {
        let runs = 0;
        return {
          async run() {
            runs++;
            return { y: { type: 'float32', dims: [2], data: new Float32Array([1, -2]) } };
          },
          profile: () => [{ name: 'conv1', op: 'Conv', ms: convMs[runs - 1] ?? 0 }],
          dispose: async () => undefined,
        };
      },
    };
    const result = await measureCell(
      request({ profile: true, method: { ...method, minRuns: 2, minTimedMs: 0, minWarmupMs: 0 } }),
      deps,
    );
    expect(result.profile?.top).toEqual([{ name: 'conv1', op: 'Conv', ms: 4, share: 1 }]);
  });

  it('turns a failing session creation or run into a failed cell', async () => {
    const failing = { createRunner: async (): Promise<Runner> => Promise.reject(new Error('no device')) };
    expect(await measureCell(request(), failing)).toEqual({
      status: 'failed',
      reason: 'session creation failed: no device',
    });
    const crashing = {
      createRunner: async (): Promise<Runner> => ({
        run: () => Promise.reject(new Error('kernel crashed')),
        dispose: async () => undefined,
      }),
    };
    expect(await measureCell(request(), crashing)).toEqual({ status: 'failed', reason: 'run failed: kernel crashed' });
  });
});
