/**
 * Islands on PP-OCR det: behind a backend that declines a few ops (cpu-neon's kernels under another name,
 * standing in for an NPU), first-fit cuts the head into one- to three-node pieces; the default
 * minPartitionNodes moves them to cpu-neon, with the same outputs as cpu-neon alone.
 */
import { type Backend, SeededRandom, Session } from '@lastmile/core';
import { ppocrModelPath } from '@lastmile/models';
import { expectClose } from '@lastmile/testing';
import { describe, expect, it } from 'vitest';
import { backend } from './index.js';

/** cpu-neon as 'npu', declining `ops` as an NPU without them would. */
const npuWithout = (ops: string[]): Backend => ({
  ...backend,
  name: 'npu',
  supports: (node, context) =>
    ops.includes(node.opType) ? { supported: false, reason: `no ${node.opType}` } : backend.supports(node, context),
});

const x = new SeededRandom(5).floatTensor([1, 3, 64, 96], 0, 1);

async function run(backends: Backend[], minPartitionNodes?: number) {
  const session = await Session.init(ppocrModelPath('det'), { backends, minPartitionNodes });
  try {
    const outputs = await session.run({ x });
    return {
      outputs,
      partitions: session.partitions.map((p) => `${p.backend}:${p.nodeCount}`),
      report: session.assignment,
    };
  } finally {
    await session.destroy();
  }
}

describe('PP-OCR det on a partial backend and cpu-neon', () => {
  // An NPU without ConvTranspose; and one that also lacks a standalone BatchNormalization (it folds BN into convs only).
  const cases: [string[], string[]][] = [
    [['ConvTranspose'], ['npu:321', 'cpu-neon:1', 'npu:3', 'cpu-neon:1', 'npu:2']],
    [
      ['ConvTranspose', 'BatchNormalization'],
      ['npu:321', 'cpu-neon:1', 'npu:1', 'cpu-neon:1', 'npu:1', 'cpu-neon:1', 'npu:2'],
    ],
  ];
  for (const [declined, firstFit] of cases) {
    it(`without ${declined.join(', ')}: islands move to cpu-neon, leaving at most 3 partitions and the same outputs`, async () => {
      const alone = await run([backend]);
      const before = await run([npuWithout(declined), backend], 1);
      expect(before.partitions).toEqual(firstFit);
      const after = await run([npuWithout(declined), backend]);
      expect(after.partitions).toEqual(['npu:321', 'cpu-neon:7']);
      expect(after.report?.nodes.find((n) => n.op === 'Sigmoid')?.movedFrom).toEqual({
        backend: 'npu',
        reason: 'an island of 2 nodes after a cpu-neon partition (fewer than 4)',
      });
      for (const [name, want] of Object.entries(alone.outputs)) {
        expectClose(before.outputs[name], want, 1e-3, 1e-4, `${name} (minPartitionNodes 1)`);
        expectClose(after.outputs[name], want, 1e-3, 1e-4, name);
      }
    });
  }
});
