import { describe, expect, it } from 'vitest';
import { GraphError, ShapeError, UnsupportedOpError } from '../../errors.js';
import { Tensor } from '../../tensor.js';
import { Add, cPow, Div, Mul, Pow, PRelu, Sub } from './binary.js';
import { broadcastIndex } from './broadcast.js';
import { inferOp, runOp } from './testing.js';

const f = (values: number[], dims?: number[]) => new Tensor('float32', values, dims);
const values = (t: Tensor) => Array.from(t.data as ArrayLike<number | bigint>);

describe('broadcastIndex', () => {
  it('maps each output element to its broadcast source', () => {
    expect(broadcastIndex([2, 3], [2, 3])).toBeUndefined();
    expect(Array.from(broadcastIndex([3], [2, 3])!)).toEqual([0, 1, 2, 0, 1, 2]);
    expect(Array.from(broadcastIndex([2, 1], [2, 3])!)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(Array.from(broadcastIndex([], [2, 2])!)).toEqual([0, 0, 0, 0]);
    expect(broadcastIndex([1], [0, 3])!.length).toBe(0);
  });
});

describe('Add, Sub, Mul, Div', () => {
  it('broadcast numpy-style in float32', () => {
    expect(values(runOp(Add, [f([1, 2, 3, 4, 5, 6], [2, 3]), f([10, 20, 30])])[0])).toEqual([11, 22, 33, 14, 25, 36]);
    expect(values(runOp(Sub, [f([1, 2], [2, 1]), f([1, 2, 3])])[0])).toEqual([0, -1, -2, 1, 0, -1]);
    expect(values(runOp(Mul, [f([2], []), f([1.5, -2])])[0])).toEqual([3, -4]);
    expect(values(runOp(Div, [f([1, -1, 0]), f([0], [])])[0])).toEqual([Infinity, -Infinity, NaN]);
  });
  it('wrap int32 and truncate integer division toward zero', () => {
    const i32 = (v: number[]) => new Tensor('int32', v);
    expect(values(runOp(Add, [i32([2 ** 31 - 1]), i32([1])])[0])).toEqual([-(2 ** 31)]);
    expect(values(runOp(Mul, [i32([65536]), i32([65536])])[0])).toEqual([0]);
    expect(values(runOp(Div, [i32([7, -7, 7, -7, 5]), i32([2, 2, -2, -2, 0])])[0])).toEqual([3, -3, -3, 3, 0]);
    const i64 = (v: bigint[]) => new Tensor('int64', v);
    expect(values(runOp(Div, [i64([-7n, 2n ** 62n]), i64([2n, 0n])])[0])).toEqual([-3n, 0n]);
    expect(values(runOp(Mul, [i64([2n ** 62n]), i64([4n])])[0])).toEqual([0n]);
  });
  it('give empty outputs for zero-size dims', () => {
    const [y] = runOp(Add, [f([], [0, 3]), f([1, 2, 3])]);
    expect(y.dims).toEqual([0, 3]);
  });
  it('infer broadcast shapes with symbolic dims', () => {
    expect(
      inferOp(Add, [
        { type: 'float32', shape: ['N', 3, 1] },
        { type: 'float32', shape: [4] },
      ]),
    ).toEqual([{ type: 'float32', shape: ['N', 3, 4] }]);
    expect(inferOp(Mul, [{ type: 'int64', shape: [2] }, { type: 'int64' }])).toEqual([
      { type: 'int64', shape: undefined },
    ]);
  });
  it('refuse bad inputs with typed errors', () => {
    expect(() =>
      inferOp(Add, [
        { type: 'float32', shape: [2, 3] },
        { type: 'float32', shape: [4] },
      ]),
    ).toThrow(ShapeError);
    expect(() =>
      inferOp(Add, [
        { type: 'float32', shape: [2] },
        { type: 'int32', shape: [2] },
      ]),
    ).toThrow(GraphError);
    expect(() =>
      inferOp(Add, [
        { type: 'float16', shape: [2] },
        { type: 'float16', shape: [2] },
      ]),
    ).toThrow(UnsupportedOpError);
    expect(() => inferOp(Add, [{ type: 'float32', shape: [2] }])).toThrow(GraphError);
    expect(() => runOp(Add, [f([1]), f([1]), f([1])])).toThrow(/takes 2 inputs, got 3/);
  });
});

describe('Pow', () => {
  it('follows C pow, with integer bases truncated', () => {
    expect(cPow(1, NaN)).toBe(1);
    expect(cPow(-1, Infinity)).toBe(1);
    expect(values(runOp(Pow, [f([2, 4, -2]), f([3, 0.5, 2])])[0])).toEqual([8, 2, 4]);
    expect(values(runOp(Pow, [new Tensor('int32', [2, 3, 2]), f([0.5], [])], {}, 15)[0])).toEqual([1, 1, 1]);
    expect(values(runOp(Pow, [new Tensor('int64', [3n, -2n]), new Tensor('int32', [3])], {}, 15)[0])).toEqual([
      27n,
      -8n,
    ]);
  });
  it('keeps float-only typing before opset 12', () => {
    expect(() =>
      inferOp(
        Pow,
        [
          { type: 'float32', shape: [1] },
          { type: 'int32', shape: [1] },
        ],
        {},
        11,
      ),
    ).toThrow(GraphError);
    expect(
      inferOp(
        Pow,
        [
          { type: 'int32', shape: [2, 1] },
          { type: 'float32', shape: [3] },
        ],
        {},
        15,
      ),
    ).toEqual([{ type: 'int32', shape: [2, 3] }]);
  });
});

describe('PRelu', () => {
  it('scales negatives by a slope broadcast onto X', () => {
    const x = f([-1, 2, -3, 4], [1, 2, 2]);
    expect(values(runOp(PRelu, [x, f([0.5, 0.25], [2, 1])])[0])).toEqual([-0.5, 2, -0.75, 4]);
  });
  it('refuses a slope that would grow X', () => {
    expect(() => runOp(PRelu, [f([1, 2]), f([1, 2, 3, 4], [2, 2])])).toThrow(ShapeError);
    expect(
      inferOp(PRelu, [
        { type: 'float32', shape: ['N', 3] },
        { type: 'float32', shape: [3] },
      ])[0].shape,
    ).toEqual(['N', 3]);
  });
});
