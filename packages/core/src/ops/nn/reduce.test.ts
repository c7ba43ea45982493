import { describe, expect, it } from 'vitest';
import { AttributeError, GraphError, UnsupportedOpError } from '../../errors.js';
import { a } from '../../ir/attributes.js';
import { Tensor } from '../../tensor.js';
import { ReduceMax, ReduceMean, ReduceSum } from './reduce.js';
import { inferOp, runOp } from './testing.js';

const f = (values: number[], dims?: number[]) => new Tensor('float32', values, dims);
const i64 = (values: number[]) => new Tensor('int64', values.map(BigInt));
const values = (t: Tensor) => Array.from(t.data as ArrayLike<number | bigint>);
const x = f([1, 2, 3, 4, 5, 6], [2, 3]);

describe('ReduceSum, ReduceMean, ReduceMax', () => {
  it('reduce the axes attribute before the input version', () => {
    const [sum] = runOp(ReduceSum, [x], { axes: a.ints([1]) }, 11);
    expect([sum.dims, values(sum)]).toEqual([
      [2, 1],
      [6, 15],
    ]);
    const [mean] = runOp(ReduceMean, [x], { axes: a.ints([0]), keepdims: a.int(0) }, 13);
    expect([mean.dims, values(mean)]).toEqual([[3], [2.5, 3.5, 4.5]]);
    const [max] = runOp(ReduceMax, [x], {}, 13);
    expect([max.dims, values(max)]).toEqual([[1, 1], [6]]);
  });
  it('take axes as an input from opset 13 (ReduceSum) and 18 (ReduceMean, ReduceMax)', () => {
    expect(values(runOp(ReduceSum, [x, i64([-1])], {}, 13)[0])).toEqual([6, 15]);
    expect(values(runOp(ReduceMax, [x, i64([0])], { keepdims: a.int(0) }, 18)[0])).toEqual([4, 5, 6]);
    expect(runOp(ReduceMean, [x], { keepdims: a.int(0) }, 18)[0].dims).toEqual([]);
    const [same] = runOp(ReduceSum, [x, i64([])], { noop_with_empty_axes: a.int(1) }, 13);
    expect([same.dims, values(same)]).toEqual([
      [2, 3],
      [1, 2, 3, 4, 5, 6],
    ]);
  });
  it('handle integers, NaN and empty reductions', () => {
    expect(values(runOp(ReduceSum, [new Tensor('int32', [2 ** 31 - 1, 1])], {}, 11)[0])).toEqual([-(2 ** 31)]);
    expect(values(runOp(ReduceMax, [i64([-5, 7, 2])], {}, 11)[0])).toEqual([7n]);
    expect(values(runOp(ReduceMax, [f([1, NaN, 2])], {}, 11)[0])).toEqual([NaN]);
    const empty = f([], [0, 2]);
    expect(values(runOp(ReduceSum, [empty], { axes: a.ints([0]) }, 11)[0])).toEqual([0, 0]);
    expect(values(runOp(ReduceMean, [empty], { axes: a.ints([0]) }, 11)[0])).toEqual([0, 0]);
    expect(values(runOp(ReduceMax, [empty], { axes: a.ints([0]) }, 11)[0])).toEqual([-Infinity, -Infinity]);
    expect(runOp(ReduceSum, [empty], { axes: a.ints([1]) }, 11)[0].dims).toEqual([0, 1]);
  });
  it('infer shapes from constant axes, symbolic dims included', () => {
    const X = { type: 'float32' as const, shape: ['N', 3, 'W'] };
    expect(
      inferOp(ReduceSum, [X, { type: 'int64', shape: [1], value: i64([2]) }], { keepdims: a.int(0) }, 13)[0].shape,
    ).toEqual(['N', 3]);
    expect(inferOp(ReduceSum, [X, { type: 'int64', shape: [1] }], {}, 13)[0].shape).toBeUndefined();
    expect(inferOp(ReduceMean, [X], { axes: a.ints([1]) }, 13)[0].shape).toEqual(['N', 1, 'W']);
  });
  it('refuse bad axes', () => {
    expect(() => runOp(ReduceSum, [x], { axes: a.ints([2]) }, 11)).toThrow(AttributeError);
    expect(() => runOp(ReduceSum, [x], { axes: a.ints([1, -1]) }, 11)).toThrow(AttributeError);
    expect(() => runOp(ReduceSum, [x, i64([0])], {}, 11)).toThrow(GraphError);
    expect(() => runOp(ReduceSum, [x, new Tensor('int32', [0])], {}, 13)).toThrow(UnsupportedOpError);
  });
});
