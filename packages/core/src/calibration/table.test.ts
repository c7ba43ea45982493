/**
 * The calibration table: built by streaming samples through the model, every float value's range and
 * parameters; written and read back as a versioned file; refused for another model or when damaged; and
 * given to a session, the quantizing backend takes its parameters from it with no samples at all.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ArtifactMismatchError,
  decodeArtifact,
  decodeBundle,
  evaluateGraph,
  readCalibrationTable,
  SerializationError,
  Session,
  type Tensor,
  writeCalibrationTable,
} from '@lastmile/core';
import { describe, expect, it } from 'vitest';
import { convInput, convNet, cpuBackend } from '../fixtures.js';
import { createTestDevice, quantParams } from '../test-device.js';
import { minMaxQuantization } from './table.js';

/** Samples as a stream: the table never needs them all at once. */
async function* stream(seeds: number[]): AsyncIterable<Record<string, Tensor>> {
  for (const seed of seeds) yield { x: convInput(seed) };
}

async function tableOf(seeds: number[]) {
  const session = await Session.init(convNet(), { backends: [cpuBackend()] });
  const table = await session.calibrate(stream(seeds));
  return { table, model: session.model, destroy: () => session.destroy() };
}

describe('the calibration table', () => {
  it('records the range of every float value over streamed samples, and min/max parameters', async () => {
    const { table, model, destroy } = await tableOf([1, 2, 3]);
    expect(table.samples).toBe(3);
    const names = ['x', ...model.graph.nodes.flatMap((n) => n.outputs)];
    expect([...table.values.keys()].sort()).toEqual([...new Set(names)].sort());
    let min = Infinity;
    let max = -Infinity;
    for (const seed of [1, 2, 3]) {
      const r1 = evaluateGraph(model, { x: convInput(seed) }, { keep: ['r1'] }).r1.data as Float32Array;
      for (const v of r1) [min, max] = [Math.min(min, v), Math.max(max, v)];
    }
    const r1 = table.values.get('r1')!;
    expect([r1.min, r1.max, r1.nonFinite]).toEqual([min, max, 0]);
    expect(r1.quant).toEqual(minMaxQuantization(min, max, 'int8'));
    await destroy();
  });

  it('is written as a versioned file and read back the same; a damaged one is a SerializationError', async () => {
    const { table, destroy } = await tableOf([1, 2]);
    const path = join(mkdtempSync(join(tmpdir(), 'lm-calib-')), 'table.json');
    await writeCalibrationTable(path, table);
    expect(await readCalibrationTable(path)).toEqual(table);
    const text = readFileSync(path, 'utf8');
    for (const [damage, message] of [
      [text.slice(0, 40), /not JSON/],
      [text.replace('"version": 1', '"version": 2'), /version must be 1/],
      [text.replace(/"scale": \[\n?\s*[\d.e-]+/, '"scale": [-1'), /must be a positive finite scale/],
    ] as const) {
      writeFileSync(path, damage);
      const error = await readCalibrationTable(path).catch((e) => e);
      expect(error).toBeInstanceOf(SerializationError);
      expect((error as Error).message).toMatch(message);
    }
    await destroy();
  });

  it("gives a session the device's parameters without samples, and is refused for another model", async () => {
    const { table, destroy } = await tableOf([1, 2, 3]);
    const device = createTestDevice();
    const session = await Session.init(convNet(), {
      backends: [device.backend, cpuBackend()],
      minPartitionNodes: 1,
      calibrationTable: table,
      precision: { 'test-npu': 'int8' },
    });
    const out = await session.run({ x: convInput(4) });
    expect(out.z.dims).toEqual([1, 4, 4, 4]);
    // The int8 boundaries the device declares are the table's parameters.
    const [first] = decodeBundle(await session.export()).partitions;
    const r1 = decodeArtifact(first.artifact).header.signature.outputs.find((o) => o.name === 'r1');
    expect(r1?.quant).toEqual(table.values.get('r1')!.quant);
    expect(quantParams(table.values.get('r1')!.min, table.values.get('r1')!.max).scale).toBe(r1?.quant?.scale[0]);
    await session.destroy();

    const other = convNet([1, 2, 16, 16]);
    const refused = await Session.init(other, { backends: [cpuBackend()], calibrationTable: table }).catch((e) => e);
    expect(refused).toBeInstanceOf(ArtifactMismatchError);
    expect((refused as Error).message).toMatch(/computed for model .* calibrate this model/);
    await destroy();
  });
});
