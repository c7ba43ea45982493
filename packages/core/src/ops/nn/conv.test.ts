import { describe, expect, it } from 'vitest';
import { AttributeError, GraphError, ResourceLimitError, ShapeError, UnsupportedOpError } from '../../errors.js';
import { a } from '../../ir/attributes.js';
import { SeededRandom } from '../../random.js';
import { Tensor } from '../../tensor.js';
import { Conv, FusedConv } from './conv.js';
import { ConvTranspose } from './conv-transpose.js';
import { inferOp, runOp } from './testing.js';

const f = (values: number[], dims?: number[]) => new Tensor('float32', values, dims);
const values = (t: Tensor) => Array.from(t.data as Float32Array);
const x3 = f([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);
const filled = (dims: number[], v: number) => {
  const t = Tensor.zeros('float32', dims);
  t.data.fill(v);
  return t;
};

describe('Conv', () => {
  it('computes hand-checked sums with bias, pads and strides', () => {
    const w = filled([1, 1, 2, 2], 1);
    expect(values(runOp(Conv, [x3, w])[0])).toEqual([12, 16, 24, 28]);
    expect(values(runOp(Conv, [x3, w, f([10])])[0])).toEqual([22, 26, 34, 38]);
    expect(values(runOp(Conv, [x3, w], { pads: a.ints([1, 1, 1, 1]), strides: a.ints([2, 2]) })[0])).toEqual([
      1, 5, 11, 28,
    ]);
    expect(values(runOp(Conv, [x3, w], { dilations: a.ints([2, 2]) })[0])).toEqual([1 + 3 + 7 + 9]);
  });
  it('convolves each group with its own channels (depthwise)', () => {
    const x = f([1, 2, 3, 4, 10, 20, 30, 40], [1, 2, 2, 2]);
    const [y] = runOp(Conv, [x, f([1, 2], [2, 1, 1, 1])], { group: a.int(2) });
    expect(values(y)).toEqual([1, 2, 3, 4, 20, 40, 60, 80]);
  });
  it('auto-pads SAME_UPPER / SAME_LOWER with the odd unit at the end / start', () => {
    const x = f([1, 2, 3, 4], [1, 1, 4]);
    const w = f([1, 10], [1, 1, 2]);
    expect(values(runOp(Conv, [x, w], { auto_pad: a.string('SAME_UPPER') })[0])).toEqual([21, 32, 43, 4]);
    expect(values(runOp(Conv, [x, w], { auto_pad: a.string('SAME_LOWER') })[0])).toEqual([10, 21, 32, 43]);
    expect(runOp(Conv, [x, w], { auto_pad: a.string('VALID'), strides: a.ints([2]) })[0].dims).toEqual([1, 1, 2]);
  });
  it('runs 3-D and matches a 2-D problem embedded in it', () => {
    const rng = new SeededRandom(3);
    const x = rng.floatTensor([1, 2, 5, 5]);
    const w = rng.floatTensor([3, 2, 3, 3]);
    const [y2] = runOp(Conv, [x, w], { pads: a.ints([1, 1, 1, 1]) });
    const [y3] = runOp(Conv, [x.reshape([1, 2, 1, 5, 5]), w.reshape([3, 2, 1, 3, 3])], {
      pads: a.ints([0, 1, 1, 0, 1, 1]),
    });
    expect(y3.dims).toEqual([1, 3, 1, 5, 5]);
    expect(values(y3)).toEqual(values(y2));
  });
  it('gives empty outputs for a zero batch', () => {
    expect(runOp(Conv, [f([], [0, 1, 3, 3]), filled([2, 1, 2, 2], 1)])[0].dims).toEqual([0, 2, 2, 2]);
  });
  it('infers shapes, symbolic batch and spatial dims included', () => {
    const w = { type: 'float32' as const, shape: [8, 3, 3, 3] };
    expect(
      inferOp(Conv, [{ type: 'float32', shape: ['N', 3, 32, 31] }, w], {
        strides: a.ints([2, 2]),
        pads: a.ints([1, 1, 1, 1]),
      })[0].shape,
    ).toEqual(['N', 8, 16, 16]);
    expect(
      inferOp(Conv, [{ type: 'float32', shape: ['N', 3, 'H', 'W'] }, w], { auto_pad: a.string('SAME_UPPER') })[0].shape,
    ).toEqual(['N', 8, 'H', 'W']);
    expect(inferOp(Conv, [{ type: 'float32', shape: [1, 3, 'H', 9] }, w])[0].shape).toEqual([1, 8, 'y_d2', 7]);
  });
  it('refuses bad inputs and attributes with typed errors, before allocating', () => {
    const w = filled([1, 1, 2, 2], 1);
    expect(() => runOp(Conv, [x3])).toThrow(GraphError);
    expect(() => runOp(Conv, [f([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2]), w])).toThrow(/channels/);
    expect(() => runOp(Conv, [x3, filled([1, 1, 2], 1)])).toThrow(ShapeError);
    expect(() => runOp(Conv, [x3, w, f([1, 2])])).toThrow(ShapeError);
    expect(() =>
      runOp(Conv, [f([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2]), filled([3, 1, 1, 1], 1)], { group: a.int(2) }),
    ).toThrow(/divisible/);
    expect(() => runOp(Conv, [x3, w], { group: a.int(0) })).toThrow(AttributeError);
    expect(() => runOp(Conv, [x3, w], { strides: a.ints([-1, 1]) })).toThrow(AttributeError);
    expect(() => runOp(Conv, [x3, w], { strides: a.ints([2 ** 32, 1]) })).toThrow(AttributeError);
    expect(() => runOp(Conv, [x3, w], { pads: a.ints([1, 1]) })).toThrow(AttributeError);
    expect(() => runOp(Conv, [x3, w], { kernel_shape: a.ints([3, 3]) })).toThrow(AttributeError);
    expect(() => runOp(Conv, [x3, w], { auto_pad: a.string('SAME') })).toThrow(AttributeError);
    expect(() => runOp(Conv, [x3, filled([1, 1, 4, 4], 1)])).toThrow(/larger than the padded input/);
    expect(() => runOp(Conv, [x3, w], { pads: a.ints([2 ** 31 - 1, 0, 0, 0]) })).toThrow(ResourceLimitError);
    expect(() => runOp(Conv, [x3, w], { pads: a.ints([2 ** 31 - 1, 2 ** 31 - 1, 0, 0]) })).toThrow(ShapeError);
    expect(() => runOp(Conv, [new Tensor('int32', [1, 2, 3, 4], [1, 1, 2, 2]), w])).toThrow(UnsupportedOpError);
  });
});

describe('FusedConv', () => {
  it('applies its activation to the convolution', () => {
    const w = filled([1, 1, 2, 2], 1);
    const attrs = (activation: string, params: number[] = []) => ({
      activation: a.string(activation),
      activation_params: a.floats(params),
    });
    expect(values(runOp(FusedConv, [x3, w, f([-20])], attrs('Relu'), 1)[0])).toEqual([0, 0, 4, 8]);
    expect(values(runOp(FusedConv, [x3, w, f([-20])], attrs('LeakyRelu', [0.5]), 1)[0])).toEqual([-4, -2, 4, 8]);
    expect(values(runOp(FusedConv, [x3, w], attrs('Clip', [13, 25]), 1)[0])).toEqual([13, 16, 24, 25]);
    expect(
      inferOp(
        FusedConv,
        [
          { type: 'float32', shape: [1, 1, 3, 3] },
          { type: 'float32', shape: [1, 1, 2, 2] },
        ],
        attrs('Tanh'),
        1,
      )[0].shape,
    ).toEqual([1, 1, 2, 2]);
    expect(() =>
      inferOp(
        FusedConv,
        [
          { type: 'float32', shape: [1, 1, 3, 3] },
          { type: 'float32', shape: [1, 1, 2, 2] },
        ],
        attrs('Swish'),
        1,
      ),
    ).toThrow(AttributeError);
  });
});

describe('ConvTranspose', () => {
  const x = f([1, 2, 3, 4], [1, 1, 2, 2]);
  const w = filled([1, 1, 2, 2], 1);
  it('scatters each input through the kernel', () => {
    expect(values(runOp(ConvTranspose, [x, w])[0])).toEqual([1, 3, 2, 4, 10, 6, 3, 7, 4]);
    expect(values(runOp(ConvTranspose, [x, w], { strides: a.ints([2, 2]) })[0])).toEqual([
      1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4,
    ]);
    expect(values(runOp(ConvTranspose, [x, w, f([1])], { pads: a.ints([1, 1, 1, 1]) })[0])).toEqual([11]);
  });
  it('sizes the output from output_padding, output_shape or auto_pad', () => {
    expect(runOp(ConvTranspose, [x, w], { strides: a.ints([2, 2]), output_padding: a.ints([1, 0]) })[0].dims).toEqual([
      1, 1, 5, 4,
    ]);
    expect(runOp(ConvTranspose, [x, w], { strides: a.ints([2, 2]), output_shape: a.ints([3, 4]) })[0].dims).toEqual([
      1, 1, 3, 4,
    ]);
    expect(
      runOp(ConvTranspose, [x, w], { strides: a.ints([2, 2]), output_shape: a.ints([1, 1, 3, 4]) })[0].dims,
    ).toEqual([1, 1, 3, 4]);
    expect(runOp(ConvTranspose, [x, w], { strides: a.ints([3, 3]), auto_pad: a.string('SAME_UPPER') })[0].dims).toEqual(
      [1, 1, 6, 6],
    );
    expect(
      inferOp(
        ConvTranspose,
        [
          { type: 'float32', shape: ['N', 1, 2, 'W'] },
          { type: 'float32', shape: [1, 4, 2, 2] },
        ],
        { group: a.int(1) },
      )[0].shape,
    ).toEqual(['N', 4, 3, 'y_d3']);
  });
  it('refuses bad attributes and channel mismatches', () => {
    expect(() => runOp(ConvTranspose, [x, w], { output_padding: a.ints([1, 1]) })).toThrow(AttributeError);
    expect(() => runOp(ConvTranspose, [x, w], { pads: a.ints([2, 2, 2, 2]) })).toThrow(ShapeError);
    expect(() => runOp(ConvTranspose, [x, filled([2, 1, 2, 2], 1)])).toThrow(ShapeError);
    expect(() => runOp(ConvTranspose, [x, w], { output_shape: a.ints([2 ** 40, 3]) })).toThrow(AttributeError);
  });
});
