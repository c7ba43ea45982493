/**
 * MatMul, Gemm, Softmax / LogSoftmax and the reductions against the reference kernels.
 */
import { a, Tensor } from '@lastmile/core';
import { constant } from '@lastmile/testing';
import { describe, it } from 'vitest';
import { expectOpMatchesReference, holdDevice, rand } from './ops-harness.js';
import { onDevice } from './support.js';

const ints = (values: number[]) =>
  constant(
    new Tensor(
      'int64',
      values.map((v) => BigInt(v)),
      [values.length],
    ),
  );

onDevice('on the OpenCL device', () => {
  holdDevice();

  describe('MatMul and Gemm on gpu-opencl match the reference', () => {
    const matmuls: [number[], number[]][] = [
      [
        [3, 5],
        [5, 4],
      ],
      [
        [2, 3, 5],
        [5, 4],
      ],
      [
        [2, 1, 3, 5],
        [3, 5, 2],
      ],
      [[5], [2, 5, 3]],
      [[2, 4, 5], [5]],
    ];
    for (const [i, [x, y]] of matmuls.entries()) {
      for (const precision of ['fp32', 'fp16'] as const) {
        it(`MatMul [${x}] x [${y}] (${precision})`, () =>
          expectOpMatchesReference({ op: 'MatMul', inputs: [rand(i, x), rand(10 + i, y)] }, precision));
      }
    }
    it('Gemm with transB and a per-column C', () =>
      expectOpMatchesReference({
        op: 'Gemm',
        inputs: [rand(1, [3, 6]), constant(rand(2, [4, 6])), constant(rand(3, [4]))],
        attributes: { transB: a.int(1) },
      }));
    it('Gemm with transA, alpha, beta and a per-row C', () =>
      expectOpMatchesReference({
        op: 'Gemm',
        inputs: [rand(4, [6, 3]), rand(5, [6, 4]), rand(6, [3, 1])],
        attributes: { transA: a.int(1), alpha: a.float(0.5), beta: a.float(2) },
      }));
    it('Gemm without C', () => expectOpMatchesReference({ op: 'Gemm', inputs: [rand(7, [2, 5]), rand(8, [5, 3])] }));
  });

  describe('Softmax and LogSoftmax on gpu-opencl match the reference', () => {
    for (const op of ['Softmax', 'LogSoftmax']) {
      it(`${op} on the last axis`, () => expectOpMatchesReference({ op, inputs: [rand(1, [2, 3, 7])] }));
      it(`${op} on a middle axis (opset 13)`, () =>
        expectOpMatchesReference({ op, inputs: [rand(2, [2, 5, 3])], attributes: { axis: a.int(1) } }));
      it(`${op} over the flattened tail (opset 11)`, () =>
        expectOpMatchesReference({ op, opset: 11, inputs: [rand(3, [2, 3, 4])], attributes: { axis: a.int(1) } }));
    }
    it('Softmax in fp16', () => expectOpMatchesReference({ op: 'Softmax', inputs: [rand(4, [3, 10])] }, 'fp16'));
  });

  describe('reductions on gpu-opencl match the reference', () => {
    it('ReduceMean over the last axis, kept (opset 17 attribute)', () =>
      expectOpMatchesReference({ op: 'ReduceMean', inputs: [rand(1, [2, 3, 6])], attributes: { axes: a.ints([-1]) } }));
    it('ReduceMean over two axes, dropped (opset 18 input)', () =>
      expectOpMatchesReference({
        op: 'ReduceMean',
        opset: 18,
        inputs: [rand(2, [2, 3, 4, 5]), ints([1, 3])],
        attributes: { keepdims: a.int(0) },
      }));
    it('ReduceSum over every axis (opset 13, no axes)', () =>
      expectOpMatchesReference({ op: 'ReduceSum', opset: 13, inputs: [rand(3, [3, 4])] }));
    it('ReduceMax over axis 0', () =>
      expectOpMatchesReference({ op: 'ReduceMax', inputs: [rand(4, [4, 3, 2])], attributes: { axes: a.ints([0]) } }));
    it('ReduceMean in fp16', () =>
      expectOpMatchesReference(
        { op: 'ReduceMean', inputs: [rand(5, [2, 8, 3])], attributes: { axes: a.ints([1]) } },
        'fp16',
      ));
  });
});
