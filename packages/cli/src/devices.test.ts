import { describe, expect, it } from 'vitest';
import type { DevicesResult } from './devices-command.js';
import { fakeProject, lastmile } from './testing.js';

describe('lastmile devices (built CLI as a process)', () => {
  it('lists every built-in and installed third-party backend with its probe, a simulator as SIMULATED', async () => {
    const project = fakeProject();
    const r = await lastmile(['devices', '--project-root', project]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`project root: ${project}`);
    expect(lines[2]).toMatch(/^backend +status +kind +device$/);
    expect(r.stdout).toMatch(/^reference +available +software +reference kernels, plain TypeScript on \w+$/m);
    expect(r.stdout).toMatch(/^cpu-neon +not-installed +- +not installed \(npm install @lastmile\/backend-cpu-neon\)$/m);
    expect(r.stdout).toMatch(/^npu-nnie +not-installed +/m);
    expect(r.stdout).toMatch(/^lastmile-backend-fakesim +available +SIMULATED +FakeNPU 1\.0 simulator$/m);
    expect(r.stdout).toMatch(/^lastmile-backend-broken +broken +- +LM_BACKEND_UNAVAILABLE: package 'lastmile-backend-broken' is not a valid lastmile backend/m);
  });

  it('writes the same facts as JSON', async () => {
    const project = fakeProject();
    const r = await lastmile(['devices', '--json', '--project-root', project]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as DevicesResult;
    expect(result.projectRoot).toBe(project);
    expect(result.backends.map((b) => [b.backend, b.status])).toEqual([
      ['reference', 'available'],
      ['cpu-neon', 'not-installed'],
      ['gpu-opencl', 'not-installed'],
      ['dsp-vp6', 'not-installed'],
      ['npu-nnie', 'not-installed'],
      ['lastmile-backend-broken', 'broken'],
      ['lastmile-backend-fakesim', 'available'],
    ]);
    expect(result.backends[6]).toEqual({
      backend: 'lastmile-backend-fakesim',
      package: 'lastmile-backend-fakesim',
      builtin: false,
      installed: true,
      version: '1.0.0',
      status: 'available',
      kind: 'simulator',
      simulated: true,
      device: 'FakeNPU 1.0 simulator',
      details: { cores: 2 },
    });
    expect(result.backends[0]).toMatchObject({ package: '@lastmile/backend-reference', builtin: true, installed: true, kind: 'software', simulated: false });
  });

  it('resolves from the lastmile install by default (the reference backend is a dependency)', async () => {
    const r = await lastmile(['devices', '--json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as DevicesResult).backends[0]).toMatchObject({ backend: 'reference', status: 'available' });
  });
});
