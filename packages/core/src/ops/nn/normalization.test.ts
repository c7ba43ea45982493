import { describe, expect, it } from 'vitest';
import { AttributeError, GraphError, ShapeError, UnsupportedOpError } from '../../errors.js';
import { a } from '../../ir/attributes.js';
import { makeNode } from '../../ir/graph.js';
import { Tensor } from '../../tensor.js';
import { BatchNormalization, LRN } from './normalization.js';
import { inferOp, runOp } from './testing.js';

const f = (values: number[], dims?: number[]) => new Tensor('float32', values, dims);
const values = (t: Tensor) => Array.from(t.data as Float32Array);

describe('BatchNormalization', () => {
  // scale / sqrt(var + eps) is 1 for both channels with eps = 1.
  const params = [f([2, 3]), f([0.5, -1]), f([1, 0]), f([3, 8])];
  it('normalizes per channel in inference mode', () => {
    const x = f([1, 3, 2, 4], [1, 2, 2]);
    expect(values(runOp(BatchNormalization, [x, ...params], { epsilon: a.float(1) })[0])).toEqual([0.5, 2.5, 1, 3]);
    expect(values(runOp(BatchNormalization, [f([1, 2], [1, 2]), ...params], { epsilon: a.float(1) }, 7)[0])).toEqual([
      0.5, 1,
    ]);
  });
  it('takes per-element parameters with spatial=0 before opset 9', () => {
    const x = f([1, 2, 3, 4], [1, 2, 2]);
    const p = [f([1, 1, 1, 1], [2, 2]), f([0, 1, 2, 3], [2, 2]), f([0, 0, 0, 0], [2, 2]), f([1, 1, 1, 1], [2, 2])];
    expect(values(runOp(BatchNormalization, [x, ...p], { spatial: a.int(0), epsilon: a.float(0) }, 8)[0])).toEqual([
      1, 3, 5, 7,
    ]);
  });
  it('refuses training mode, missing inputs and mis-shaped parameters', () => {
    const x = f([1, 2], [1, 2]);
    expect(() => runOp(BatchNormalization, [x, ...params], { training_mode: a.int(1) }, 15)).toThrow(AttributeError);
    const node = makeNode('BatchNormalization', [], ['y', 'mean', 'var'], {}, 'bn');
    expect(() =>
      BatchNormalization.infer([...[x, ...params].map((t) => ({ type: t.type, shape: [...t.dims] }))], {
        node,
        opset: 9,
      }),
    ).toThrow(UnsupportedOpError);
    expect(() => runOp(BatchNormalization, [x, ...params.slice(0, 3)])).toThrow(GraphError);
    expect(() => runOp(BatchNormalization, [x, f([1, 2, 3]), ...params.slice(1)])).toThrow(ShapeError);
    expect(
      inferOp(BatchNormalization, [
        { type: 'float32', shape: ['N', 2, 'H'] },
        ...params.map((t) => ({ type: t.type, shape: [...t.dims] })),
      ])[0].shape,
    ).toEqual(['N', 2, 'H']);
  });
});

describe('LRN', () => {
  it('normalizes by the squares of neighbouring channels', () => {
    const [y] = runOp(LRN, [f([1, 2, 3], [1, 3, 1, 1])], {
      size: a.int(3),
      alpha: a.float(3),
      beta: a.float(1),
      bias: a.float(1),
    });
    const want = [1 / 6, 2 / 15, 3 / 14];
    values(y).forEach((v, i) => expect(v).toBeCloseTo(want[i], 6));
  });
  it('needs a positive size', () => {
    expect(() => runOp(LRN, [f([1], [1, 1, 1])])).toThrow(AttributeError);
    expect(() => runOp(LRN, [f([1], [1, 1, 1])], { size: a.int(0) })).toThrow(AttributeError);
  });
});
