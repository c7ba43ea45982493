import {
  a,
  BackendError,
  CancelledError,
  InputError,
  QueueFullError,
  SessionClosedError,
  SessionStateError,
  Session,
  Tensor,
  TimeoutError,
  UnsupportedOpError,
  SeededRandom,
  emptyGraph,
  evaluateGraph,
  formatAssignment,
  makeNode,
  type Backend,
  type Model,
  type SessionEvent,
} from '@lastmile/core';
import { afterEach, describe, expect, it } from 'vitest';
import { convInput, convNet, cpuBackend, expectAlive, sameValues } from './fixtures.js';
import { createTestDevice } from './test-device.js';

afterEach(async () => {
  await expectAlive();
});

const calibration = [1, 2, 3, 4].map((seed) => ({ x: convInput(seed) }));
// Sessions over the test device and the CPU pass minPartitionNodes: 1: convNet's pieces on the device are
// 2 and 3 nodes, which the default would move to the CPU, and these tests are about those partitions.

function maxAbsDiff(x: Tensor, y: Tensor): number {
  expect(x.dims).toEqual(y.dims);
  let worst = 0;
  for (let i = 0; i < x.size; i++) worst = Math.max(worst, Math.abs(Number(x.data[i]) - Number(y.data[i])));
  return worst;
}

/** `model` over `device` and the CPU, with every piece kept however small. */
const splitSession = (device: Backend, model: Model) =>
  Session.init(model, { backends: [device, cpuBackend()], minPartitionNodes: 1, calibration });

describe('partitioning across the test device and a CPU backend', () => {
  it('with fallback on, runs every node and reports where each one went', async () => {
    const model = convNet();
    const session = await splitSession(createTestDevice().backend, model);
    const x = convInput(1);
    const out = await session.run({ x });
    const want = evaluateGraph(model, { x });
    // Fake-quantized int8 activations: a few quantization steps off the float result.
    expect(maxAbsDiff(out.y, want.y)).toBeLessThan(0.05);
    expect(maxAbsDiff(out.z, want.z)).toBeLessThan(0.02);

    const report = session.assignment!;
    expect(report.nodes.map((n) => `${n.node}:${n.backend}`)).toEqual([
      'conv1:test-npu',
      'relu1:test-npu',
      'sigmoid1:test-cpu',
      'conv2:test-npu',
      'add:test-npu',
      'pool:test-npu',
      'sigmoid2:test-cpu',
    ]);
    expect(report.nodes[2].declinedBy).toEqual([{ backend: 'test-npu', reason: 'test-npu has no Sigmoid unit' }]);
    expect(
      session.partitions.map(({ backend, nodeCount, inputs, outputs }) => ({ backend, nodeCount, inputs, outputs })),
    ).toEqual([
      { backend: 'test-npu', nodeCount: 2, inputs: ['x'], outputs: ['r1'] },
      { backend: 'test-cpu', nodeCount: 1, inputs: ['r1'], outputs: ['s'] },
      { backend: 'test-npu', nodeCount: 3, inputs: ['s', 'r1'], outputs: ['y'] },
      { backend: 'test-cpu', nodeCount: 1, inputs: ['y'], outputs: ['z'] },
    ]);
    const text = formatAssignment(report);
    expect(text).toContain('sigmoid1  Sigmoid  test-cpu  (declined by test-npu: test-npu has no Sigmoid unit)');
    expect(text).toContain('partition 2: test-npu, 3 nodes; inputs: s, r1; outputs: y');
    await session.destroy();
  });

  it('lets a device review the pieces planned for it: what it gives back runs on the next backend, and the report says why (issue 14)', async () => {
    const model = convNet();
    const session = await splitSession(createTestDevice({ maxSegments: 1 }).backend, model);
    const x = convInput(1);
    const out = await session.run({ x });
    expect(maxAbsDiff(out.z, evaluateGraph(model, { x }).z)).toBeLessThan(0.02);
    const report = session.assignment!;
    expect(report.nodes.map((n) => `${n.node}:${n.backend}`)).toEqual([
      'conv1:test-npu',
      'relu1:test-npu',
      'sigmoid1:test-cpu',
      'conv2:test-cpu',
      'add:test-cpu',
      'pool:test-cpu',
      'sigmoid2:test-cpu',
    ]);
    expect(report.nodes[3].declinedBy).toEqual([
      { backend: 'test-npu', reason: 'test-npu holds 1 segment per program' },
    ]);
    expect(session.partitions.map(({ backend, nodeCount, costMs }) => ({ backend, nodeCount, costMs }))).toEqual([
      { backend: 'test-npu', nodeCount: 2, costMs: 0.5 },
      { backend: 'test-cpu', nodeCount: 5, costMs: undefined },
    ]);
    expect(formatAssignment(report)).toContain(
      'partition 0: test-npu, 2 nodes; inputs: x; outputs: r1; expected 0.5 ms',
    );
    await session.destroy();
  });

  it('hands a value between two partitions of one device context in device memory, never through the host (issue 14)', async () => {
    // Two device pieces around a CPU one: 'a' goes from the first device piece to the last one only.
    const rng = new SeededRandom(11);
    const g = emptyGraph('two-branches');
    g.inputs.push({ name: 'x', type: 'float32', shape: [1, 2, 6, 6] });
    g.outputs.push({ name: 'y', type: 'float32' });
    g.initializers.set('w1', rng.floatTensor([2, 2, 3, 3], -0.5, 0.5));
    g.initializers.set('w2', rng.floatTensor([2, 2, 3, 3], -0.5, 0.5));
    const same = { kernel_shape: a.ints([3, 3]), pads: a.ints([1, 1, 1, 1]) };
    g.nodes.push(
      makeNode('Conv', ['x', 'w1'], ['c1'], same, 'conv1'),
      makeNode('Relu', ['c1'], ['a'], {}, 'relu'),
      makeNode('Sigmoid', ['x'], ['s'], {}, 'sigmoid'),
      makeNode('Conv', ['s', 'w2'], ['c2'], same, 'conv2'),
      makeNode('Add', ['c2', 'a'], ['y'], {}, 'add'),
    );
    const model: Model = { irVersion: 8, opsets: new Map([['', 13]]), graph: g, metadata: new Map() };
    const feeds = [1, 2].map((seed) => ({ x: convInput(seed, [1, 2, 6, 6]) }));
    const results = [];
    for (const [shared, precision] of [
      [true, undefined],
      [false, undefined],
      [true, { 'test-npu': 'int8' }],
    ] as const) {
      const device = createTestDevice();
      const backend = shared ? device.backend : { ...device.backend, open: undefined };
      const session = await Session.init(model, {
        backends: [backend, cpuBackend()],
        minPartitionNodes: 1,
        calibration: feeds,
        ...(precision ? { precision } : {}),
      });
      await session.prepare(); // calibration runs copy through the host too: count the run alone
      const before = device.stats.hostCopies;
      const out = await session.run(feeds[0]);
      expect(session.partitions.map((p) => `${p.backend}:${p.nodes.join(',')}`)).toEqual([
        'test-npu:conv1,relu',
        'test-cpu:sigmoid',
        'test-npu:conv2,add',
      ]);
      results.push({ y: out.y, boundaries: session.boundaries, hostCopies: device.stats.hostCopies - before });
      expect(device.stats.liveBuffers).toBe(2); // the two weights: no device tensor outlives the run
      await session.destroy();
      expect(device.stats.liveBuffers).toBe(0);
    }
    const [shared, copied, int8] = results;
    expect(sameValues(shared.y, copied.y)).toBe(true);
    expect(shared.boundaries).toEqual({ onDevice: 1, throughHost: 1 });
    expect(copied.boundaries).toEqual({ onDevice: 0, throughHost: 2 });
    // x and s uploaded, y downloaded; without the context, 'a' is downloaded and uploaded again too.
    expect([shared.hostCopies, copied.hostCopies]).toEqual([3, 5]);
    // int8 boundaries: the session quantizes x and s for the device and dequantizes y for the caller; 'a'
    // stays int8 on the device, its parameters agreed through the context.
    expect(int8.boundaries).toEqual({ onDevice: 1, throughHost: 1 });
    expect(int8.hostCopies).toBe(3);
    expect(int8.y.type).toBe('float32');
    const y = shared.y.data as Float32Array;
    const step = (Math.max(...y) - Math.min(...y, 0)) / 255;
    (int8.y.data as Float32Array).forEach((v, i) => expect(Math.abs(v - y[i])).toBeLessThanOrEqual(step * 1.01));
  });

  it('fails at prepare with a BackendError when a review throws or answers for the wrong pieces', async () => {
    for (const review of [
      () => {
        throw new Error('review bug');
      },
      () => [],
    ]) {
      const session = await splitSession({ ...createTestDevice().backend, review }, convNet());
      await expect(session.prepare()).rejects.toThrow(BackendError);
      await session.destroy();
    }
  });

  it('with fallback off, lists every node the first backend does not support in one error', async () => {
    const device = createTestDevice();
    const session = await Session.init(convNet(), {
      backends: [device.backend, cpuBackend()],
      fallback: false,
      calibration,
    });
    const error = await session.run({ x: convInput(1) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedOpError);
    const { message, details } = error as UnsupportedOpError;
    expect(message).toContain("fallback is off and backend 'test-npu' does not support 2 nodes");
    expect(message).toContain('sigmoid1 (Sigmoid): test-npu: test-npu has no Sigmoid unit');
    expect(message).toContain('sigmoid2 (Sigmoid)');
    expect((details.nodes as { node: string }[]).map((n) => n.node)).toEqual(['sigmoid1', 'sigmoid2']);
    await session.destroy();
  });

  it('with fallback on, lists the nodes no backend supports with each backend reason', async () => {
    const a = createTestDevice({ name: 'npu-a' });
    const b = createTestDevice({ name: 'npu-b', ops: ['Conv'] });
    const session = await Session.init(convNet(), { backends: [a.backend, b.backend], calibration });
    await expect(session.prepare()).rejects.toThrow(
      /no backend \(npu-a, npu-b\) supports 2 nodes:\n {2}sigmoid1 \(Sigmoid\): npu-a: npu-a has no Sigmoid unit; npu-b: npu-b has no Sigmoid unit\n {2}sigmoid2/,
    );
    await session.destroy();
  });
});

describe('calibration', () => {
  it('gives each quantizing partition the true values of its inputs on every calibration feed', async () => {
    const device = createTestDevice();
    const model = convNet();
    const session = await Session.init(model, {
      backends: [device.backend, cpuBackend()],
      minPartitionNodes: 1,
      calibration,
    });
    await session.prepare();
    expect(device.stats.calibrations).toHaveLength(2);
    const [first, second] = device.stats.calibrations;
    first.forEach((sample, i) => {
      expect(Object.keys(sample)).toEqual(['x']);
      expect(sample.x).toBe(calibration[i].x);
    });
    second.forEach((sample, i) => {
      expect(Object.keys(sample)).toEqual(['s', 'r1']);
      const truth = evaluateGraph(model, calibration[i], { keep: ['s', 'r1'] });
      // r1 and s come out of earlier partitions; the device's own r1 is fake-quantized, so compare loosely,
      // and s is what the CPU computed from that r1.
      expect(maxAbsDiff(sample.r1, truth.r1)).toBeLessThan(0.02);
      expect(maxAbsDiff(sample.s, truth.s)).toBeLessThan(0.01);
    });
    await session.destroy();
  });

  it('on the CPU-computed boundary, equals the interpreter exactly', async () => {
    // Device only after the CPU part: its calibration inputs are exact float activations.
    const device = createTestDevice({ ops: ['Add', 'MaxPool'] });
    const model = convNet();
    const session = await Session.init(model, {
      backends: [device.backend, cpuBackend()],
      minPartitionNodes: 1,
      calibration,
    });
    await session.prepare();
    expect(device.stats.calibrations).toHaveLength(1);
    device.stats.calibrations[0].forEach((sample, i) => {
      const truth = evaluateGraph(model, calibration[i], { keep: ['c2', 'r1'] });
      expect(Object.keys(sample).sort()).toEqual(['c2', 'r1']);
      expect(sameValues(sample.c2, truth.c2)).toBe(true);
      expect(sameValues(sample.r1, truth.r1)).toBe(true);
    });
    await session.destroy();
  });

  it('without calibration feeds, fails naming the backend that needs them', async () => {
    const device = createTestDevice();
    const session = await Session.init(convNet(), { backends: [device.backend, cpuBackend()], minPartitionNodes: 1 });
    const error = await session.run({ x: convInput(1) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/backend 'test-npu' quantizes and needs calibration feeds/);
    await session.destroy();
  });

  it('checks calibration feeds like inputs', async () => {
    const device = createTestDevice();
    const session = await Session.init(convNet(), {
      backends: [device.backend, cpuBackend()],
      minPartitionNodes: 1,
      calibration: [{ x: convInput(1, [1, 3, 8, 8]) }],
    });
    await expect(session.prepare()).rejects.toThrow(/calibration feed #0: input 'x': dimension 1 must be 2, got 3/);
    await session.destroy();
    const dynamic = await Session.init(convNet(['N', 2, 8, 8]), {
      backends: [createTestDevice().backend, cpuBackend()],
      minPartitionNodes: 1,
      calibration,
    });
    await expect(dynamic.run({ x: convInput(1, [2, 2, 8, 8]) })).rejects.toThrow(
      /calibration feed #0: input 'x' is 1x2x8x8, but the plan is prepared for 2x2x8x8/,
    );
    expect(sameValues((await dynamic.run({ x: convInput(1) })).z, (await dynamic.run({ x: convInput(1) })).z)).toBe(
      true,
    );
    await dynamic.destroy();
  });
});

describe('inputs (rows 37-40)', () => {
  const x = convInput(5);
  it.each([
    ['a missing input', {}, /missing input 'x' \(the model's inputs are 'x'\)/],
    ['an unknown extra name', { x, extra: x }, /unknown input name 'extra'/],
    [
      'a wrong dtype',
      { x: new Tensor('int32', new Int32Array(128), [1, 2, 8, 8]) },
      /input 'x': expected dtype float32, got int32/,
    ],
    ['a wrong rank', { x: convInput(5, [2, 8, 8]) }, /input 'x': expected rank 4 \(1x2x8x8\), got rank 3 \(2x8x8\)/],
    [
      'a wrong dim',
      { x: convInput(5, [1, 2, 8, 9]) },
      /input 'x': dimension 3 must be 8, got 9 \(expected 1x2x8x8, got 1x2x8x9\)/,
    ],
    [
      'not a tensor',
      { x: { type: 'float32', data: new Float32Array(128), dims: [1, 2, 8, 8] } },
      /input 'x' must be a lastmile Tensor, got Object/,
    ],
  ])('rejects %s with InputError', async (_, feeds, message) => {
    const session = await Session.init(convNet(), { backends: [cpuBackend()] });
    const error = await session.run(feeds as Record<string, Tensor>).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(message);
    expect((error as InputError).details).toBeDefined();
    await session.destroy();
  });

  it('rejects data whose length does not match the dims', async () => {
    const session = await Session.init(convNet(), { backends: [cpuBackend()] });
    const bad = convInput(5);
    (bad as { data: Float32Array }).data = new Float32Array(100);
    await expect(session.run({ x: bad })).rejects.toThrow(
      /input 'x': data length 100 does not match dims 1x2x8x8 \(128 elements\)/,
    );
    expect(() => session.setTensor('x', bad)).toThrow(InputError);
    expect(() => session.setTensor('y', x)).toThrow(/unknown input name 'y'/);
    await session.destroy();
  });

  it('runs on the values given when run() or forward() was called, whatever the caller does to them after', async () => {
    const session = await Session.init(convNet(), { backends: [cpuBackend()] });
    const expected = await session.run({ x: convInput(5) });
    // Queued behind a run in flight: the inputs are changed, then their buffers transferred, before it starts.
    const first = session.run({ x: convInput(6) });
    const changed = convInput(5);
    const transferred = convInput(5);
    const runs = [session.run({ x: changed }), session.run({ x: transferred })];
    (changed.data as Float32Array).fill(1e6);
    structuredClone(transferred.data.buffer, { transfer: [transferred.data.buffer as ArrayBuffer] });
    expect(transferred.data.byteLength).toBe(0);
    session.setTensor('x', convInput(5));
    const forward = session.forward();
    for (const out of await Promise.all(runs)) expect(sameValues(out.z, expected.z)).toBe(true);
    await forward;
    expect(sameValues(session.getTensor('z'), expected.z)).toBe(true);
    await first;
    await session.destroy();
  });

  it('accepts a zero-size batch and returns empty outputs', async () => {
    const session = await Session.init(convNet(['N', 2, 8, 8]), { backends: [cpuBackend()] });
    const out = await session.run({ x: convInput(1, [0, 2, 8, 8]) });
    expect(out.z.dims).toEqual([0, 4, 4, 4]);
    expect(out.z.size).toBe(0);
    await session.destroy();
  });
});

/** A CPU backend whose runs wait at a gate the test opens, recording each run's start and signal. */
function gatedBackend() {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const base = cpuBackend({ name: 'gated' });
  const started: (AbortSignal | undefined)[] = [];
  let entered!: () => void;
  const firstEntered = new Promise<void>((resolve) => (entered = resolve));
  const backend: Backend = {
    ...base,
    async compile(partition, options) {
      const exe = await base.compile(partition, options);
      return {
        ...exe,
        run: async (inputs, runOptions) => {
          started.push(runOptions?.signal);
          entered();
          await gate;
          return exe.run(inputs);
        },
        dispose: () => exe.dispose(),
      };
    },
  };
  return { backend, release, started, firstEntered };
}

describe('the lifecycle', () => {
  it('prepare, setTensor, forward, getTensor', async () => {
    const model = convNet();
    const session = await Session.init(model, { backends: [cpuBackend()] });
    expect(() => session.getTensor('z')).toThrow(SessionStateError);
    await session.prepare();
    const x = convInput(8);
    session.setTensor('x', x);
    await session.forward();
    expect(sameValues(session.getTensor('z'), evaluateGraph(model, { x }).z)).toBe(true);
    expect(() => session.getTensor('r1')).toThrow(/'r1' is not an output/);
    await session.destroy();
  });

  it('needs concrete shapes for symbolic inputs in an explicit prepare, and re-prepares per shape', async () => {
    const events: SessionEvent[] = [];
    const model = convNet(['N', 2, 8, 8]);
    const session = await Session.init(model, { backends: [cpuBackend()], onEvent: (e) => events.push(e) });
    await expect(session.prepare()).rejects.toThrow(
      /needs concrete shapes for inputs with symbolic or unknown dims: x \(Nx2x8x8\)/,
    );
    await expect(session.prepare({ x: [1, 3, 8, 8] })).rejects.toThrow(
      /shape 1x3x8x8 does not fit the declared Nx2x8x8/,
    );
    const prepared = () =>
      events.filter((e) => e.type === 'prepared').map((e) => (e as { signature: string }).signature);
    for (const batch of [1, 3, 1, 3]) {
      const x = convInput(batch, [batch, 2, 8, 8]);
      const out = await session.run({ x });
      expect(sameValues(out.z, evaluateGraph(model, { x }).z)).toBe(true);
    }
    expect(prepared()).toEqual(['x:1x2x8x8', 'x:3x2x8x8']);
    await session.destroy();
  });

  it('evicts the least recently used plan past maxCachedPlans, disposing its executables', async () => {
    const disposed = { count: 0 };
    const session = await Session.init(convNet(['N', 2, 8, 8]), {
      backends: [cpuBackend({ disposed })],
      maxCachedPlans: 2,
    });
    for (const batch of [1, 2, 3]) await session.run({ x: convInput(batch, [batch, 2, 8, 8]) });
    expect(disposed.count).toBe(1);
    await session.destroy();
    expect(disposed.count).toBe(3);
  });

  it('destroy: disposes every executable and device buffer; later calls fail with SessionClosedError', async () => {
    const device = createTestDevice();
    const disposed = { count: 0 };
    const session = await Session.init(convNet(), {
      backends: [device.backend, cpuBackend({ disposed })],
      minPartitionNodes: 1,
      calibration,
    });
    await session.run({ x: convInput(1) });
    expect(device.stats.liveBuffers).toBe(3); // w1, b1, w2 and nothing else: activations are freed after each run
    await session.destroy();
    expect(device.stats.liveBuffers).toBe(0);
    expect(disposed.count).toBe(2);
    await expect(session.run({ x: convInput(1) })).rejects.toThrow(SessionClosedError);
    await expect(session.forward()).rejects.toThrow(SessionClosedError);
    await expect(session.prepare()).rejects.toThrow(SessionClosedError);
    expect(() => session.setTensor('x', convInput(1))).toThrow(SessionClosedError);
    expect(() => session.getTensor('z')).toThrow(SessionClosedError);
    await session.destroy(); // idempotent
  });

  it('destroy during runs: the run in flight finishes, queued ones fail, nothing runs after dispose (row 49)', async () => {
    const gated = gatedBackend();
    const model = convNet();
    const session = await Session.init(model, { backends: [gated.backend] });
    const x = convInput(3);
    const first = session.run({ x });
    const second = session.run({ x });
    await gated.firstEntered; // the first run is now waiting inside the executable
    const destroyed = session.destroy();
    gated.release();
    expect(sameValues((await first).z, evaluateGraph(model, { x }).z)).toBe(true);
    await expect(second).rejects.toThrow(SessionClosedError);
    await destroyed;
  });

  it('runs 64 concurrent runs with different inputs without cross-talk (row 48)', async () => {
    const device = createTestDevice();
    const session = await Session.init(convNet(), {
      backends: [device.backend, cpuBackend()],
      minPartitionNodes: 1,
      calibration,
    });
    const inputs = Array.from({ length: 64 }, (_, i) => convInput(100 + i));
    const sequential: Tensor[] = [];
    for (const x of inputs) sequential.push((await session.run({ x })).z);
    const concurrent = await Promise.all(inputs.map((x) => session.run({ x })));
    concurrent.forEach((out, i) => expect(sameValues(out.z, sequential[i])).toBe(true));
    expect(new Set(concurrent.map((o) => o.z.data[0])).size).toBeGreaterThan(32);
    expect(device.stats.liveBuffers).toBe(3);
    await session.destroy();
  });
});

describe('cancellation, deadlines and the queue bound (issue 13)', () => {
  const x = convInput(3);

  it('never starts a run whose signal fired or whose deadline passed, while queued or before', async () => {
    const gated = gatedBackend();
    const session = await Session.init(convNet(), { backends: [gated.backend] });
    await session.prepare();
    const first = session.run({ x });
    await gated.firstEntered;
    const aborted = new AbortController();
    aborted.abort();
    await expect(session.run({ x }, { signal: aborted.signal })).rejects.toThrow(CancelledError);
    await expect(session.run({ x }, { deadline: Date.now() - 1 })).rejects.toThrow(TimeoutError);
    const later = new AbortController();
    const cancelled = session.run({ x }, { signal: later.signal });
    const expired = session.run({ x }, { deadline: Date.now() + 10 });
    later.abort(new Error('user left'));
    await expect(cancelled).rejects.toMatchObject({ code: 'LM_CANCELLED', details: { reason: 'Error: user left' } });
    // The gate is still shut: the deadline passes while the run waits in the queue, whatever the speed.
    await expect(expired).rejects.toThrow(/the run passed its deadline/);
    gated.release();
    expect(sameValues((await first).z, evaluateGraph(convNet(), { x }).z)).toBe(true);
    expect(gated.started).toHaveLength(1);
    await session.destroy();
  });

  it('settles a run in flight at once when cancelled, tells its executable, and starts the next only after it', async () => {
    const gated = gatedBackend();
    const session = await Session.init(convNet(), { backends: [gated.backend] });
    const controller = new AbortController();
    const first = session.run({ x }, { signal: controller.signal });
    await gated.firstEntered;
    const second = session.run({ x });
    controller.abort();
    await expect(first).rejects.toThrow(CancelledError);
    expect(gated.started[0]?.aborted).toBe(true);
    expect(gated.started).toHaveLength(1); // the second waits for the first to really stop
    gated.release();
    expect(sameValues((await second).z, evaluateGraph(convNet(), { x }).z)).toBe(true);
    await session.destroy();
  });

  it('refuses a run past maxQueuedRuns with QueueFullError, and takes runs again once they drain', async () => {
    const gated = gatedBackend();
    const session = await Session.init(convNet(), { backends: [gated.backend], maxQueuedRuns: 2 });
    const held = [session.run({ x }), session.run({ x })];
    await expect(session.run({ x })).rejects.toMatchObject({
      code: 'LM_QUEUE_FULL',
      details: { pending: 2, limit: 2 },
    });
    session.setTensor('x', x);
    await expect(session.forward()).rejects.toThrow(QueueFullError);
    gated.release();
    await Promise.all(held);
    await expect(session.run({ x })).resolves.toHaveProperty('z');
    await expect(session.run({ x }, { deadline: Number.NaN })).rejects.toThrow(/deadline must be a time in ms/);
    await session.destroy();
  });
});

/** A CPU backend whose compiles wait at a gate the test opens, counting executables made and disposed. */
function slowCompileBackend() {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const disposed = { count: 0 };
  const base = cpuBackend({ name: 'slow-compile', disposed });
  let entered!: () => void;
  const waiting = new Promise<void>((resolve) => (entered = resolve));
  const signals: (AbortSignal | undefined)[] = [];
  let compiled = 0;
  const backend: Backend = {
    ...base,
    async compile(partition, options) {
      signals.push(options.signal);
      entered();
      await gate; // ignores the signal, as a careless third-party backend might
      compiled++;
      return base.compile(partition, options);
    },
  };
  return { backend, open, waiting, signals, disposed, compiled: () => compiled };
}

describe('prepare: yielding, cancellation and the compile budget (issue 13)', () => {
  const x = convInput(3);

  it('lets the event loop run during init and prepare, even on a backend that never waits', async () => {
    const ran: string[] = [];
    setImmediate(() => ran.push('during init'));
    const session = await Session.init(convNet(), { backends: [cpuBackend()] });
    expect(ran).toEqual(['during init']);
    setImmediate(() => ran.push('during prepare'));
    await session.prepare();
    expect(ran).toEqual(['during init', 'during prepare']);
    await session.destroy();
  });

  it('stops a prepare when its signal fires, frees the executable a late compile returns, and prepares again', async () => {
    const slow = slowCompileBackend();
    const session = await Session.init(convNet(), { backends: [slow.backend] });
    const controller = new AbortController();
    const prepared = session.prepare(undefined, { signal: controller.signal });
    await slow.waiting;
    controller.abort();
    await expect(prepared).rejects.toThrow(CancelledError);
    expect(slow.signals[0]?.aborted).toBe(true); // the backend was told
    slow.open();
    await expect(session.run({ x })).resolves.toHaveProperty('z'); // a new plan, built after the stop
    expect(slow.compiled()).toBe(2);
    expect(slow.disposed.count).toBe(1); // the stopped compile's executable, freed when it came back
    await session.destroy();
    expect(slow.disposed.count).toBe(2);
  });

  it('fails a prepare past its deadline or compileTimeoutMs with TimeoutError, and a run that must prepare too', async () => {
    const slow = slowCompileBackend();
    await expect(Session.init(convNet(), { backends: [slow.backend], compileTimeoutMs: 0 })).rejects.toThrow(
      /compileTimeoutMs must be a positive number of ms, got 0/,
    );
    const session = await Session.init(convNet(), { backends: [slow.backend], compileTimeoutMs: 20 });
    await expect(session.prepare(undefined, { deadline: Date.now() - 1 })).rejects.toThrow(
      /the prepare passed its deadline/,
    );
    expect(slow.signals).toHaveLength(0); // nothing was compiled
    // The gate stays shut, so the compile budget runs out whatever the machine's speed.
    await expect(session.prepare()).rejects.toThrow(TimeoutError);
    await expect(session.run({ x })).rejects.toThrow(/the prepare passed its deadline/);
    slow.open();
    await session.destroy();
  });
});

describe('boundaries', () => {
  it('converts float32 <-> float16 for a device that declares half precision', async () => {
    const model = convNet();
    const session = await Session.init(model, { backends: [cpuBackend({ name: 'half', fp16: true })] });
    const x = convInput(4);
    const out = await session.run({ x });
    expect(out.z.type).toBe('float32');
    expect(maxAbsDiff(out.z, evaluateGraph(model, { x }).z)).toBeLessThan(1e-2);
    await session.destroy();
  });

  it('reports a backend that returns a wrong shape or throws a plain error as BackendError', async () => {
    const base = cpuBackend();
    const liar: Backend = {
      ...base,
      async compile(partition, options) {
        const exe = await base.compile(partition, options);
        return { ...exe, run: async () => ({ z: new Tensor('float32', new Float32Array(1), [1]) }) };
      },
    };
    const session = await Session.init(convNet(), { backends: [liar] });
    await expect(session.run({ x: convInput(1) })).rejects.toThrow(/backend 'test-cpu' did not return output 'y'/);
    await session.destroy();
    const crasher: Backend = {
      ...base,
      compile: async () => Promise.reject(new TypeError('undefined is not a function')),
    };
    const s2 = await Session.init(convNet(), { backends: [crasher] });
    const error = await s2.run({ x: convInput(1) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as Error).message).toContain("backend 'test-cpu' failed to compile partition 0");
    await s2.destroy();
  });
});
