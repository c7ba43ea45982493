import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { a, emptyGraph, floatToHalf, makeNode, ModelLimitError, SeededRandom, Tensor } from '@lastmile/core';
import type { Graph, Model } from '@lastmile/core';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeModel, saveModel } from './writer.js';

function model(graph: Graph, opset = 13): Model {
  return { irVersion: 8, opsets: new Map([['', opset]]), graph, metadata: new Map(), producerName: 'lastmile-test' };
}

/** Direct 3x3 convolution, pad 1, stride 1, then ReLU: the reference the written model must match. */
function convRelu(
  x: Float32Array,
  w: Float32Array,
  b: Float32Array,
  c: number,
  m: number,
  h: number,
  wd: number,
): Float32Array {
  const out = new Float32Array(m * h * wd);
  for (let o = 0; o < m; o++)
    for (let y = 0; y < h; y++)
      for (let xx = 0; xx < wd; xx++) {
        let s = b[o];
        for (let ci = 0; ci < c; ci++)
          for (let ky = 0; ky < 3; ky++)
            for (let kx = 0; kx < 3; kx++) {
              const iy = y + ky - 1;
              const ix = xx + kx - 1;
              if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
              s += x[(ci * h + iy) * wd + ix] * w[((o * c + ci) * 3 + ky) * 3 + kx];
            }
        out[(o * h + y) * wd + xx] = Math.max(0, s);
      }
  return out;
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-4): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++)
    expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(tol + tol * Math.abs(want[i]));
}

describe('encodeModel', () => {
  it('writes Conv + Relu that onnxruntime runs with the same numbers', async () => {
    const rng = new SeededRandom(7);
    const [c, m, h, w] = [3, 4, 5, 6];
    const weight = rng.floatTensor([m, c, 3, 3]);
    const bias = rng.floatTensor([m]);
    const g = emptyGraph('conv_relu');
    g.inputs.push({ name: 'x', type: 'float32', shape: ['batch', c, h, w] });
    g.outputs.push({ name: 'y', type: 'float32', shape: ['batch', m, h, w] });
    g.initializers.set('w', weight);
    g.initializers.set('b', bias);
    g.nodes.push(
      makeNode('Conv', ['x', 'w', 'b'], ['t'], { kernel_shape: a.ints([3, 3]), pads: a.ints([1, 1, 1, 1]) }, 'conv'),
    );
    g.nodes.push(makeNode('Relu', ['t'], ['y'], {}, 'relu'));
    g.valueInfo.set('t', { name: 't', type: 'float32', shape: ['batch', m, h, w] });

    const session = await ort.InferenceSession.create(encodeModel(model(g)));
    expect(session.inputNames).toEqual(['x']);
    const x = rng.floatTensor([1, c, h, w]);
    const { y } = await session.run({ x: new ort.Tensor('float32', x.data, [1, c, h, w]) });
    expect(y.dims).toEqual([1, m, h, w]);
    expectClose(y.data as Float32Array, convRelu(x.data, weight.data, bias.data, c, m, h, w));
  });

  it('writes Gemm with float attributes and transB', async () => {
    const rng = new SeededRandom(11);
    const B = rng.floatTensor([4, 3]); // transB: stored as N x K
    const C = rng.floatTensor([4]);
    const g = emptyGraph('gemm');
    g.inputs.push({ name: 'a', type: 'float32', shape: [2, 3] });
    g.outputs.push({ name: 'y', type: 'float32', shape: [2, 4] });
    g.initializers.set('B', B);
    g.initializers.set('C', C);
    g.nodes.push(makeNode('Gemm', ['a', 'B', 'C'], ['y'], { alpha: a.float(0.5), beta: a.float(2), transB: a.int(1) }));
    const session = await ort.InferenceSession.create(encodeModel(model(g)));
    const A = rng.floatTensor([2, 3]);
    const { y } = await session.run({ a: new ort.Tensor('float32', A.data, [2, 3]) });
    const want = new Float32Array(8);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 4; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += A.data[i * 3 + k] * B.data[j * 3 + k];
        want[i * 4 + j] = 0.5 * s + 2 * C.data[j];
      }
    expectClose(y.data as Float32Array, want);
  });

  it('writes int64, float16, bool and tensor attributes little-endian', async () => {
    const g = emptyGraph('types');
    g.inputs.push({ name: 'x', type: 'float32', shape: [2, 3] });
    g.inputs.push({ name: 'h', type: 'float16', shape: [3] });
    g.outputs.push({ name: 'r', type: 'float32', shape: [3, 2] });
    g.outputs.push({ name: 's', type: 'float16', shape: [3] });
    g.outputs.push({ name: 'k', type: 'int64', shape: [2] });
    g.outputs.push({ name: 'sel', type: 'float32', shape: [3, 2] });
    g.initializers.set('shape', new Tensor('int64', [3n, -1n], [2]));
    g.initializers.set('half', new Tensor('float16', new Uint16Array([1, 2, 3].map(floatToHalf)), [3]));
    g.initializers.set('mask', new Tensor('bool', [1, 0, 0, 1, 1, 0], [3, 2]));
    g.nodes.push(makeNode('Reshape', ['x', 'shape'], ['r']));
    g.nodes.push(makeNode('Add', ['h', 'half'], ['s']));
    g.nodes.push(makeNode('Constant', [], ['k'], { value: a.tensor(new Tensor('int64', [-(2n ** 40n), 9n], [2])) }));
    g.nodes.push(makeNode('Where', ['mask', 'r', 'zero'], ['sel']));
    g.nodes.push(makeNode('Constant', [], ['zero'], { value_float: a.float(-1) }));
    // ORT wants topological order.
    g.nodes.unshift(g.nodes.pop()!);
    const session = await ort.InferenceSession.create(encodeModel(model(g, 17)));
    const out = await session.run({
      x: new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]),
      h: new ort.Tensor('float16', new Uint16Array([0.5, 0.25, -4].map(floatToHalf)), [3]),
    });
    expect(out.r.dims).toEqual([3, 2]);
    expect([...(out.s.data as Uint16Array)]).toEqual([1.5, 2.25, -1].map(floatToHalf));
    expect([...(out.k.data as BigInt64Array)]).toEqual([-(2n ** 40n), 9n]);
    expect([...(out.sel.data as Float32Array)]).toEqual([1, -1, -1, 4, 5, -1]);
  });

  it('writes an If with graph attributes', async () => {
    const branch = (value: number): Graph => {
      const b = emptyGraph(`branch_${value}`);
      b.outputs.push({ name: `o${value}`, type: 'float32', shape: [1] });
      b.nodes.push(makeNode('Constant', [], [`o${value}`], { value: a.tensor(new Tensor('float32', [value], [1])) }));
      return b;
    };
    const g = emptyGraph('if');
    g.inputs.push({ name: 'c', type: 'bool', shape: [] });
    g.outputs.push({ name: 'y', type: 'float32', shape: [1] });
    g.nodes.push(
      makeNode('If', ['c'], ['y'], {
        then_branch: { type: 'graph', value: branch(1) },
        else_branch: { type: 'graph', value: branch(2) },
      }),
    );
    const session = await ort.InferenceSession.create(encodeModel(model(g)));
    const yes = await session.run({ c: new ort.Tensor('bool', Uint8Array.from([1]), []) });
    const no = await session.run({ c: new ort.Tensor('bool', Uint8Array.from([0]), []) });
    expect([...(yes.y.data as Float32Array)]).toEqual([1]);
    expect([...(no.y.data as Float32Array)]).toEqual([2]);
  });

  it('refuses subgraphs nested past the protobuf recursion limit with a ModelLimitError', () => {
    let g = emptyGraph('leaf');
    for (let i = 0; i < 40; i++) {
      const outer = emptyGraph(`level${i}`);
      outer.nodes.push(makeNode('If', ['c'], ['y'], { then_branch: { type: 'graph', value: g } }));
      g = outer;
    }
    expect(() => encodeModel(model(g))).toThrow(ModelLimitError);
  });

  it('lists initializers as inputs for IR version 3', async () => {
    const g = emptyGraph('ir3');
    g.inputs.push({ name: 'x', type: 'float32', shape: [2] });
    g.outputs.push({ name: 'y', type: 'float32', shape: [2] });
    g.initializers.set('b', new Tensor('float32', [10, 20], [2]));
    g.nodes.push(makeNode('Add', ['x', 'b'], ['y']));
    const m: Model = { ...model(g, 7), irVersion: 3 };
    const session = await ort.InferenceSession.create(encodeModel(m));
    const { y } = await session.run({ x: new ort.Tensor('float32', Float32Array.from([1, 2]), [2]) });
    expect([...(y.data as Float32Array)]).toEqual([11, 22]);
  });
});

describe('saveModel', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('writes the file through a temporary file and leaves nothing else behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lastmile-onnx-'));
    dirs.push(dir);
    const g = emptyGraph();
    g.inputs.push({ name: 'x', type: 'float32', shape: [1] });
    g.outputs.push({ name: 'y', type: 'float32', shape: [1] });
    g.nodes.push(makeNode('Relu', ['x'], ['y']));
    const path = join(dir, 'relu.onnx');
    await saveModel(model(g), path);
    await saveModel(model(g), path); // overwriting is fine too
    expect(await readdir(dir)).toEqual(['relu.onnx']);
    expect(new Uint8Array(await readFile(path))).toEqual(encodeModel(model(g)));
  });

  it('leaves no temporary file when the rename fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lastmile-onnx-'));
    dirs.push(dir);
    const g = emptyGraph();
    // The target is a non-empty folder: rename fails after the temporary file was written.
    const target = join(dir, 'taken');
    await saveModel(model(g), join(`${target}.onnx`));
    await import('node:fs/promises').then((fs) => fs.mkdir(join(target, 'x'), { recursive: true }));
    await expect(saveModel(model(g), target)).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['taken', 'taken.onnx']);
  });
});
