/**
 * The backend as sessions see it: probe, fallback to the CPU without OpenCL, partition fallback for
 * declined ops, device options, profiling, typed errors from the bindings, and release of every object.
 */
import {
  a,
  BackendError,
  emptyGraph,
  ErrorCodes,
  evaluateGraph,
  isLastmileError,
  makeNode,
  type Model,
  SeededRandom,
  Session,
  type SessionEvent,
} from '@lastmile/core';
import { buildModelBytes } from '@lastmile/models';
import { expectClose, expectModelMatchesOrt } from '@lastmile/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenCL } from './cl/api.js';
import { libraryCandidates } from './cl/library.js';
import { chooseDevice, listDevices } from './device/devices.js';
import { backend, liveObjects, OPENCL_LIBRARY_ENV } from './index.js';
import { cpu, onDevice, openclThenCpu } from './support.js';

afterEach(() => {
  delete process.env[OPENCL_LIBRARY_ENV];
  expect(liveObjects().total).toBe(0);
});

/** x -> Relu -> LRN -> Sigmoid: gpu-opencl has no LRN kernel. */
function modelWithLrn(): Model {
  const graph = emptyGraph('lrn');
  graph.inputs.push({ name: 'x', type: 'float32', shape: [1, 4, 5, 5] });
  graph.nodes.push(
    makeNode('Relu', ['x'], ['r']),
    makeNode('LRN', ['r'], ['l'], { size: a.int(3) }),
    makeNode('Sigmoid', ['l'], ['y']),
  );
  graph.outputs.push({ name: 'y', type: 'float32', shape: [1, 4, 5, 5] });
  return { irVersion: 8, opsets: new Map([['', 17]]), graph, metadata: new Map() };
}

onDevice('probe() on the OpenCL device', () => {
  it('reports the PoCL CPU device as OpenCL on the CPU, with its properties', async () => {
    const probe = await backend.probe();
    expect(probe.available).toBe(true);
    expect(probe.kind).toBe('software');
    expect(probe.device).toMatch(/^PoCL CPU device \(OpenCL on the CPU, not a GPU\)/);
    expect(probe.details).toMatchObject({ type: 'cpu', fp16Arithmetic: false });
    expect(probe.details?.computeUnits).toBeGreaterThan(0);
  });
});

describe('probe() without OpenCL', () => {
  it('says unavailable, with the reason, when the library is missing', async () => {
    process.env[OPENCL_LIBRARY_ENV] = '/nonexistent/libOpenCL.so';
    const probe = await backend.probe();
    expect(probe.available).toBe(false);
    expect(probe.reason).toContain('/nonexistent/libOpenCL.so');
  });
});

describe('sessions without OpenCL', () => {
  it('without OpenCL run on the CPU, after a backend-skipped notice naming the missing library', async () => {
    process.env[OPENCL_LIBRARY_ENV] = '/nonexistent/libOpenCL.so';
    await expectModelMatchesOrt(
      buildModelBytes('mobilenetV3Small', { resolution: 64, numClasses: 10 }),
      'input',
      [1, 3, 64, 64],
      5,
      {
        backends: openclThenCpu,
        check: ({ events, session }) => {
          const skipped = events.find(
            (e): e is Extract<SessionEvent, { type: 'backend-skipped' }> => e.type === 'backend-skipped',
          );
          expect(skipped?.backend).toBe('gpu-opencl');
          expect(skipped?.reason).toMatch(/no OpenCL library could be loaded.*\/nonexistent\/libOpenCL\.so/);
          expect(session.partitions.map((p) => p.backend)).toEqual(['cpu-neon']);
        },
      },
    );
  });
});

onDevice('sessions on the OpenCL device', () => {
  it('send the ops gpu-opencl declines to the next backend', async () => {
    const model = modelWithLrn();
    const x = new SeededRandom(3).floatTensor([1, 4, 5, 5]);
    // minPartitionNodes: 1 keeps the one-node pieces around LRN on gpu-opencl: the boundaries are what this tests.
    const session = await Session.init(model, { backends: [backend, cpu], minPartitionNodes: 1 });
    try {
      const out = await session.run({ x });
      expect(session.partitions.map((p) => p.backend)).toEqual(['gpu-opencl', 'cpu-neon', 'gpu-opencl']);
      const lrn = session.assignment?.nodes.find((n) => n.op === 'LRN');
      expect(lrn?.declinedBy).toEqual([{ backend: 'gpu-opencl', reason: 'no OpenCL kernel for LRN' }]);
      expectClose(out.y, evaluateGraph(model, { x }).y, 1e-5, 1e-6, 'y');
    } finally {
      await session.destroy();
    }
  });

  it('share one OpenCL context between their partitions and hand a value between them on the device', async () => {
    // x -> Relu -> r; r -> Sigmoid -> s (gpu); r -> LRN -> l (cpu); l + s -> y (gpu): s goes from one
    // gpu-opencl partition straight to the other.
    const graph = emptyGraph('split');
    graph.inputs.push({ name: 'x', type: 'float32', shape: [1, 4, 5, 5] });
    graph.nodes.push(
      makeNode('Relu', ['x'], ['r']),
      makeNode('Sigmoid', ['r'], ['s']),
      makeNode('LRN', ['r'], ['l'], { size: a.int(3) }),
      makeNode('Add', ['l', 's'], ['y']),
    );
    graph.outputs.push({ name: 'y', type: 'float32', shape: [1, 4, 5, 5] });
    const model: Model = { irVersion: 8, opsets: new Map([['', 17]]), graph, metadata: new Map() };
    const x = new SeededRandom(4).floatTensor([1, 4, 5, 5]);
    for (const precision of ['fp32', 'fp16'] as const) {
      const session = await Session.init(model, { backends: [backend, cpu], minPartitionNodes: 1, precision });
      try {
        const out = await session.run({ x });
        expect(session.partitions.map((p) => p.backend)).toEqual(['gpu-opencl', 'cpu-neon', 'gpu-opencl']);
        expect(liveObjects().context).toBe(1);
        expect(session.boundaries).toEqual({ onDevice: 1, throughHost: 2 });
        const tolerance = precision === 'fp16' ? 2e-3 : 1e-6;
        expectClose(out.y, evaluateGraph(model, { x }).y, tolerance, tolerance, 'y');
      } finally {
        await session.destroy();
      }
    }
  });

  it('report per-kernel device times from OpenCL events when profiling', async () => {
    const session = await Session.init(buildModelBytes('squeezenet11', { resolution: 64, numClasses: 10 }), {
      backends: [backend],
      profiling: true,
    });
    try {
      await session.run({ input: new SeededRandom(1).floatTensor([1, 3, 64, 64]) });
      const profile = session.profile();
      expect(profile.length).toBeGreaterThan(20);
      expect(new Set(profile.map((e) => e.op))).toEqual(
        new Set(['FusedConv', 'MaxPool', 'Concat', 'GlobalAveragePool']),
      );
      expect(profile.every((e) => e.ms >= 0 && !e.simulated)).toBe(true);
    } finally {
      await session.destroy();
    }
  });

  it('give the same results for every work-group size, device chosen by name', async () => {
    const model = buildModelBytes('shuffleNetV2x05', { resolution: 64, numClasses: 10 });
    const x = new SeededRandom(2).floatTensor([1, 3, 64, 64]);
    const results = [];
    for (const workGroupSize of [1, 16, 256]) {
      const session = await Session.init(model, {
        backends: [backend],
        backendOptions: { 'gpu-opencl': { workGroupSize, device: 'pthread', platform: 0, cacheDir: false } },
      });
      results.push((await session.run({ input: x })).output);
      await session.destroy();
    }
    expectClose(results[1], results[0], 0, 0, 'wg 16 vs 1');
    expectClose(results[2], results[0], 0, 0, 'wg 256 vs 1');
  });

  it('match onnxruntime-node within fp16 tolerance with precision fp16 (fp16 storage)', () =>
    expectModelMatchesOrt(
      buildModelBytes('mobilenetV2', { resolution: 64, numClasses: 10 }),
      'input',
      [1, 3, 64, 64],
      9,
      {
        backends: openclThenCpu,
        precision: 'fp16',
        check: ({ session }) => expect(session.partitions.map((p) => p.backend)).toEqual(['gpu-opencl']),
      },
    ));
});

const partition = { id: 0, model: modelWithLrn() };

describe('option errors', () => {
  it('refuse bad device options by name', async () => {
    await expect(backend.compile(partition, { deviceOptions: { workGroupSize: 0 } })).rejects.toMatchObject({
      code: ErrorCodes.Input,
      details: { option: 'workGroupSize' },
    });
    await expect(backend.compile(partition, { deviceOptions: { devcie: 1 } })).rejects.toMatchObject({
      code: ErrorCodes.Input,
      details: { option: 'devcie' },
    });
    await expect(backend.compile(partition, { precision: 'int8' })).rejects.toThrow(/fp32 or fp16, not int8/);
  });
});

onDevice('device errors', () => {
  it('name the devices there are when the asked one is not', async () => {
    const error = await backend.compile(partition, { deviceOptions: { device: 'Mali-G71' } }).catch((e: unknown) => e);
    expect(isLastmileError(error, ErrorCodes.BackendUnavailable)).toBe(true);
    expect((error as Error).message).toMatch(/no OpenCL device matches .*Mali-G71.*pthread/);
  });

  it('from OpenCL calls name the call and the CL status, and the build log on a compile error', () => {
    const cl = OpenCL.open(libraryCandidates());
    const device = chooseDevice(listDevices(cl));
    const context = cl.createContext(device.handle);
    try {
      const tooBig = (() => {
        try {
          cl.createBuffer(context, 2 ** 62);
        } catch (e) {
          return e;
        }
      })();
      expect(tooBig).toBeInstanceOf(BackendError);
      expect((tooBig as BackendError).details).toMatchObject({
        call: 'clCreateBuffer',
        status: expect.stringMatching(/^CL_(INVALID_BUFFER_SIZE|MEM_OBJECT_ALLOCATION_FAILURE|OUT_OF_HOST_MEMORY)$/),
      });
      const program = cl.createProgramFromSource(
        context,
        '__kernel void broken(__global float* x) { x[0] = undeclared; }',
      );
      try {
        expect(() => cl.buildProgram(program, device.handle, '')).toThrow(
          /clBuildProgram failed with CL_BUILD_PROGRAM_FAILURE \(-11\)[\s\S]*undeclared/,
        );
      } finally {
        cl.release('program', program);
      }
    } finally {
      cl.release('context', context);
    }
  });
});
