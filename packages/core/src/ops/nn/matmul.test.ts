import { describe, expect, it } from 'vitest';
import { AttributeError, GraphError, ShapeError } from '../../errors.js';
import { a } from '../../ir/attributes.js';
import { Tensor } from '../../tensor.js';
import { Gemm, MatMul } from './matmul.js';
import { inferOp, runOp } from './testing.js';

const f = (values: number[], dims?: number[]) => new Tensor('float32', values, dims);
const values = (t: Tensor) => Array.from(t.data as Float32Array);

describe('MatMul', () => {
  it('multiplies matrices, vectors and broadcast batches', () => {
    const A = f([1, 2, 3, 4, 5, 6], [2, 3]);
    const B = f([1, 0, 0, 1, 1, 1], [3, 2]);
    expect(values(runOp(MatMul, [A, B])[0])).toEqual([4, 5, 10, 11]);
    const [v] = runOp(MatMul, [f([1, 1, 1]), B]);
    expect([v.dims, values(v)]).toEqual([[2], [2, 2]]);
    const [w] = runOp(MatMul, [A, f([1, 0, -1])]);
    expect([w.dims, values(w)]).toEqual([[2], [-2, -2]]);
    const [batched] = runOp(MatMul, [f([1, 2, 3, 4], [2, 1, 2]), f([1, 1], [2, 1])]);
    expect([batched.dims, values(batched)]).toEqual([
      [2, 1, 1],
      [3, 7],
    ]);
    const [dot] = runOp(MatMul, [f([1, 2]), f([3, 4])]);
    expect([dot.dims, values(dot)]).toEqual([[], [11]]);
  });
  it('handles zero-size dims: empty outputs, and zeros when K is 0', () => {
    expect(runOp(MatMul, [f([], [0, 3]), f([1, 2, 3], [3, 1])])[0].dims).toEqual([0, 1]);
    expect(values(runOp(MatMul, [f([], [2, 0]), f([], [0, 2])])[0])).toEqual([0, 0, 0, 0]);
  });
  it('infers shapes with symbolic dims and refuses mismatches', () => {
    expect(
      inferOp(MatMul, [
        { type: 'float32', shape: ['B', 1, 'S', 64] },
        { type: 'float32', shape: [4, 64, 'T'] },
      ])[0].shape,
    ).toEqual(['B', 4, 'S', 'T']);
    expect(
      inferOp(MatMul, [
        { type: 'float32', shape: [64] },
        { type: 'float32', shape: ['K', 8] },
      ])[0].shape,
    ).toEqual([8]);
    expect(() =>
      inferOp(MatMul, [
        { type: 'float32', shape: [2, 3] },
        { type: 'float32', shape: [4, 5] },
      ]),
    ).toThrow(ShapeError);
    expect(() =>
      inferOp(MatMul, [
        { type: 'float32', shape: [2, 2, 3] },
        { type: 'float32', shape: [3, 3, 5] },
      ]),
    ).toThrow(/do not broadcast/);
    expect(() =>
      inferOp(MatMul, [
        { type: 'float32', shape: [] },
        { type: 'float32', shape: [3] },
      ]),
    ).toThrow(ShapeError);
  });
});

describe('Gemm', () => {
  const A = f([1, 2, 3, 4], [2, 2]);
  const B = f([1, 0, 2, 1], [2, 2]);
  it("computes alpha * A' B' + beta * C with transposes and C broadcast", () => {
    expect(values(runOp(Gemm, [A, B])[0])).toEqual([5, 2, 11, 4]);
    expect(values(runOp(Gemm, [A, B], { transA: a.int(1) })[0])).toEqual([7, 3, 10, 4]);
    expect(values(runOp(Gemm, [A, B], { transB: a.int(1) })[0])).toEqual([1, 4, 3, 10]);
    expect(values(runOp(Gemm, [A, B, f([1, 2])], { alpha: a.float(2), beta: a.float(0.5) })[0])).toEqual([
      10.5, 5, 22.5, 9,
    ]);
    expect(values(runOp(Gemm, [A, B, f([1, 2], [2, 1])])[0])).toEqual([6, 3, 13, 6]);
    expect(values(runOp(Gemm, [A, B, f([NaN], [])], { beta: a.float(0) })[0])).toEqual([5, 2, 11, 4]);
  });
  it('needs C before opset 11 and refuses bad shapes and flags', () => {
    expect(() => runOp(Gemm, [A, B], {}, 9)).toThrow(GraphError);
    expect(() => runOp(Gemm, [A, B, f([1, 2, 3])])).toThrow(ShapeError);
    expect(() => runOp(Gemm, [f([1, 2, 3]), B])).toThrow(ShapeError);
    expect(() => runOp(Gemm, [A, B], { transA: a.int(2) })).toThrow(AttributeError);
    expect(
      inferOp(
        Gemm,
        [
          { type: 'float32', shape: ['N', 8] },
          { type: 'float32', shape: [4, 8] },
        ],
        { transB: a.int(1) },
      )[0].shape,
    ).toEqual(['N', 4]);
  });
});
