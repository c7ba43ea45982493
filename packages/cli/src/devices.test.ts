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
    // cpu-neon is not in the project but beside the CLI (its development install here): found there.
    expect(r.stdout).toMatch(/^cpu-neon +available +hardware +/m);
    expect(r.stdout).toMatch(
      /^npu-nnie +not-installed +- +not installed: add it with npm install @lastmile\/backend-npu-nnie$/m,
    );
    expect(r.stdout).toMatch(/^lastmile-backend-fakesim +available +SIMULATED +FakeNPU 1\.0 simulator$/m);
    expect(r.stdout).toMatch(
      /^lastmile-backend-broken +broken +- +LM_BACKEND_UNAVAILABLE: package 'lastmile-backend-broken' is not a valid lastmile backend/m,
    );
  });

  it('writes the same facts as JSON', async () => {
    const project = fakeProject();
    const r = await lastmile(['devices', '--json', '--project-root', project]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as DevicesResult;
    expect(result.projectRoot).toBe(project);
    const installed = (status: string) => status !== 'not-installed';
    expect(
      result.backends.map((b) => [b.backend, b.backend === 'gpu-opencl' ? installed(b.status) : b.status]),
    ).toEqual([
      ['reference', 'available'],
      ['cpu-neon', 'available'],
      ['gpu-opencl', true], // available or not by whether this machine has an OpenCL platform
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
    expect(result.backends[0]).toMatchObject({
      package: '@lastmile/backend-reference',
      builtin: true,
      installed: true,
      kind: 'software',
      simulated: false,
    });
  });

  it('resolves from the lastmile install by default (the reference backend is a dependency)', async () => {
    const r = await lastmile(['devices', '--json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as DevicesResult).backends[0]).toMatchObject({
      backend: 'reference',
      status: 'available',
    });
  });
});
