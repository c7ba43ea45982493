import {
  ArtifactMismatchError,
  type ArtifactHeader,
  Session,
  encodeModel,
  evaluateGraph,
  inferShapes,
  partitionModel,
  validateGraph,
} from '@lastmile/core';
import { afterEach, describe, expect, it } from 'vitest';
import { convInput, convNet, cpuBackend, expectAlive, sameValues } from './fixtures.js';
import { createTestDevice, quantParams } from './test-device.js';

afterEach(async () => {
  await expectAlive();
});

const calibration = [1, 2, 3].map((seed) => ({ x: convInput(seed) }));
// minPartitionNodes: 1 keeps convNet's 2- and 3-node pieces on the device, where these tests need them.

async function compiledFirstPartition() {
  const device = createTestDevice();
  const model = inferShapes(validateGraph(convNet()));
  const { partitions } = partitionModel(model, [device.backend, cpuBackend()], { minPartitionNodes: 1 });
  const executable = await device.backend.compile(partitions[0], { calibration });
  return { device, model, partition: partitions[0], executable };
}

describe('the test device', () => {
  it('refuses to compile without calibration', async () => {
    const device = createTestDevice();
    const { partitions } = partitionModel(inferShapes(validateGraph(convNet())), [device.backend, cpuBackend()], {
      minPartitionNodes: 1,
    });
    await expect(device.backend.compile(partitions[0], {})).rejects.toThrow(
      /test-npu quantizes to int8 and needs calibration samples/,
    );
  });

  it('quantizes per tensor with a float32 scale and a zero point that maps 0 exactly', () => {
    const scale = Math.fround(4 / 255);
    expect(quantParams(-1, 3)).toEqual({ scale, zeroPoint: Math.round(-128 + 1 / scale) });
    expect(quantParams(2, 2)).toEqual({ scale: Math.fround(2 / 255), zeroPoint: -128 });
    expect(quantParams(0, 0)).toEqual({ scale: 1, zeroPoint: -128 });
  });

  it('serializes a compiled partition, loads it back and gives the same outputs', async () => {
    const { device, model, executable } = await compiledFirstPartition();
    const x = convInput(42);
    const before = await executable.run({ x });
    const artifact = await executable.serialize!();
    const header = { target: artifact.target } as ArtifactHeader;
    const loaded = await device.backend.load!({ header, bytes: artifact.bytes }, {});
    const after = await loaded.run({ x });
    expect(sameValues(after.r1, before.r1)).toBe(true);
    // And it is close to the float result: int8 fake-quant, not garbage.
    const truth = evaluateGraph(model, { x }, { keep: ['r1'] }).r1;
    expect(
      Math.max(...(after.r1.data as Float32Array).map((v, i) => Math.abs(v - (truth.data[i] as number)))),
    ).toBeLessThan(0.02);
    expect(device.stats.liveBuffers).toBe(4); // w1 and b1, uploaded by each of the two executables
    loaded.dispose();
    await executable.dispose();
    expect(device.stats.liveBuffers).toBe(0);
    await expect(loaded.run({ x })).rejects.toThrow(/used after dispose/);
  });

  it('refuses an artifact for another target, or one whose activation parameters are gone', async () => {
    const { device, model, executable } = await compiledFirstPartition();
    const { target, bytes } = await executable.serialize!();
    const other = { target: 'another chip' } as ArtifactHeader;
    await expect(device.backend.load!({ header: other, bytes }, {})).rejects.toBeInstanceOf(ArtifactMismatchError);
    const bare = encodeModel(model);
    await expect(device.backend.load!({ header: { target } as ArtifactHeader, bytes: bare }, {})).rejects.toThrow(
      /activation parameters are missing/,
    );
    await executable.dispose();
    expect(device.stats.liveBuffers).toBe(0);
  });

  it('runs a whole session and frees its activations after every run', async () => {
    const device = createTestDevice();
    const session = await Session.init(convNet(), {
      backends: [device.backend, cpuBackend()],
      minPartitionNodes: 1,
      calibration,
    });
    for (let i = 0; i < 5; i++) await session.run({ x: convInput(i) });
    expect(device.stats.liveBuffers).toBe(3);
    await session.destroy();
    expect(device.stats.liveBuffers).toBe(0);
  });
});
