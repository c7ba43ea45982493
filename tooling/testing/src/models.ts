/**
 * Whole models through a Session against onnxruntime-node on the same seeded inputs.
 */
import { type Backend, SeededRandom, Session, type SessionEvent, type Tensor } from '@lastmile/core';
import * as ort from 'onnxruntime-node';
import { expectClose } from './close.js';
import { fromOrt, toOrt } from './ort.js';

/** What a compared run leaves for further checks. */
export interface ModelRun {
  outputs: Record<string, Tensor>;
  session: Session;
  events: SessionEvent[];
}

export interface ModelCheckOptions {
  /** The session's backends, in order of preference. */
  backends: Backend[];
  /** The session's precision; fp16 compares at rtol = atol = 1e-2, fp32 at rtol 1e-3 / atol 1e-4. */
  precision?: 'fp32' | 'fp16';
  /** More assertions on the run, made after the outputs matched and before the session is destroyed. */
  check?: (run: ModelRun) => void;
}

/** Runs `model` in a Session and in onnxruntime-node on one seeded input in [0, 1) and compares every output. */
export async function expectModelMatchesOrt(
  model: Uint8Array,
  inputName: string,
  dims: number[],
  seed: number,
  options: ModelCheckOptions,
): Promise<void> {
  const x = new SeededRandom(seed).floatTensor(dims, 0, 1);
  const reference = await ort.InferenceSession.create(model);
  const expected = await reference.run({ [inputName]: toOrt(x) });
  const events: SessionEvent[] = [];
  const session = await Session.init(model, {
    backends: options.backends,
    precision: options.precision,
    onEvent: (e) => events.push(e),
  });
  try {
    const outputs = await session.run({ [inputName]: x });
    const [rtol, atol] = options.precision === 'fp16' ? [1e-2, 1e-2] : [1e-3, 1e-4];
    for (const name of reference.outputNames) expectClose(outputs[name], fromOrt(expected[name]), rtol, atol, name);
    options.check?.({ outputs, session, events });
  } finally {
    await session.destroy();
    await reference.release();
  }
}
