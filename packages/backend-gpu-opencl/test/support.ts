/**
 * Shared by the tests: closeness checks with the rtol/atol rule, and sessions compared with onnxruntime-node.
 */
import { SeededRandom, Session, type SessionEvent, type Tensor, Tensor as LmTensor, type Backend, elementAsNumber } from '@lastmile/core';
import * as ort from 'onnxruntime-node';
import { describe, expect } from 'vitest';
// The CPU backend a GPU is paired with in deployment: nodes gpu-opencl declines, and whole models without OpenCL, run there.
import { backend as cpu } from '@lastmile/backend-cpu-neon';
import { backend } from '../src/index.js';

export { cpu };

/**
 * Device tests run where OpenCL is installed, and always in CI (CI=true), where a missing PoCL must fail
 * loudly rather than skip; on a workstation without OpenCL they are skipped.
 */
const skipDeviceTests = !(await backend.probe()).available && process.env.CI !== 'true';

/** A describe block that needs the OpenCL device. */
export function onDevice(name: string, body: () => void): void {
  describe.skipIf(skipDeviceTests)(name, body);
}

/** |got - want| <= atol + rtol * |want| everywhere (NaN where NaN), with the worst element in the message. */
export function expectClose(got: Tensor, want: Tensor, rtol: number, atol: number, label: string): void {
  expect([...got.dims], `${label} dims`).toEqual([...want.dims]);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < want.size; i++) {
    const g = elementAsNumber(got, i);
    const w = elementAsNumber(want, i);
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    const excess = Math.abs(g - w) - (atol + rtol * Math.abs(w));
    if (!(excess <= worstExcess)) {
      worstExcess = Number.isNaN(excess) ? Infinity : excess;
      worst = i;
    }
  }
  if (worst >= 0) {
    expect.fail(`${label}: element ${worst} is ${elementAsNumber(got, worst)}, expected ${elementAsNumber(want, worst)} (rtol ${rtol}, atol ${atol})`);
  }
}

export interface ModelRun {
  outputs: Record<string, Tensor>;
  session: Session;
  events: SessionEvent[];
}

/** Runs `model` on gpu-opencl (falling back to cpu-neon) and on onnxruntime-node, and compares every output. */
export async function expectModelMatchesOrt(
  model: Uint8Array,
  inputName: string,
  dims: number[],
  seed: number,
  options: { precision?: 'fp32' | 'fp16'; backends?: Backend[]; check?: (run: ModelRun) => void } = {},
): Promise<void> {
  const x = new SeededRandom(seed).floatTensor(dims, 0, 1);
  const ortSession = await ort.InferenceSession.create(model);
  const expected = await ortSession.run({ [inputName]: new ort.Tensor('float32', x.data as Float32Array, dims) });
  const events: SessionEvent[] = [];
  const session = await Session.init(model, { backends: options.backends ?? [backend, cpu], precision: options.precision, onEvent: (e) => events.push(e) });
  try {
    const outputs = await session.run({ [inputName]: x });
    const [rtol, atol] = options.precision === 'fp16' ? [1e-2, 1e-2] : [1e-3, 1e-4];
    for (const name of ortSession.outputNames) {
      const e = expected[name];
      expectClose(outputs[name], new LmTensor('float32', e.data as Float32Array, e.dims as number[]), rtol, atol, name);
    }
    options.check?.({ outputs, session, events });
  } finally {
    await session.destroy();
    await ortSession.release();
  }
}
