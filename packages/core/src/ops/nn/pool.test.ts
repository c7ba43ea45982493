import { describe, expect, it } from 'vitest';
import { AttributeError, ShapeError } from '../../errors.js';
import { a } from '../../ir/attributes.js';
import { Tensor } from '../../tensor.js';
import { AveragePool, GlobalAveragePool, GlobalMaxPool, MaxPool } from './pool.js';
import { inferOp, runOp } from './testing.js';

const f = (values: number[], dims?: number[]) => new Tensor('float32', values, dims);
const values = (t: Tensor) => Array.from(t.data as ArrayLike<number | bigint>);
const x16 = f(
  Array.from({ length: 16 }, (_, i) => i + 1),
  [1, 1, 4, 4],
);
const k2s2 = { kernel_shape: a.ints([2, 2]), strides: a.ints([2, 2]) };
const withIndices = ['y', 'indices'];

describe('MaxPool', () => {
  it('takes window maxima and reports their indices in either storage order', () => {
    const [y, rowMajor] = runOp(MaxPool, [x16], k2s2, 17, withIndices);
    expect(values(y)).toEqual([6, 8, 14, 16]);
    expect(values(rowMajor)).toEqual([5n, 7n, 13n, 15n]);
    const [, columnMajor] = runOp(MaxPool, [x16], { ...k2s2, storage_order: a.int(1) }, 17, withIndices);
    expect(values(columnMajor)).toEqual([5n, 13n, 7n, 15n]);
  });
  it('produces Indices only when the node names it', () => {
    for (const outputs of [['y'], ['y', '']]) {
      const ys = runOp(MaxPool, [x16], k2s2, 17, outputs);
      expect(ys.map((t) => values(t))).toEqual([[6, 8, 14, 16]]);
      expect(inferOp(MaxPool, [{ type: 'float32', shape: [1, 1, 4, 4] }], k2s2, 17, outputs)).toEqual([
        { type: 'float32', shape: [1, 1, 2, 2] },
      ]);
    }
  });
  it('pads with nothing, dilates, and adds a window in ceil_mode only when it starts inside', () => {
    const x = f([1, 2, 3, 4, 5], [1, 1, 5]);
    expect(values(runOp(MaxPool, [x], { kernel_shape: a.ints([2]), strides: a.ints([2]) })[0])).toEqual([2, 4]);
    expect(
      values(runOp(MaxPool, [x], { kernel_shape: a.ints([2]), strides: a.ints([2]), ceil_mode: a.int(1) })[0]),
    ).toEqual([2, 4, 5]);
    expect(
      values(runOp(MaxPool, [f([-1, -2, -3], [1, 1, 3])], { kernel_shape: a.ints([2]), pads: a.ints([1, 1]) })[0]),
    ).toEqual([-1, -1, -2, -3]);
    expect(values(runOp(MaxPool, [x], { kernel_shape: a.ints([2]), dilations: a.ints([3]) })[0])).toEqual([4, 5]);
    // ceil_mode would start a third window at 4 + 2 (past the input and its begin padding): no window there.
    expect(
      runOp(MaxPool, [f([1, 2, 3, 4], [1, 1, 4])], {
        kernel_shape: a.ints([1]),
        strides: a.ints([3]),
        ceil_mode: a.int(1),
      })[0].dims,
    ).toEqual([1, 1, 2]);
  });
  it('infers both outputs, symbolic dims included, and ignores ceil_mode before opset 10', () => {
    const out = inferOp(
      MaxPool,
      [{ type: 'float32', shape: ['N', 3, 7, 'W'] }],
      { kernel_shape: a.ints([2, 2]), strides: a.ints([2, 2]), ceil_mode: a.int(1) },
      17,
      withIndices,
    );
    expect(out).toEqual([
      { type: 'float32', shape: ['N', 3, 4, 'y_d3'] },
      { type: 'int64', shape: ['N', 3, 4, 'y_d3'] },
    ]);
    expect(
      inferOp(
        MaxPool,
        [{ type: 'float32', shape: [1, 3, 7, 7] }],
        { kernel_shape: a.ints([2, 2]), strides: a.ints([2, 2]), ceil_mode: a.int(1) },
        8,
      )[0].shape,
    ).toEqual([1, 3, 3, 3]);
  });
  it('refuses bad attributes', () => {
    expect(() => runOp(MaxPool, [x16])).toThrow(AttributeError);
    expect(() => runOp(MaxPool, [x16], { kernel_shape: a.ints([0, 2]) })).toThrow(AttributeError);
    expect(() => runOp(MaxPool, [x16], { kernel_shape: a.ints([5, 5]) })).toThrow(ShapeError);
    expect(() => runOp(MaxPool, [x16], { ...k2s2, storage_order: a.int(2) })).toThrow(AttributeError);
    expect(() => runOp(MaxPool, [x16], { kernel_shape: a.ints([2, 2]), pads: a.ints([-1, 0, 0, 0]) })).toThrow(
      AttributeError,
    );
    expect(() => runOp(MaxPool, [f([1, 2], [1, 2])], { kernel_shape: a.ints([1]) })).toThrow(ShapeError);
  });
});

describe('AveragePool', () => {
  const x = f([1, 2, 3, 4], [1, 1, 2, 2]);
  const padded = { ...k2s2, pads: a.ints([1, 1, 1, 1]) };
  it('divides by the positions inside the input, or inside the padding with count_include_pad', () => {
    expect(values(runOp(AveragePool, [x], padded)[0])).toEqual([1, 2, 3, 4]);
    expect(values(runOp(AveragePool, [x], { ...padded, count_include_pad: a.int(1) })[0])).toEqual([
      0.25, 0.5, 0.75, 1,
    ]);
    expect(values(runOp(AveragePool, [x16], k2s2)[0])).toEqual([3.5, 5.5, 11.5, 13.5]);
  });
  it('never counts the ceil_mode overhang, even with count_include_pad', () => {
    const y = runOp(AveragePool, [f([1, 2, 3, 4, 5], [1, 1, 5])], {
      kernel_shape: a.ints([2]),
      strides: a.ints([2]),
      ceil_mode: a.int(1),
      count_include_pad: a.int(1),
    })[0];
    expect(values(y)).toEqual([1.5, 3.5, 5]);
  });
  it('dilates from opset 19', () => {
    const y = runOp(
      AveragePool,
      [f([1, 2, 3, 4, 5], [1, 1, 5])],
      { kernel_shape: a.ints([2]), dilations: a.ints([2]) },
      19,
    )[0];
    expect(values(y)).toEqual([2, 3, 4]);
  });
});

describe('global pools', () => {
  it('reduce each plane to one value', () => {
    const x = f([1, 2, 3, 6, -1, -2, -3, -6], [1, 2, 2, 2]);
    expect(values(runOp(GlobalAveragePool, [x])[0])).toEqual([3, -3]);
    expect(values(runOp(GlobalMaxPool, [x])[0])).toEqual([6, -1]);
    expect(runOp(GlobalMaxPool, [x.reshape([1, 2, 4])])[0].dims).toEqual([1, 2, 1]);
    expect(inferOp(GlobalAveragePool, [{ type: 'float32', shape: ['N', 8, 'H', 'W'] }])[0].shape).toEqual([
      'N',
      8,
      1,
      1,
    ]);
  });
  it('give empty outputs for N = 0 and refuse an empty plane', () => {
    expect(runOp(GlobalAveragePool, [f([], [0, 3, 2, 2])])[0].dims).toEqual([0, 3, 1, 1]);
    expect(() => runOp(GlobalAveragePool, [f([], [1, 3, 0, 2])])).toThrow(ShapeError);
  });
});
