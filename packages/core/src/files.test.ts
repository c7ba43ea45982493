/**
 * bad-inputs row 57: a write that fails part-way (ENOSPC; SIGINT stops it the same way, before the rename)
 * leaves the earlier file whole and no partial or temporary file behind. The CLI's output tensors, saved
 * ONNX models and bundles are all written by `writeFileAtomic`.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { readRegularFile, writeFileAtomic } from './files.js';

const disk = vi.hoisted(() => ({ full: false }));

vi.mock('node:fs/promises', async (original) => {
  const fs = await original<typeof import('node:fs/promises')>();
  return {
    ...fs,
    // A full disk: half the bytes land, then ENOSPC.
    async open(...args: Parameters<typeof fs.open>) {
      const handle = await fs.open(...args);
      const writeFile = handle.writeFile.bind(handle);
      handle.writeFile = async (data: Uint8Array) => {
        if (!disk.full) return writeFile(data);
        await writeFile(data.subarray(0, data.length >> 1));
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      };
      return handle;
    },
  };
});

describe('writeFileAtomic (row 57)', () => {
  it('keeps the earlier file whole and leaves no temporary file when a write fails part-way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lm-files-'));
    const path = join(dir, 'y.bin');
    await writeFileAtomic(path, new Uint8Array([1, 2, 3, 4]));
    const before = readFileSync(path);

    disk.full = true;
    try {
      await expect(writeFileAtomic(path, new Uint8Array(1000).fill(7))).rejects.toMatchObject({ code: 'ENOSPC' });
    } finally {
      disk.full = false;
    }
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['y.bin']);
  });
});

describe('readRegularFile', () => {
  it('reads a file, and refuses a folder or a missing path with an InputError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lm-files-'));
    writeFileSync(join(dir, 'a.bin'), new Uint8Array([9, 8]));
    expect([...(await readRegularFile(join(dir, 'a.bin'), 'bundle'))]).toEqual([9, 8]);
    await expect(readRegularFile(dir, 'bundle')).rejects.toMatchObject({
      code: 'LM_INPUT',
      message: /not a regular file/,
    });
    await expect(readRegularFile(join(dir, 'missing'), 'bundle')).rejects.toMatchObject({
      code: 'LM_INPUT',
      message: /ENOENT/,
    });
  });
});
