/**
 * bad-inputs row 57: a program-cache write that fails part-way (ENOSPC) leaves the entry that was there
 * whole, no temporary file behind, and no error: the cache only costs the next process a compile.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { writeEntry } from './device/program-cache.js';

const disk = vi.hoisted(() => ({ full: false }));

vi.mock('node:fs', async (original) => {
  const fs = await original<typeof import('node:fs')>();
  return {
    ...fs,
    writeFileSync(path: string, data: Uint8Array) {
      if (!disk.full) return fs.writeFileSync(path, data);
      fs.writeFileSync(path, data.subarray(0, data.length >> 1));
      throw Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), { code: 'ENOSPC' });
    },
  };
});

describe('the program cache on a full disk (row 57)', () => {
  it('keeps the earlier entry and removes the partial temporary file, without throwing', () => {
    const folder = mkdtempSync(join(tmpdir(), 'lm-ocl-full-'));
    const path = join(folder, 'key.clbin');
    writeEntry(folder, path, new Uint8Array([1, 2, 3]));
    const before = readFileSync(path);
    disk.full = true;
    try {
      expect(() => writeEntry(folder, path, new Uint8Array(4096).fill(9))).not.toThrow();
    } finally {
      disk.full = false;
    }
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(folder)).toEqual(['key.clbin']);
  });
});
