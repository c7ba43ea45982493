/**
 * Test support: caffemodel bytes built with the generated code, seeded blobs, running an imported model
 * both with core's interpreter and (encoded as ONNX) with onnxruntime-node, and value comparison.
 */
import { evaluateGraph, isLastmileError, type ErrorCode, type Model, SeededRandom, type Tensor } from '@lastmile/core';
import { encodeModel } from '@lastmile/onnx';
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { caffe } from './generated/caffe.js';
import { decodeCaffe } from './load.js';

export interface TestBlob {
  dims: number[];
  data: ArrayLike<number>;
}

/** A blob of seeded uniform values in [lo, hi). */
export function randomBlob(rng: SeededRandom, dims: number[], lo = -1, hi = 1): TestBlob {
  const n = dims.reduce((p, d) => p * d, 1);
  return { dims, data: Float32Array.from({ length: n }, () => rng.uniform(lo, hi)) };
}

/** Encodes a caffemodel holding `layers` (name -> blobs). */
export function caffemodelBytes(layers: Record<string, TestBlob[]>): Uint8Array {
  return caffe.NetParameter.encode({
    name: 'trained',
    layer: Object.entries(layers).map(([name, blobs]) => ({
      name,
      blobs: blobs.map((b) => ({ shape: { dim: b.dims }, data: Array.from(b.data) })),
    })),
  }).finish();
}

/** An input tensor of seeded values. */
export function randomInput(seed: number, dims: number[], lo = -1, hi = 1): Tensor<'float32'> {
  return new SeededRandom(seed).floatTensor(dims, lo, hi);
}

/** Runs the model with core's interpreter and with onnxruntime-node (the model encoded as ONNX). */
export async function runBoth(
  model: Model,
  feeds: Record<string, Tensor>,
): Promise<{ ours: Record<string, Tensor>; ort: Record<string, Float32Array> }> {
  const ours = evaluateGraph(model, feeds);
  const session = await ort.InferenceSession.create(encodeModel(model));
  try {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds))
      ortFeeds[name] = new ort.Tensor('float32', t.data as Float32Array, [...t.dims]);
    const result = await session.run(ortFeeds);
    const out: Record<string, Float32Array> = {};
    for (const [name, t] of Object.entries(result)) {
      out[name] = t.data as Float32Array;
      expect([...t.dims], `ORT dims of ${name}`).toEqual([...ours[name].dims]);
    }
    return { ours, ort: out };
  } finally {
    await session.release();
  }
}

/** Element-wise closeness (NaN positions must match). */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol = 1e-4,
  atol = 1e-5,
  what = 'values',
): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) || Number.isNaN(a)) {
      expect(Number.isNaN(a), `${what}[${i}]: ${a} vs ${e}`).toBe(Number.isNaN(e));
      continue;
    }
    if (Math.abs(a - e) > atol + rtol * Math.abs(e)) expect(a, `${what}[${i}]`).toBe(e);
  }
}

/** Imports, runs both ways and checks every output against `expected` (an independent reference). */
export async function checkNet(
  prototxt: string,
  weights: Record<string, TestBlob[]> | undefined,
  feeds: Record<string, Tensor>,
  expected: Record<string, { dims: number[]; data: ArrayLike<number> }>,
  tolerance: { rtol?: number; atol?: number } = {},
): Promise<Model> {
  const model = decodeCaffe({ prototxt, caffemodel: weights ? caffemodelBytes(weights) : undefined });
  const { ours, ort: theirs } = await runBoth(model, feeds);
  for (const [name, e] of Object.entries(expected)) {
    expect(ours[name], `output ${name}`).toBeDefined();
    expect([...ours[name].dims], `dims of ${name}`).toEqual(e.dims);
    expectClose(ours[name].data as Float32Array, e.data, tolerance.rtol, tolerance.atol, `${name} (lastmile)`);
    expectClose(theirs[name], e.data, tolerance.rtol, tolerance.atol, `${name} (onnxruntime)`);
  }
  expect(Object.keys(ours).sort()).toEqual(Object.keys(expected).sort());
  return model;
}

/** Runs `fn`, expecting a lastmile error of `code` whose message matches `message`; returns it. */
export async function expectLastmileError(
  fn: () => unknown,
  code: ErrorCode,
  message: RegExp,
): Promise<Error & { details: Record<string, unknown> }> {
  let caught: unknown;
  try {
    await fn();
  } catch (error) {
    caught = error;
  }
  expect(isLastmileError(caught, code), `expected ${code}, got ${String(caught)}`).toBe(true);
  expect((caught as Error).message).toMatch(message);
  return caught as Error & { details: Record<string, unknown> };
}
