/**
 * bad-inputs row 56: 10,000 sequential runs through a Session on cpu-neon leave the heap where they found
 * it: no tensor, plan or arena is kept per run. Memory is measured after full collections, so the
 * verdict does not depend on when the collector happens to run.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { a, emptyGraph, makeNode, type Model, SeededRandom, Session } from '@lastmile/core';
import { expect, it } from 'vitest';
import { backend } from './index.js';

v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc') as () => void;

/** JavaScript heap and the memory of ArrayBuffers (tensors), after two full collections (what weak references release in one is freed by the next). */
function liveBytes(): number {
  collect();
  collect();
  const m = process.memoryUsage();
  return m.heapUsed + m.external + m.arrayBuffers;
}

function smallNet(): Model {
  const random = new SeededRandom(56);
  const g = emptyGraph('small-net');
  g.inputs.push({ name: 'x', type: 'float32', shape: [1, 8, 12, 12] });
  g.initializers.set('w', random.floatTensor([16, 8, 3, 3], -0.3, 0.3));
  g.initializers.set('b', random.floatTensor([16]));
  g.initializers.set('fc', random.floatTensor([16, 4]));
  g.nodes.push(
    makeNode('Conv', ['x', 'w', 'b'], ['c'], { pads: a.ints([1, 1, 1, 1]) }, 'conv'),
    makeNode('Relu', ['c'], ['r'], {}, 'relu'),
    makeNode('GlobalAveragePool', ['r'], ['p'], {}, 'pool'),
    makeNode('Flatten', ['p'], ['f'], {}, 'flatten'),
    makeNode('MatMul', ['f', 'fc'], ['y'], {}, 'fc'),
  );
  g.outputs.push({ name: 'y', type: 'float32' });
  return { irVersion: 8, opsets: new Map([['', 13]]), graph: g, metadata: new Map() };
}

it('row 56: 10,000 sequential runs keep nothing per run', async () => {
  const session = await Session.init(smallNet(), { backends: [backend], threads: 1 });
  const x = new SeededRandom(1).floatTensor([1, 8, 12, 12]);
  const first = await session.run({ x });
  // Optimized code and type feedback grow the heap by a few MB, once, at a moment background compilation
  // decides; a leak grows it in every window. So: three windows of 10,000 runs, the least growth counts.
  const growth: number[] = [];
  for (let window = 0; window < 3; window++) {
    const before = liveBytes();
    for (let i = 0; i < 10_000; i++) await session.run({ x });
    growth.push(liveBytes() - before);
  }
  // Keeping even one 32-byte object per run would add 320 KB a window; collections vary by ~0.1 MB.
  expect(Math.min(...growth)).toBeLessThan(256 * 1024);
  expect([...(await session.run({ x })).y.data]).toEqual([...first.y.data]);
  await session.destroy();
}, 120_000);
