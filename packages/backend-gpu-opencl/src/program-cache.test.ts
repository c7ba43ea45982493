/**
 * The device runtime and the on-disk program-binary cache: miss, hit, and a corrupt file rebuilt.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { OpenCL } from './cl/api.js';
import { libraryCandidates } from './cl/library.js';
import { liveObjects } from './cl/live-objects.js';
import { chooseDevice, listDevices } from './device/devices.js';
import { DeviceRuntime } from './device/runtime.js';
import { onDevice } from './support.js';

onDevice('the device runtime on the installed OpenCL', () => {
  it('builds both program variants, caches their binaries, rebuilds a corrupt one, and frees everything', () => {
    const cl = OpenCL.open(libraryCandidates());
    const device = chooseDevice(listDevices(cl));
    const folder = mkdtempSync(join(tmpdir(), 'lm-ocl-cache-'));
    const first = new DeviceRuntime(cl, device);
    expect(first.program('fp32', folder).cache).toBe('miss');
    expect(first.program('fp16', folder).cache).toBe('miss');
    first.release();
    expect(liveObjects().total).toBe(0);

    const second = new DeviceRuntime(cl, device);
    expect(second.program('fp32', folder).cache).toBe('hit');
    const [file] = readdirSync(folder)
      .filter((f) => f.endsWith('.clbin'))
      .map((f) => join(folder, f));
    second.release();

    for (const f of readdirSync(folder).map((name) => join(folder, name))) {
      const bytes = readFileSync(f);
      bytes[bytes.length - 3] ^= 0xff;
      writeFileSync(f, bytes);
    }
    const third = new DeviceRuntime(cl, device);
    expect(third.program('fp32', folder).cache).toBe('rebuilt-corrupt');
    expect(third.program('fp16', folder).cache).toBe('rebuilt-corrupt');
    third.release();
    expect(readFileSync(file).length).toBeGreaterThan(40);
    const fourth = new DeviceRuntime(cl, device);
    expect(fourth.program('fp32', folder).cache).toBe('hit');
    fourth.release();
    expect(liveObjects().total).toBe(0);
  }, 120_000);
});
