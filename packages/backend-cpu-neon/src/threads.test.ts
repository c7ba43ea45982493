/**
 * The worker pool: shared steps give the same bits at any thread count, a worker that dies fails the run
 * in flight with BackendCrashedError (never a hang) and is replaced, and dispose stops the workers.
 */
import { a, isLastmileError, makeNode, SeededRandom, Session, type Tensor } from '@lastmile/core';
import { buildModelBytes } from '@lastmile/models';
import { expectClose } from '@lastmile/testing';
import { describe, expect, it } from 'vitest';
import type { NeonExecutable } from './executable.js';
import { backend } from './index.js';
import { CRASH_ON_CLAIM } from './threads/control.js';
import { caseModel } from './harness.js';

async function runWithThreads(bytes: Uint8Array, x: Tensor, threads: number): Promise<Record<string, Tensor>> {
  const session = await Session.init(bytes, { backends: [backend], threads });
  try {
    return await session.run({ input: x });
  } finally {
    await session.destroy();
  }
}

/** Two 3x3 convolutions, a few ms each: long enough for a worker to wake and take chunks. */
function bigConv(seed: number) {
  const r = new SeededRandom(seed);
  const model = caseModel({
    inputs: { x: r.floatTensor([1, 32, 64, 64]) },
    constants: {
      W: r.floatTensor([48, 32, 3, 3], -0.1, 0.1),
      B: r.floatTensor([48]),
      V: r.floatTensor([32, 48, 3, 3], -0.1, 0.1),
    },
    nodes: [
      makeNode('Conv', ['x', 'W', 'B'], ['c'], { pads: a.ints([1, 1, 1, 1]) }, 'conv'),
      makeNode('Relu', ['c'], ['r'], {}, 'relu'),
      makeNode('Conv', ['r', 'V'], ['y'], { pads: a.ints([1, 1, 1, 1]) }, 'conv2'),
    ],
    outputs: ['y'],
  });
  return { model, feeds: { x: r.floatTensor([1, 32, 64, 64]) } };
}

describe('threads', () => {
  it('MobileNetV2 and ResNet-18 give the same bits on 1, 2 and 3 threads', async () => {
    for (const name of ['mobilenetV2', 'resnet18'] as const) {
      const bytes = buildModelBytes(name, { resolution: 64, numClasses: 10 });
      const x = new SeededRandom(5).floatTensor([1, 3, 64, 64], 0, 1);
      const one = await runWithThreads(bytes, x, 1);
      for (const threads of [2, 3]) {
        const many = await runWithThreads(bytes, x, threads);
        for (const [k, t] of Object.entries(one)) expectClose(many[k], t, 0, 0, `${name} at ${threads} threads: ${k}`);
      }
    }
  });

  it('starts its worker when compiled, splits a large convolution into shared chunks and runs them on the pool', async () => {
    const { model, feeds } = bigConv(1);
    const serial = (await backend.compile({ id: 0, model }, { threads: 1 })) as NeonExecutable;
    const shared = (await backend.compile({ id: 0, model }, { threads: 2 })) as NeonExecutable;
    try {
      expect(serial.pool).toBeUndefined();
      // The worker boots while the session is still being prepared, not in the first run.
      expect(shared.pool?.size).toBe(1);
      const expected = await serial.run(feeds);
      // The worker takes part (on a busy machine the pool may run a few runs without it, then tries again).
      for (let i = 0; i < 200 && !(shared.pool!.workerChunks > 0 && i >= 3); i++)
        expectClose((await shared.run(feeds)).y, expected.y, 0, 0, 'y');
      expect(shared.pool?.size).toBe(1);
      expect(shared.pool?.workerChunks).toBeGreaterThan(0);
    } finally {
      await serial.dispose();
      await shared.dispose();
    }
    expect(shared.pool?.size).toBe(0);
    await expect(shared.run(feeds)).rejects.toThrow(/disposed/);
  });

  it('shares a batched MatMul of two runtime tensors (pack, then GEMM) and gives the same bits, row tails included', async () => {
    const r = new SeededRandom(11);
    // 5 columns: every row ends in a partial store, which threads make side by side.
    const inputs = { a: r.floatTensor([8, 512, 8]), b: r.floatTensor([8, 8, 5]) };
    const model = caseModel({ inputs, nodes: [makeNode('MatMul', ['a', 'b'], ['y'], {}, 'mm')], outputs: ['y'] });
    const serial = (await backend.compile({ id: 0, model }, { threads: 1 })) as NeonExecutable;
    const shared = (await backend.compile({ id: 0, model }, { threads: 2 })) as NeonExecutable;
    try {
      expect(shared.pool).toBeDefined();
      const expected = (await serial.run(inputs)).y;
      for (let i = 0; i < 30; i++) expectClose((await shared.run(inputs)).y, expected, 0, 0, `y, run ${i}`);
    } finally {
      await serial.dispose();
      await shared.dispose();
    }
  });

  it('fails the run in flight with BackendCrashedError when a worker exits, then replaces it', async () => {
    const { model, feeds } = bigConv(2);
    const executable = (await backend.compile({ id: 0, model }, { threads: 2 })) as NeonExecutable;
    try {
      const expected = await executable.run(feeds);
      const pool = executable.pool!;
      // The worker exits as soon as it takes a chunk; the calling thread may take them all on a given run.
      Atomics.store(pool.control, CRASH_ON_CLAIM, 3);
      let crash: unknown;
      for (let i = 0; i < 300 && crash === undefined; i++) {
        await executable.run(feeds).catch((error: unknown) => {
          crash = error;
        });
      }
      expect(isLastmileError(crash, 'LM_BACKEND_CRASHED'), String(crash)).toBe(true);
      expect((crash as Error).message).toMatch(/exited with code 3/);
      expect(Atomics.load(pool.control, CRASH_ON_CLAIM)).toBe(0);
      // The next shared run starts a new worker (a busy machine may first run a few without it).
      for (let i = 0; i < 200 && !(pool.size === 1 && i >= 3); i++)
        expectClose((await executable.run(feeds)).y, expected.y, 0, 0, 'y after the crash');
      expect(pool.size).toBe(1);
    } finally {
      await executable.dispose();
    }
  });

  it('rejects a thread count that is not a positive integer', async () => {
    const { model } = bigConv(3);
    await expect(backend.compile({ id: 0, model }, { threads: 0 })).rejects.toMatchObject({ code: 'LM_INPUT' });
    await expect(backend.compile({ id: 0, model }, { threads: 1.5 })).rejects.toMatchObject({ code: 'LM_INPUT' });
  });
});
