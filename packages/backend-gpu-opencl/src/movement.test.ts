/**
 * Concat, Split, Slice, Transpose, Expand and the alias ops against the reference kernels.
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

  describe('movement ops on gpu-opencl match the reference', () => {
    for (const precision of ['fp32', 'fp16'] as const) {
      it(`Concat on axis 1 (${precision})`, () =>
        expectOpMatchesReference(
          {
            op: 'Concat',
            inputs: [rand(1, [2, 3, 4]), rand(2, [2, 1, 4]), rand(3, [2, 5, 4])],
            attributes: { axis: a.int(1) },
          },
          precision,
        ));
      it(`Split unevenly on the last axis (${precision})`, () =>
        expectOpMatchesReference(
          { op: 'Split', inputs: [rand(4, [3, 2, 10]), ints([3, 5, 2])], attributes: { axis: a.int(-1) }, outputs: 3 },
          precision,
        ));
      it(`Transpose (${precision})`, () =>
        expectOpMatchesReference(
          { op: 'Transpose', inputs: [rand(5, [2, 3, 4, 5])], attributes: { perm: a.ints([0, 2, 3, 1]) } },
          precision,
        ));
      it(`Slice with negative steps and clamped ends (${precision})`, () =>
        expectOpMatchesReference(
          {
            op: 'Slice',
            inputs: [rand(6, [4, 6, 8]), ints([-1, 1, 100]), ints([0, 100, -100]), ints([0, 1, 2]), ints([-2, 2, -3])],
          },
          precision,
        ));
    }
    it('Concat with the axis default of opset 4 and an empty input', () =>
      expectOpMatchesReference({
        op: 'Concat',
        inputs: [rand(1, [2, 0, 3]), rand(2, [2, 4, 3])],
        attributes: { axis: a.int(1) },
      }));
    it('Split evenly (opset 11 attribute form)', () =>
      expectOpMatchesReference({ op: 'Split', opset: 11, inputs: [rand(7, [6, 4])], outputs: 3 }));
    it('Transpose with the default reversed perm', () =>
      expectOpMatchesReference({ op: 'Transpose', inputs: [rand(8, [2, 3, 4])] }));
    it('Slice at opset 9 (attributes)', () =>
      expectOpMatchesReference({
        op: 'Slice',
        opset: 9,
        inputs: [rand(9, [5, 7])],
        attributes: { starts: a.ints([1, -4]), ends: a.ints([4, 100]), axes: a.ints([0, 1]) },
      }));
    it('Expand', () => expectOpMatchesReference({ op: 'Expand', inputs: [rand(10, [3, 1]), ints([2, 3, 4])] }));
    it('Reshape', () => expectOpMatchesReference({ op: 'Reshape', inputs: [rand(11, [2, 3, 4]), ints([4, -1])] }));
    it('Flatten', () =>
      expectOpMatchesReference({ op: 'Flatten', inputs: [rand(12, [2, 3, 4])], attributes: { axis: a.int(2) } }));
    it('Squeeze and Unsqueeze', async () => {
      await expectOpMatchesReference({ op: 'Squeeze', inputs: [rand(13, [2, 1, 4]), ints([1])] });
      await expectOpMatchesReference({ op: 'Unsqueeze', inputs: [rand(14, [2, 4]), ints([0, 3])] });
    });
  });
});
