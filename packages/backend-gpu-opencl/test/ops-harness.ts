/**
 * Differential op testing: one node compiled by gpu-opencl and run on the device, against core's
 * reference kernel (opFor(node, opset).run) on the same seeded inputs.
 */
import {
  type Attribute,
  type Executable,
  emptyGraph,
  floatToHalf,
  inferShapes,
  makeNode,
  type Model,
  opFor,
  SeededRandom,
  Tensor,
} from '@lastmile/core';
import { afterAll, beforeAll, expect } from 'vitest';
import { backend, liveObjects } from '../src/index.js';
import { expectClose } from './support.js';

/** An input given as an initializer (a constant the backend reads at compile time). */
export interface ConstantInput {
  constant: Tensor;
}

export const constant = (t: Tensor): ConstantInput => ({ constant: t });

export interface OpCase {
  op: string;
  domain?: string;
  opset?: number;
  inputs: (Tensor | ConstantInput | undefined)[];
  attributes?: Record<string, Attribute>;
  outputs?: number;
}

const isConstant = (x: Tensor | ConstantInput | undefined): x is ConstantInput => x !== undefined && 'constant' in x;

/** A float32 tensor of uniform values in [-1, 1) from `seed`. */
export const rand = (seed: number, dims: number[]): Tensor => new SeededRandom(seed).floatTensor(dims);

function caseModel(c: OpCase): Model {
  const graph = emptyGraph(`test_${c.op}`);
  const names = c.inputs.map((x, i) => (x === undefined ? '' : `in${i}`));
  c.inputs.forEach((x, i) => {
    if (x === undefined) return;
    if (isConstant(x)) graph.initializers.set(names[i], x.constant);
    else graph.inputs.push({ name: names[i], type: x.type, shape: [...x.dims] });
  });
  while (names.length && names[names.length - 1] === '') names.pop();
  const outputs = Array.from({ length: c.outputs ?? 1 }, (_, i) => `out${i}`);
  graph.nodes.push(makeNode(c.op, names, outputs, c.attributes ?? {}, 'node', c.domain ?? ''));
  const opset = c.opset ?? 17;
  const opsets = new Map([['', c.domain ? 17 : opset]]);
  if (c.domain) opsets.set(c.domain, opset);
  const model: Model = { irVersion: 8, opsets, graph, metadata: new Map() };
  const inferred = inferShapes(model);
  const typed = outputs.map((name) => inferred.graph.valueInfo.get(name) ?? inferred.graph.outputs.find((o) => o.name === name));
  return { ...inferred, graph: { ...inferred.graph, outputs: typed.map((t, i) => ({ name: outputs[i], type: t!.type, shape: t!.shape })) } };
}

function toHalf(t: Tensor): Tensor {
  const bits = new Uint16Array(t.size);
  (t.data as Float32Array).forEach((v, i) => (bits[i] = floatToHalf(v)));
  return new Tensor('float16', bits, t.dims);
}

/** Compiles and runs the case on gpu-opencl and checks it against the reference kernel. */
export async function expectOpMatchesReference(c: OpCase, precision: 'fp32' | 'fp16' = 'fp32'): Promise<void> {
  const model = caseModel(c);
  const node = model.graph.nodes[0];
  const opset = c.opset ?? 17;
  const context = {
    opset,
    valueType: (name: string) => [...model.graph.inputs, ...model.graph.outputs].find((v) => v.name === name) ?? (model.graph.initializers.has(name) ? { type: 'float32' as const, shape: [...model.graph.initializers.get(name)!.dims] } : undefined),
    constant: (name: string) => model.graph.initializers.get(name),
  };
  const support = backend.supports(node, context);
  expect(support, `${c.op} supported`).toEqual({ supported: true });
  const feeds: Record<string, Tensor> = {};
  c.inputs.forEach((x, i) => {
    if (x !== undefined && !isConstant(x)) feeds[`in${i}`] = precision === 'fp16' ? toHalf(x) : x;
  });
  const expected = opFor(node, opset).run(
    c.inputs.map((x) => (isConstant(x) ? x.constant : x)),
    { node, opset },
  );
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
    held = await backend.compile({ id: 0, model: caseModel({ op: 'Relu', inputs: [rand(0, [2])] }) }, {});
    await (await backend.compile({ id: 0, model: caseModel({ op: 'Relu', inputs: [rand(0, [2])] }) }, { precision: 'fp16' })).dispose();
  }, 60_000);
  afterAll(async () => {
    await held?.dispose();
    expect(liveObjects().total).toBe(0);
  });
}

