/**
 * Preparing new input shapes compiles the partition again but packs no weight again: the constants a
 * session hands over are the same arrays each time, and what was packed from them is reused. Results
 * at every shape still match onnxruntime-node and the reference.
 */
import { a, makeNode, SeededRandom, Session } from '@lastmile/core';
import { buildModel } from '@lastmile/models';
import { encodeModel } from '@lastmile/onnx';
import { expectClose, fromOrt, toOrt } from '@lastmile/testing';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { packStats } from './layout/pack-cache.js';
import { backend } from './index.js';
import { expectMatchesReference, type GraphCase, rng } from './harness.js';

/** Packings computed and reused while `work` runs. */
async function packsDuring(work: () => Promise<unknown>): Promise<{ packed: number; reused: number }> {
  const before = packStats();
  await work();
  const after = packStats();
  return { packed: after.packed - before.packed, reused: after.reused - before.reused };
}

/** MobileNetV2 with its height and width left symbolic, as ONNX bytes. */
function dynamicMobileNetV2(): Uint8Array {
  const model = buildModel('mobilenetV2', { numClasses: 100 });
  const g = model.graph;
  g.inputs = g.inputs.map((i) => ({ ...i, shape: [1, 3, 'H', 'W'] }));
  g.outputs = g.outputs.map((o) => ({ ...o, shape: undefined }));
  g.valueInfo = new Map();
  return encodeModel(model);
}

describe('re-preparing new input shapes on cpu-neon', () => {
  it('MobileNetV2 at two shapes matches onnxruntime-node, the second prepare packing nothing', async () => {
    const bytes = dynamicMobileNetV2();
    const session = await Session.init(bytes, { backends: [backend] });
    const reference = await ort.InferenceSession.create(bytes);
    try {
      const packs: { packed: number; reused: number }[] = [];
      for (const [i, dims] of [
        [1, 3, 96, 96],
        [1, 3, 128, 160],
      ].entries()) {
        packs.push(await packsDuring(() => session.prepare({ input: dims })));
        const x = new SeededRandom(i).floatTensor(dims, 0, 1);
        const ours = await session.run({ input: x });
        const expected = (await reference.run({ input: toOrt(x) })).output;
        expect(session.partitions.length).toBe(1);
        expectClose(ours.output, fromOrt(expected), 1e-3, 1e-4, `output at ${dims.join('x')}`);
      }
      // 52 convolutions (17 of them depthwise) and the classifier.
      expect(packs).toEqual([
        { packed: 53, reused: 0 },
        { packed: 0, reused: 53 },
      ]);
    } finally {
      await session.destroy();
      await reference.release();
    }
  });

  /** Compiles `c` twice: both match the reference, and the second packs nothing the first packed. */
  async function expectSecondCompileReuses(c: GraphCase, packings: number): Promise<void> {
    const first = await packsDuring(() => expectMatchesReference(c));
    const second = await packsDuring(() => expectMatchesReference(c));
    expect([first, second]).toEqual([
      { packed: packings, reused: 0 },
      { packed: 0, reused: packings },
    ]);
  }

  it('one weight under two folded scales packs twice, and each packing is reused', async () => {
    const r = rng(1);
    await expectSecondCompileReuses(
      {
        inputs: { x: r.floatTensor([1, 5, 6, 7]) },
        constants: {
          W: r.floatTensor([9, 5, 3, 3]),
          B: r.floatTensor([9]),
          s1: r.floatTensor([1, 9, 1, 1]),
          s2: r.floatTensor([1, 9, 1, 1]),
        },
        nodes: [
          makeNode('Conv', ['x', 'W', 'B'], ['c1'], { pads: a.ints([1, 1, 1, 1]), strides: a.ints([2, 2]) }, 'conv1'),
          makeNode('Mul', ['c1', 's1'], ['y1'], {}, 'scale1'),
          makeNode('Conv', ['x', 'W', 'B'], ['c2'], { pads: a.ints([1, 1, 1, 1]), strides: a.ints([2, 2]) }, 'conv2'),
          makeNode('Mul', ['c2', 's2'], ['y2'], {}, 'scale2'),
        ],
        outputs: ['y1', 'y2'],
      },
      2,
    );
  });

  it('ConvTranspose kernel rows, a Gemm with bias and a MatMul by a constant are reused', async () => {
    const r = rng(2);
    await expectSecondCompileReuses(
      {
        inputs: { x: r.floatTensor([1, 6, 3, 5]), v: r.floatTensor([3, 12]) },
        constants: {
          T: r.floatTensor([6, 4, 2, 2]),
          G: r.floatTensor([7, 12]),
          C: r.floatTensor([7]),
          M: r.floatTensor([7, 5]),
        },
        nodes: [
          makeNode(
            'ConvTranspose',
            ['x', 'T'],
            ['up'],
            { kernel_shape: a.ints([2, 2]), strides: a.ints([2, 2]) },
            'up',
          ),
          makeNode('Gemm', ['v', 'G', 'C'], ['g'], { transB: a.int(1), alpha: a.float(0.5), beta: a.float(2) }, 'gemm'),
          makeNode('MatMul', ['g', 'M'], ['mm'], {}, 'matmul'),
        ],
        outputs: ['up', 'mm'],
      },
      // Two kernel rows, the Gemm, the MatMul.
      4,
    );
  });
});
