/**
 * The artifact round trip every backend that serializes must pass: a session prepared and run, exported
 * as a bundle, loaded by `Session.load` without the model, runs bit-identically.
 */
import { type Backend, identicalTensors, Session, type SessionOptions, type Tensor } from '@lastmile/core';
import { expect } from 'vitest';

/**
 * Runs `model` on `backends`, exports the plan, loads the bundle and runs it again on the same feeds:
 * every output must have the same bits. Returns the bundle's bytes for further checks.
 */
export async function expectArtifactRoundTrip(
  model: Parameters<typeof Session.init>[0],
  backends: readonly Backend[],
  feeds: Readonly<Record<string, Tensor>>,
  options: SessionOptions = {},
): Promise<Uint8Array> {
  const session = await Session.init(model, { ...options, backends });
  let bytes: Uint8Array;
  let want: Record<string, Tensor>;
  try {
    want = await session.run(feeds);
    bytes = await session.export();
  } finally {
    await session.destroy();
  }
  const loaded = await Session.load(bytes, { ...options, backends });
  try {
    const got = await loaded.run(feeds);
    expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
    for (const name of Object.keys(want))
      expect(identicalTensors(got[name], want[name]), `${name}: bits differ`).toBe(true);
  } finally {
    await loaded.destroy();
  }
  return bytes;
}
