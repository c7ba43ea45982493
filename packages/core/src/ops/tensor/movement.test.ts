import { describe, expect, it } from 'vitest';
import { a } from '../../ir/attributes.js';
import { Tensor } from '../../tensor.js';
import { concatOp } from './concat.js';
import { gatherOp } from './gather.js';
import { flattenOp, reshapeOp } from './reshape.js';
import { shapeOp, shapeValue } from './shape-op.js';
import { sliceOp } from './slice.js';
import { splitOp } from './split.js';
import { squeezeOp, unsqueezeOp } from './squeeze.js';
import { contextFor, expectCode, inferOp, known, runOp, values } from './test-support.js';
import { transposeOp } from './transpose.js';

const f32 = (data: number[], dims: number[]) => new Tensor('float32', data, dims);
const i64 = (data: number[] | bigint[]) => new Tensor('int64', data);
const iota = (dims: number[]) =>
  f32(
    Array.from({ length: dims.reduce((p, d) => p * d, 1) }, (_, i) => i),
    dims,
  );

describe('Concat', () => {
  it('joins along a negative axis and skips empty inputs', () => {
    const [y] = runOp(concatOp, [iota([2, 2]), f32([], [2, 0]), f32([9, 8], [2, 1])], {
      attributes: { axis: a.int(-1) },
    });
    expect(y.dims).toEqual([2, 3]);
    expect(values(y)).toEqual([0, 1, 9, 2, 3, 8]);
  });
  it('infers symbolic dims and refuses mismatches', () => {
    const [t] = inferOp(
      concatOp,
      [
        { type: 'float32', shape: ['N', 2] },
        { type: 'float32', shape: ['N', 3] },
      ],
      { attributes: { axis: a.int(1) } },
    );
    expect(t.shape).toEqual(['N', 5]);
    const [u] = inferOp(
      concatOp,
      [
        { type: 'float32', shape: ['N', 2] },
        { type: 'float32', shape: ['M', 2] },
      ],
      { attributes: { axis: a.int(0) } },
    );
    expect(u.shape).toEqual(['n:0:0', 2]);
    expectCode(() => runOp(concatOp, [iota([2, 2]), iota([3, 3])], { attributes: { axis: a.int(0) } }), 'LM_SHAPE');
    expectCode(() => runOp(concatOp, [iota([2, 2])], { attributes: { axis: a.int(-1) }, opset: 7 }), 'LM_ATTRIBUTE');
  });
});

describe('Split', () => {
  it('splits by sizes (input from opset 13, attribute before)', () => {
    const x = iota([5, 2]);
    for (const [opset, inputs, attributes] of [
      [13, [x, i64([2, 3])], {}],
      [11, [x], { split: a.ints([2, 3]) }],
    ] as const) {
      const ys = runOp(splitOp, inputs, { opset, outputs: 2, attributes });
      expect(ys.map((y) => y.dims)).toEqual([
        [2, 2],
        [3, 2],
      ]);
      expect(values(ys[1])).toEqual([4, 5, 6, 7, 8, 9]);
    }
  });
  it('splits evenly or into num_outputs chunks with a smaller last', () => {
    const ys = runOp(splitOp, [iota([2, 5])], {
      opset: 18,
      outputs: 3,
      attributes: { axis: a.int(1), num_outputs: a.int(3) },
    });
    expect(ys.map((y) => y.dims)).toEqual([
      [2, 2],
      [2, 2],
      [2, 1],
    ]);
    expect(values(ys[2])).toEqual([4, 9]);
    expectCode(() => runOp(splitOp, [iota([5])], { outputs: 2 }), 'LM_SHAPE');
    const t = inferOp(
      splitOp,
      [
        { type: 'float32', shape: ['N', 4] },
        { type: 'int64', shape: [2] },
      ],
      { outputs: 2, attributes: { axis: a.int(1) } },
    );
    expect(t.map((v) => v.shape)).toEqual([
      ['N', 'n:0:1'],
      ['N', 'n:1:1'],
    ]);
  });
});

describe('Slice', () => {
  it('handles negative steps and INT64 sentinels', () => {
    const x = iota([3, 4]);
    const max = 2n ** 63n - 1n;
    const min = -(2n ** 63n);
    const [y] = runOp(sliceOp, [x, i64([max, 1n]), i64([min, max]), i64([0n, 1n]), i64([-1n, 2n])], { opset: 13 });
    expect(y.dims).toEqual([3, 2]);
    expect(values(y)).toEqual([9, 11, 5, 7, 1, 3]);
  });
  it('takes attributes before opset 10 and clamps', () => {
    const [y] = runOp(sliceOp, [iota([6])], { opset: 9, attributes: { starts: a.ints([-2]), ends: a.ints([100]) } });
    expect(values(y)).toEqual([4, 5]);
    const [e] = runOp(sliceOp, [iota([6]), i64([4]), i64([1])], { opset: 13 });
    expect(e.dims).toEqual([0]);
  });
  it('infers known, symbolic and unknown slices; refuses step 0', () => {
    const max = 2n ** 63n - 1n;
    const x = { type: 'float32' as const, shape: ['N', 10] };
    expect(inferOp(sliceOp, [x, known(i64([0n, 2n])), known(i64([max, -2n]))])[0].shape).toEqual(['N', 6]);
    expect(inferOp(sliceOp, [x, known(i64([1])), known(i64([3]))])[0].shape).toEqual(['n:0:0', 10]);
    expect(
      inferOp(sliceOp, [x, { type: 'int64', shape: [1] }, { type: 'int64', shape: [1] }, known(i64([1]))])[0].shape,
    ).toEqual(['N', 'n:0:1']);
    expectCode(() => runOp(sliceOp, [iota([3]), i64([0]), i64([3]), i64([0]), i64([0])]), 'LM_SHAPE');
  });
});

describe('Reshape and Flatten', () => {
  it('copies 0 entries and infers -1', () => {
    const [y] = runOp(reshapeOp, [iota([2, 3, 4]), i64([0, -1])]);
    expect(y.dims).toEqual([2, 12]);
    expect(inferOp(reshapeOp, [{ type: 'float32', shape: ['N', 3, 4] }, known(i64([0, -1]))])[0].shape).toEqual([
      'N',
      12,
    ]);
    expect(inferOp(reshapeOp, [{ type: 'float32', shape: ['N', 3, 4] }, known(i64([-1, 4]))])[0].shape).toEqual([
      'n:0:0',
      4,
    ]);
    expect(inferOp(reshapeOp, [{ type: 'float32', shape: ['N', 12] }, known(i64([3, -1, 4]))])[0].shape).toEqual([
      3,
      'N',
      4,
    ]);
    expect(
      inferOp(reshapeOp, [
        { type: 'float32', shape: [2, 3] },
        { type: 'int64', shape: [3] },
      ])[0].shape,
    ).toEqual(['n:0:0', 'n:0:1', 'n:0:2']);
    expect(inferOp(reshapeOp, [{ type: 'float32', shape: [2, 3] }, { type: 'int64' }])[0].shape).toBeUndefined();
  });
  it('keeps a literal 0 with allowzero and refuses bad targets', () => {
    const [y] = runOp(reshapeOp, [f32([], [0, 3]), i64([3, 0])], { attributes: { allowzero: a.int(1) } });
    expect(y.dims).toEqual([3, 0]);
    expectCode(
      () => runOp(reshapeOp, [iota([2, 3]), i64([0, -1])], { attributes: { allowzero: a.int(1) } }),
      'LM_SHAPE',
    );
    expectCode(() => runOp(reshapeOp, [iota([2, 3]), i64([-1, -1])]), 'LM_SHAPE');
    expectCode(() => runOp(reshapeOp, [iota([2, 3]), i64([4, -1])]), 'LM_SHAPE');
    expectCode(() => runOp(reshapeOp, [iota([2, 3]), i64([2n ** 32n, 1n])]), 'LM_SHAPE');
  });
  it('flattens around positive and negative axes', () => {
    expect(runOp(flattenOp, [iota([2, 3, 4])], { attributes: { axis: a.int(-1) } })[0].dims).toEqual([6, 4]);
    expect(runOp(flattenOp, [iota([2, 3, 4])], { attributes: { axis: a.int(0) } })[0].dims).toEqual([1, 24]);
    expect(inferOp(flattenOp, [{ type: 'float32', shape: ['N', 3, 4] }])[0].shape).toEqual(['N', 12]);
    expectCode(() => runOp(flattenOp, [iota([2, 3])], { attributes: { axis: a.int(-1) }, opset: 9 }), 'LM_ATTRIBUTE');
  });
});

describe('Transpose', () => {
  it('reverses by default and follows perm', () => {
    const x = iota([2, 3]);
    expect(values(runOp(transposeOp, [x])[0])).toEqual([0, 3, 1, 4, 2, 5]);
    const [y] = runOp(transposeOp, [iota([2, 3, 4])], { attributes: { perm: a.ints([1, 2, 0]) } });
    expect(y.dims).toEqual([3, 4, 2]);
    expect(values(y).slice(0, 4)).toEqual([0, 12, 1, 13]);
    expectCode(() => runOp(transposeOp, [x], { attributes: { perm: a.ints([0, 0]) } }), 'LM_ATTRIBUTE');
  });
  it('moves int64 and float16 elements unchanged', () => {
    const big = new Tensor('int64', [2n ** 60n, -3n], [1, 2]);
    expect(runOp(transposeOp, [big])[0].data).toEqual(new BigInt64Array([2n ** 60n, -3n]));
  });
});

describe('Squeeze and Unsqueeze', () => {
  it('uses the axes attribute before 13 and the input from 13', () => {
    const x = iota([1, 3, 1]);
    expect(runOp(squeezeOp, [x], { opset: 11, attributes: { axes: a.ints([-1]) } })[0].dims).toEqual([1, 3]);
    expect(runOp(squeezeOp, [x, i64([0])], { opset: 13 })[0].dims).toEqual([3, 1]);
    expect(runOp(squeezeOp, [x])[0].dims).toEqual([3]);
    expectCode(() => runOp(squeezeOp, [x, i64([1])]), 'LM_SHAPE');
    expect(inferOp(squeezeOp, [{ type: 'float32', shape: ['N', 1] }])[0].shape).toBeUndefined();
  });
  it('inserts axes counted in the output rank', () => {
    expect(runOp(unsqueezeOp, [iota([3, 4]), i64([0, -1])])[0].dims).toEqual([1, 3, 4, 1]);
    expect(runOp(unsqueezeOp, [iota([3])], { opset: 11, attributes: { axes: a.ints([1]) } })[0].dims).toEqual([3, 1]);
    expect(inferOp(unsqueezeOp, [{ type: 'float32', shape: ['N'] }, known(i64([0]))])[0].shape).toEqual([1, 'N']);
    expectCode(() => runOp(unsqueezeOp, [iota([3]), i64([0, 0])]), 'LM_ATTRIBUTE');
    expectCode(() => runOp(unsqueezeOp, [iota([3])]), 'LM_GRAPH');
  });
});

describe('Shape', () => {
  it('returns dims with start/end from opset 15', () => {
    const x = iota([2, 3, 4]);
    expect(values(runOp(shapeOp, [x])[0])).toEqual([2, 3, 4]);
    expect(values(runOp(shapeOp, [x], { attributes: { start: a.int(-2), end: a.int(10) } })[0])).toEqual([3, 4]);
    expect(values(runOp(shapeOp, [x], { opset: 13, attributes: { start: a.int(1) } })[0])).toEqual([2, 3, 4]);
    expect(inferOp(shapeOp, [{ type: 'float32', shape: ['N', 3] }], { attributes: { start: a.int(1) } })[0]).toEqual({
      type: 'int64',
      shape: [1],
    });
  });
  it('folds a static input shape without data', () => {
    const ctx = contextFor(shapeOp, { attributes: { end: a.int(-1) } });
    expect(values(shapeValue({ type: 'float32', shape: [5, 6, 7] }, ctx) as Tensor)).toEqual([5, 6]);
    expect(shapeValue({ type: 'float32', shape: ['N', 6] }, ctx)).toBeUndefined();
  });
});

describe('Gather', () => {
  it('gathers with negative indices along any axis', () => {
    const x = iota([3, 4]);
    const [y] = runOp(gatherOp, [x, new Tensor('int32', [-1, 0], [2])], { attributes: { axis: a.int(1) } });
    expect(y.dims).toEqual([3, 2]);
    expect(values(y)).toEqual([3, 0, 7, 4, 11, 8]);
    const [z] = runOp(gatherOp, [x, new Tensor('int64', [2n], [])]);
    expect(z.dims).toEqual([4]);
    expect(values(z)).toEqual([8, 9, 10, 11]);
    expectCode(() => runOp(gatherOp, [x, i64([3])]), 'LM_SHAPE');
    expectCode(() => runOp(gatherOp, [x, i64([-4])]), 'LM_SHAPE');
    expect(
      inferOp(gatherOp, [
        { type: 'float32', shape: ['N', 4] },
        { type: 'int64', shape: [2, 5] },
      ])[0].shape,
    ).toEqual([2, 5, 4]);
  });
});
