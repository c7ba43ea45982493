import {
  ResourceLimitError,
  Session,
  Tensor,
  emptyGraph,
  inferShapes,
  makeNode,
  memoryNeed,
  type Model,
} from '@lastmile/core';
import { describe, expect, it } from 'vitest';
import { convInput, convNet, cpuBackend } from '../fixtures.js';

const model = (graph: Model['graph'], opset = 17): Model => ({
  irVersion: 8,
  opsets: new Map([['', opset]]),
  graph,
  metadata: new Map(),
});

/** x[1,4] -> Relu a -> Relu b -> Relu y: each value 16 bytes. */
function chain(): Model {
  const g = emptyGraph('chain');
  g.inputs.push({ name: 'x', type: 'float32', shape: [1, 4] });
  g.nodes.push(makeNode('Relu', ['x'], ['a']), makeNode('Relu', ['a'], ['b']), makeNode('Relu', ['b'], ['y']));
  g.outputs.push({ name: 'y', type: 'float32', shape: [1, 4] });
  return inferShapes(model(g));
}

/** Four ConstantOfShape outputs of `elements` float32 each, from a model of a few hundred bytes. */
function constantsOfShape(elements: number): Model {
  const g = emptyGraph('blow-up');
  g.initializers.set('shape', new Tensor('int64', new BigInt64Array([BigInt(elements)]), [1]));
  for (let i = 0; i < 4; i++) {
    g.nodes.push(makeNode('ConstantOfShape', ['shape'], [`c${i}`]));
    g.outputs.push({ name: `c${i}`, type: 'float32' });
  }
  return model(g);
}

describe('the memory a plan needs', () => {
  it('counts weights and inputs throughout, and each value from its writer to its last reader', () => {
    const need = memoryNeed(chain());
    // x (16) stays; at each Relu its input and output are live together: 16 + 16 + 16 at most.
    expect(need).toMatchObject({ peakBytes: 48, modelBytes: 16 });
    expect(need.largest.map((v) => v.bytes)).toEqual([16, 16, 16]);
  });

  it('refuses a tiny model that would hold gigabytes, before anything is allocated (bad-inputs)', async () => {
    const session = await Session.init(constantsOfShape(2 ** 28), { backends: [cpuBackend()] });
    const error = await session.prepare().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceLimitError);
    expect((error as Error).message).toMatch(
      /the plan needs 4096\.0 MiB at once .* over 1000 times as much; largest values: 'c0' 1024\.0 MiB/,
    );
    expect((error as ResourceLimitError).details).toMatchObject({ option: 'maxMemoryBytes', peakBytes: 2 ** 32 + 8 });
    await session.destroy();
  });

  it('refuses a Conv whose pads blow a 2x2 input up to gigabytes', async () => {
    const g = emptyGraph('pads');
    g.inputs.push({ name: 'x', type: 'float32', shape: [1, 1, 2, 2] });
    g.initializers.set('w', new Tensor('float32', [1], [1, 1, 1, 1]));
    g.nodes.push(makeNode('Conv', ['x', 'w'], ['y'], { pads: { type: 'ints', value: [11000, 11000, 11000, 11000] } }));
    g.outputs.push({ name: 'y', type: 'float32' });
    const session = await Session.init(model(g), { backends: [cpuBackend()] });
    await expect(session.prepare()).rejects.toThrow(/the plan needs 1846\.\d MiB at once \(at node y\)/);
    await session.destroy();
  });

  it('holds any plan to an explicit budget, which also lifts the size check', async () => {
    const small = await Session.init(convNet(), { backends: [cpuBackend()], maxMemoryBytes: 1024 });
    await expect(small.prepare()).rejects.toThrow(/over the session's memory budget of 0\.0 MiB \(maxMemoryBytes\)/);
    await small.destroy();
    const normal = await Session.init(convNet(), { backends: [cpuBackend()] });
    await expect(normal.run({ x: convInput(1) })).resolves.toHaveProperty('z');
    await normal.destroy();
    // Prepared (nothing allocated yet) once the user says the memory is there.
    const allowed = await Session.init(constantsOfShape(2 ** 28), {
      backends: [cpuBackend()],
      maxMemoryBytes: 2 ** 33,
    });
    await expect(allowed.prepare()).resolves.toBeUndefined();
    await allowed.destroy();
  });
});
