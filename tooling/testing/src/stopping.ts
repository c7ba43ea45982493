/**
 * bad-inputs row 47 for any backend: a run that would take far longer than its deadline (the stand-in
 * for a Loop that never ends: core has no Loop op) is stopped at the deadline and by its AbortSignal,
 * and really stops computing.
 */
import {
  a,
  type Backend,
  CancelledError,
  emptyGraph,
  makeNode,
  SeededRandom,
  Session,
  type SessionOptions,
  TimeoutError,
} from '@lastmile/core';
import { expect } from 'vitest';

/** A chain of `nodes` MatMuls of [n, n] by one [n, n] weight: n^3 multiply-adds each. */
function longChain(nodes: number, n: number) {
  const random = new SeededRandom(47);
  const g = emptyGraph('long-run');
  g.inputs.push({ name: 'x', type: 'float32', shape: [n, n] });
  g.initializers.set('w', random.floatTensor([n, n], -1 / n, 1 / n));
  let last = 'x';
  for (let i = 0; i < nodes; i++) {
    g.nodes.push(makeNode('MatMul', [last, 'w'], [`v${i}`], {}, `matmul${i}`));
    last = `v${i}`;
  }
  g.nodes.push(makeNode('ReduceSum', [last], ['y'], { keepdims: a.int(0) }, 'sum'));
  g.outputs.push({ name: 'y', type: 'float32' });
  return {
    model: { irVersion: 8, opsets: new Map([['', 11]]), graph: g, metadata: new Map() },
    x: random.floatTensor([n, n]),
  };
}

/**
 * Runs a long chain (`nodes` x `n`^3 multiply-adds: seconds at least, even on a fast machine) with a
 * deadline 50 ms away, then with a signal aborted 50 ms in: each must fail with its error. A run that
 * never lets the event loop turn cannot be stopped (the deadline's timer cannot fire): it resolves
 * instead, late, however fast the machine. `destroy()` then waits for the run in flight, so it returns
 * only once the computation has really stopped.
 */
export async function expectRunsStop(
  backend: Backend,
  nodes: number,
  n: number,
  options: SessionOptions = {},
): Promise<void> {
  const { model, x } = longChain(nodes, n);
  const session = await Session.init(model, { ...options, backends: [backend] });
  await session.prepare();
  await expect(session.run({ x }, { deadline: Date.now() + 50 })).rejects.toThrow(TimeoutError);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 50);
  await expect(session.run({ x }, { signal: controller.signal })).rejects.toThrow(CancelledError);
  await session.destroy();
}
