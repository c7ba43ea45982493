import { describe, expect, it } from 'vitest';
import { AttributeError } from '../../errors.js';
import { a } from '../../ir/attributes.js';
import { Tensor } from '../../tensor.js';
import { LogSoftmax, Softmax } from './softmax.js';
import { inferOp, runOp } from './testing.js';

const f = (values: number[], dims?: number[]) => new Tensor('float32', values, dims);
const values = (t: Tensor) => Array.from(t.data as Float32Array);
const softmax = (v: number[]) => v.map((x) => Math.exp(x) / v.reduce((s, y) => s + Math.exp(y), 0));
const close = (got: number[], want: number[]) => want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 6));

describe('Softmax and LogSoftmax', () => {
  const x = f([1, 2, 3, 1, 1, 1], [2, 3]);
  it('normalize along the last axis by default from opset 13', () => {
    close(values(runOp(Softmax, [x])[0]), [...softmax([1, 2, 3]), 1 / 3, 1 / 3, 1 / 3]);
    close(values(runOp(LogSoftmax, [x])[0]), [
      ...softmax([1, 2, 3]).map(Math.log),
      ...new Array(3).fill(Math.log(1 / 3)),
    ]);
    const [c0, c1, c2] = [softmax([1, 1]), softmax([2, 1]), softmax([3, 1])];
    close(values(runOp(Softmax, [x], { axis: a.int(0) })[0]), [c0[0], c1[0], c2[0], c0[1], c1[1], c2[1]]);
  });
  it('flatten to 2-D at axis before opset 13', () => {
    close(values(runOp(Softmax, [x], { axis: a.int(0) }, 11)[0]), softmax([1, 2, 3, 1, 1, 1]));
    close(values(runOp(Softmax, [x], {}, 11)[0]), [...softmax([1, 2, 3]), 1 / 3, 1 / 3, 1 / 3]);
  });
  it('stay finite for large inputs, and pass shapes through', () => {
    close(values(runOp(Softmax, [f([1000, 1000])])[0]), [0.5, 0.5]);
    expect(values(runOp(LogSoftmax, [f([-1000, 0])])[0])).toEqual([-1000, 0]);
    expect(inferOp(Softmax, [{ type: 'float32', shape: ['N', 10] }])[0].shape).toEqual(['N', 10]);
    expect(runOp(Softmax, [f([], [0, 4])])[0].dims).toEqual([0, 4]);
  });
  it('refuse an axis out of range', () => {
    expect(() => runOp(Softmax, [x], { axis: a.int(2) })).toThrow(AttributeError);
    expect(() => inferOp(LogSoftmax, [{ type: 'float32', shape: [2, 3] }], { axis: a.int(-3) })).toThrow(
      AttributeError,
    );
  });
});
