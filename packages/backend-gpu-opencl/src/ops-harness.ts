/**
 * Differential op testing: one node compiled by gpu-opencl and run on the device, against core's
 * reference kernel (opFor(node, opset).run) on the same seeded inputs.
 */
import { type Executable, floatToHalf, ModelView, SeededRandom, Tensor } from '@lastmile/core';
import { caseFeeds, expectClose, type OpCase, runReference, singleNodeModel } from '@lastmile/testing';
import { afterAll, beforeAll, expect } from 'vitest';
import { backend, liveObjects } from './index.js';

/** A float32 tensor of uniform values in [-1, 1) from `seed`. */
export const rand = (seed: number, dims: number[]): Tensor => new SeededRandom(seed).floatTensor(dims);

function toHalf(t: Tensor): Tensor {
  const bits = new Uint16Array(t.size);
  (t.data as Float32Array).forEach((v, i) => (bits[i] = floatToHalf(v)));
  return new Tensor('float16', bits, t.dims);
}

/** Compiles and runs the case on gpu-opencl and checks it against the reference kernel. */
export async function expectOpMatchesReference(c: OpCase, precision: 'fp32' | 'fp16' = 'fp32'): Promise<void> {
  const model = singleNodeModel(c);
  const node = model.graph.nodes[0];
  const opset = c.opset ?? 17;
  const support = backend.supports(node, { ...new ModelView(model).supportContext(), opset });
  expect(support, `${c.op} supported`).toEqual({ supported: true });
  const feeds = Object.fromEntries(
    Object.entries(caseFeeds(c)).map(([name, t]) => [name, precision === 'fp16' ? toHalf(t) : t]),
  );
  const expected = runReference(c);
  const executable: Executable = await backend.compile({ id: 0, model }, { precision });
  try {
    const got = await executable.run(feeds);
    const [rtol, atol] = precision === 'fp16' ? [1e-2, 1e-2] : [1e-4, 1e-5];
    model.graph.outputs.forEach((o, i) => expectClose(got[o.name], expected[i], rtol, atol, `${c.op} ${o.name}`));
  } finally {
    await executable.dispose();
  }
}

/**
 * Keeps one executable alive for the whole test file, so the device's context and program are built once
 * (compiling OpenCL C with LLVM is PoCL's slow step); afterwards every OpenCL object must be released.
 */
export function holdDevice(): void {
  let held: Executable | undefined;
  beforeAll(async () => {
    const relu = { id: 0, model: singleNodeModel({ op: 'Relu', inputs: [rand(0, [2])] }) };
    held = await backend.compile(relu, {});
    await (await backend.compile(relu, { precision: 'fp16' })).dispose();
  }, 60_000);
  afterAll(async () => {
    await held?.dispose();
    expect(liveObjects().total).toBe(0);
  });
}
