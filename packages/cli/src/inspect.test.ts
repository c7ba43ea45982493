import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { InspectResult } from './inspect-command.js';
import { CLS_MODEL, convModel, fakeProject, lastmile, tempDir, writeModel } from './testing.js';

let dir: string;
let conv: string;
let project: string;

beforeAll(() => {
  dir = tempDir();
  conv = writeModel(dir, 'conv.onnx', convModel());
  project = fakeProject();
});

describe('lastmile inspect (built CLI as a process)', () => {
  it('summarizes the graph and shows which nodes each backend takes and why not', async () => {
    const r = await lastmile([
      'inspect',
      conv,
      '--project-root',
      project,
      '--backends',
      'lastmile-backend-fakesim,reference',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      [
        `model         ${conv}`,
        'format        ONNX IR 8, from @lastmile/models',
        'opsets        ai.onnx 17',
        'inputs        x  float32[1x3x8x8]',
        'outputs       y  float32[1x4x8x8]',
        'nodes         2',
        'ops           Conv 1, Relu 1',
        // Conv weight 4x3x3x3 and bias 4, float32.
        'initializers  2, 448 B',
        'shapes        x=1x3x8x8',
        '',
        'backend lastmile-backend-fakesim (SIMULATED: FakeNPU 1.0 simulator)',
        '  takes 1 of 2 nodes; declines 1:',
        '    Conv x1 (conv): FakeNPU has no Conv unit',
        'backend reference (software: ',
      ].join('\n'),
    );
    expect(r.stdout).toMatch(/^ {2}takes 2 of 2 nodes$/m);
    // A one-node piece on the simulator is not worth two boundaries: the plan moves it to reference.
    expect(r.stdout).toContain(
      [
        "plan over lastmile-backend-fakesim, reference (first that takes a node runs it; pieces under 4 nodes move to a neighbour's backend):",
        '  partition 0: reference, 2 nodes',
        '  moved relu (Relu) from lastmile-backend-fakesim to reference: an island of 1 node after a reference partition (fewer than 4)',
      ].join('\n'),
    );
    const kept = await lastmile([
      'inspect',
      conv,
      '--project-root',
      project,
      '--backends',
      'lastmile-backend-fakesim,reference',
      '--min-partition-nodes',
      '1',
    ]);
    expect(kept.stdout).toContain(
      ['  partition 0: reference, 1 node', '  partition 1: lastmile-backend-fakesim, 1 node'].join('\n'),
    );
  });

  it('writes the same facts as JSON', async () => {
    const r = await lastmile([
      'inspect',
      conv,
      '--project-root',
      project,
      '--backends',
      'lastmile-backend-fakesim,reference',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as InspectResult;
    expect(result).toMatchObject({
      model: conv,
      irVersion: 8,
      opsets: { 'ai.onnx': 17 },
      inputs: [{ name: 'x', dtype: 'float32', shape: [1, 3, 8, 8] }],
      outputs: [{ name: 'y', dtype: 'float32', shape: [1, 4, 8, 8] }],
      nodeCount: 2,
      ops: { Conv: 1, Relu: 1 },
      initializers: { count: 2, bytes: 448 },
      shapes: { x: [1, 3, 8, 8] },
    });
    expect(result.backends).toEqual([
      {
        backend: 'lastmile-backend-fakesim',
        available: true,
        probe: { available: true, kind: 'simulator', device: 'FakeNPU 1.0 simulator', details: { cores: 2 } },
        nodeCount: 2,
        taken: 1,
        declined: [{ node: 'conv', op: 'Conv', reason: 'FakeNPU has no Conv unit' }],
      },
      expect.objectContaining({ backend: 'reference', available: true, nodeCount: 2, taken: 2, declined: [] }),
    ]);
    expect(result.plan?.partitions.map((p) => [p.backend, p.nodes])).toEqual([['reference', ['conv', 'relu']]]);
    expect(result.plan?.minPartitionNodes).toBe(4);
    expect(result.plan?.moved).toEqual([
      expect.objectContaining({
        node: 'relu',
        backend: 'reference',
        movedFrom: { backend: 'lastmile-backend-fakesim', reason: expect.stringMatching(/^an island of 1 node/) },
      }),
    ]);
  });

  it('asks every installed backend when --backends is not given, and reports one that cannot load', async () => {
    const r = await lastmile(['inspect', conv, '--project-root', project, '--json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as InspectResult;
    // cpu-neon and gpu-opencl are found beside the CLI (its development install); gpu-opencl is usable
    // where the machine has an OpenCL platform.
    expect(result.backends.filter((b) => b.backend !== 'gpu-opencl').map((b) => [b.backend, b.available])).toEqual([
      ['reference', true],
      ['cpu-neon', true],
      ['lastmile-backend-broken', false],
      ['lastmile-backend-fakesim', true],
    ]);
    expect(result.plan).toBeUndefined();
    expect(result.backends.find((b) => b.backend === 'lastmile-backend-broken')?.reason).toMatch(
      /package 'lastmile-backend-broken' is not a valid lastmile backend: expected an object exported as 'backend', got undefined/,
    );
  });

  it('describes the PP-OCR classifier: symbolic dims, its ops and Constant-node weights', async () => {
    const summary = await lastmile(['inspect', CLS_MODEL]);
    expect(summary.code).toBe(0);
    expect(summary.stdout).toMatch(
      /^inputs +x +float32\[p2o\.DynamicDimension\.0, 3, p2o\.DynamicDimension\.1, p2o\.DynamicDimension\.2\]$/m,
    );
    expect(summary.stdout).toMatch(/^nodes +471$/m);
    expect(summary.stdout).toMatch(/^ops +Constant 250, Conv 53, BatchNormalization 35, /m);
    expect(summary.stdout).toMatch(/^constants +250 Constant nodes, [\d.]+ KiB$/m);
    expect(summary.stderr).toMatch(/notice: input 'x' has symbolic dims .*; the backends are not asked until then/);
    const shaped = await lastmile(['inspect', CLS_MODEL, '--shape', 'x=1x3x48x192', '--backends', 'reference']);
    expect(shaped.code).toBe(0);
    expect(shaped.stdout).toMatch(/^backend reference \(software: .*\)\n {2}takes (\d+) of \1 nodes$/m);
  });

  it('exits 3 for a corrupt model, 4 when no asked backend is usable, 2 for a bad --shape', async () => {
    const corrupt = join(dir, 'corrupt.onnx');
    writeFileSync(corrupt, 'this is text, not a protobuf');
    const model = await lastmile(['inspect', corrupt]);
    expect(model.code).toBe(3);
    expect(model.stderr).toMatch(/^lastmile: error LM_MODEL_FORMAT: /m);
    const backend = await lastmile(['inspect', conv, '--backends', 'lastmile-backend-nosuch']);
    expect(backend.code).toBe(4);
    expect(backend.stderr).toMatch(
      /^lastmile: error LM_BACKEND_UNAVAILABLE: no usable backend:\n {2}lastmile-backend-nosuch: backend 'lastmile-backend-nosuch' is not installed/m,
    );
    const shape = await lastmile(['inspect', conv, '--shape', 'x=1x3']);
    expect(shape.code).toBe(2);
    expect(shape.stderr).toMatch(/--shape 'x=1x3' does not fit input 'x', declared 1x3x8x8/);
  });
});
