/**
 * bad-inputs row 57: a write of outputs that fails part-way (ENOSPC; SIGINT stops it the same way, before
 * the rename) leaves the earlier file whole and no partial or temporary file behind.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tensor } from '@lastmile/core';
import { describe, expect, it, vi } from 'vitest';
import { saveTensors } from './output-files.js';

const disk = vi.hoisted(() => ({ full: false }));

vi.mock('node:fs/promises', async (original) => {
  const fs = await original<typeof import('node:fs/promises')>();
  return {
    ...fs,
    // A full disk: half the bytes land, then ENOSPC.
    async writeFile(path: string, data: Uint8Array) {
      if (!disk.full) return fs.writeFile(path, data);
      await fs.writeFile(path, data.subarray(0, data.length >> 1));
      throw Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), { code: 'ENOSPC' });
    },
  };
});

describe('output files (row 57)', () => {
  it('keeps the earlier output whole and leaves no temporary file when a write fails part-way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lm-outputs-'));
    const tensors = new Map([['y', new Tensor('float32', [1, 2, 3, 4], [4])]]);
    const [path] = (await saveTensors(dir, tensors)).values();
    const before = readFileSync(path);

    disk.full = true;
    try {
      const larger = new Map([['y', new Tensor('float32', new Float32Array(1000).fill(7), [1000])]]);
      await expect(saveTensors(dir, larger)).rejects.toMatchObject({ code: 'ENOSPC' });
    } finally {
      disk.full = false;
    }
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['y.npy']);
  });
});
