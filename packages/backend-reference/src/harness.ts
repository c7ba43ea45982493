/**
 * Differential op testing: one node, run by onnxruntime-node and by core's op definition (infer + run),
 * compared on dims, dtypes and values (NaN / Inf positions must match).
 */
import { formatShape, type Tensor } from '@lastmile/core';
import { encodeModel } from '@lastmile/onnx';
import { caseFeeds, expectClose, fromOrt, type OpCase, runReference, singleNodeModel, toOrt } from '@lastmile/testing';
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';

/** A one-node case with the tolerance its outputs are compared at (rtol 1e-3 / atol 1e-4 by default). */
export interface OrtCase extends OpCase {
  rtol?: number;
  atol?: number;
}

/** Runs the case in onnxruntime-node. */
export async function runOrt(c: OpCase): Promise<Tensor[]> {
  const session = await ort.InferenceSession.create(encodeModel(singleNodeModel(c)));
  try {
    const feeds = Object.fromEntries(Object.entries(caseFeeds(c)).map(([name, t]) => [name, toOrt(t)]));
    const result = await session.run(feeds);
    return session.outputNames.map((name) => fromOrt(result[name]));
  } finally {
    await session.release();
  }
}

/** Runs the case both ways and asserts that inferred shapes and types, our outputs and ORT's outputs agree. */
export async function expectOpMatchesOrt(c: OrtCase): Promise<Tensor[]> {
  const expected = await runOrt(c);
  const inferred = singleNodeModel(c).graph.outputs;
  const ours = runReference(c);
  expect(ours.length).toBeGreaterThanOrEqual(expected.length);
  expected.forEach((e, i) => {
    const shape = inferred[i].shape;
    if (shape) expect(formatShape(shape), `inferred shape of output ${i} of ${c.op}`).toBe(formatShape(e.dims));
    expect(inferred[i].type, `inferred type of output ${i} of ${c.op}`).toBe(e.type);
    expect(ours[i].type, `dtype of output ${i} of ${c.op}`).toBe(e.type);
    expectClose(ours[i], e, c.rtol ?? 1e-3, c.atol ?? 1e-4, `${c.op} output ${i}`);
  });
  return ours;
}
