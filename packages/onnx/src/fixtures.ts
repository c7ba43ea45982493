/**
 * Shared test fixtures: small models built in code, raw ModelProto encoding for hand-made bad files,
 * and the liveness probe every hostile case ends with.
 */
import { emptyGraph, evaluateGraph, isLastmileError, makeNode, Tensor } from '@lastmile/core';
import type { ErrorCode, Graph, Model } from '@lastmile/core';
import { expect } from 'vitest';
import { onnx } from './generated/onnx.js';
import { numberToLong } from './int64.js';
import { decodeModel, encodeModel } from './index.js';

/** y = Relu(x + b) with b an initializer: the known-good model. */
export function goodModel(): Model {
  const g = emptyGraph('good');
  g.inputs.push({ name: 'x', type: 'float32', shape: ['n', 2] });
  g.outputs.push({ name: 'y', type: 'float32', shape: ['n', 2] });
  g.initializers.set('b', new Tensor('float32', [1, -5], [2]));
  g.nodes.push(makeNode('Add', ['x', 'b'], ['t'], {}, 'add'));
  g.nodes.push(makeNode('Relu', ['t'], ['y'], {}, 'relu'));
  return model(g);
}

/** A model around `graph` at ONNX opset 13, IR 8. */
export function model(graph: Graph, opset = 13): Model {
  return { irVersion: 8, opsets: new Map([['', opset]]), graph, metadata: new Map() };
}

/** A graph whose only content is an initializer made from `tensor` (plus a node that uses it). */
export function initializerProto(tensor: onnx.TensorProto.$Properties): onnx.ModelProto.$Properties {
  return {
    irVersion: numberToLong(8),
    opsetImport: [{ domain: '', version: numberToLong(13) }],
    graph: {
      name: 'g',
      node: [{ opType: 'Identity', input: ['w'], output: ['y'], name: 'id' }],
      initializer: [{ name: 'w', ...tensor }],
      output: [{ name: 'y', type: { tensorType: { elemType: tensor.dataType ?? 1 } } }],
    },
  };
}

/** Encodes a hand-made ModelProto, which may be as wrong as a test needs. */
export function encodeProto(props: onnx.ModelProto.$Properties): Uint8Array {
  return onnx.ModelProto.encode(props).finish();
}

/** A good model's ModelProto, decoded from `encodeModel` output, for tests to break one field of. */
export function goodProto(): onnx.ModelProto {
  return onnx.ModelProto.decode(encodeModel(goodModel()));
}

/** Little-endian float32 bytes. */
export function floatBytes(values: number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

/** Runs `fn` and checks it throws a lastmile error of `Class` and `code`; returns the error. */
export async function expectError(
  fn: () => unknown,
  Class: abstract new (...args: never[]) => Error,
  code: ErrorCode,
): Promise<Error & { details: Record<string, unknown> }> {
  let caught: unknown;
  try {
    await fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected an error').toBeInstanceOf(Class);
  expect(isLastmileError(caught, code)).toBe(true);
  return caught as Error & { details: Record<string, unknown> };
}

/** The liveness probe: a good model still decodes to the right graph in this process, and computes the right answer. */
export function expectAlive(): void {
  const m = decodeModel(encodeModel(goodModel()));
  expect(m.graph.nodes.map((n) => n.opType)).toEqual(['Add', 'Relu']);
  expect([...(m.graph.initializers.get('b')?.data ?? [])]).toEqual([1, -5]);
  // Relu([-2, 3, 4, 6] + [1, -5] broadcast) = [0, 0, 5, 1]
  const { y } = evaluateGraph(m, { x: new Tensor('float32', [-2, 3, 4, 6], [2, 2]) });
  expect([...y.data]).toEqual([0, 0, 5, 1]);
}
