/**
 * The quantization ops' own rules (their values against onnxruntime-node are in the conformance kit's
 * op suite, bit for bit): rounding, saturation, and bad-inputs rows 43 and 44.
 */
import { describe, expect, it } from 'vitest';
import { GraphError, QuantParamError, ShapeError, UnsupportedOpError } from '../../errors.js';
import { a } from '../../ir/attributes.js';
import { Tensor } from '../../tensor.js';
import { DequantizeLinear, QLinearMatMul, QuantizeLinear, roundHalfEven } from './quantize.js';
import { inferOp, runOp } from './testing.js';

const f = (values: number[], dims: number[] = [values.length]) => new Tensor('float32', values, dims);
const values = (t: Tensor) => Array.from(t.data as ArrayLike<number>);

describe('quantization', () => {
  it('rounds half to even', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, -2, 2, 3]);
  });

  it('row 43: ties go to even, values past the range saturate, NaN takes the low end (onnxruntime on x64)', () => {
    const x = f([2.5, 3.5, -2.5, 1000, -1000, Number.NaN, Number.POSITIVE_INFINITY]);
    const [u8] = runOp(QuantizeLinear, [x, f([1], []), new Tensor('uint8', [10], [])], {}, 13);
    expect(values(u8)).toEqual([12, 14, 8, 255, 0, 0, 255]);
    const [s8] = runOp(QuantizeLinear, [x, f([1], []), new Tensor('int8', [0], [])], {}, 13);
    expect(values(s8)).toEqual([2, 4, -2, 127, -128, -128, 127]);
  });

  it('row 44: a scale that is 0, negative, NaN or infinite is a QuantParamError, at compile time when constant', () => {
    for (const scale of [0, -0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const constant = { type: 'float32' as const, shape: [], value: f([scale], []) };
      expect(() => inferOp(QuantizeLinear, [{ type: 'float32', shape: [2] }, constant], {}, 13)).toThrow(
        QuantParamError,
      );
      expect(() => runOp(DequantizeLinear, [new Tensor('int8', [1, 2], [2]), f([scale], [])], {}, 13)).toThrow(
        QuantParamError,
      );
    }
    const q = new Tensor('uint8', [1, 2, 3, 4], [2, 2]);
    const one = f([1], []);
    const zp = new Tensor('uint8', [0], []);
    expect(() => runOp(QLinearMatMul, [q, one, zp, q, f([0], []), zp, one, zp], {}, 10)).toThrow(
      /b_scale must be positive/,
    );
  });

  it("row 44: an int32 x takes no zero point but 0, and a zero point must have x's type", () => {
    expect(() =>
      runOp(DequantizeLinear, [new Tensor('int32', [5], [1]), f([1], []), new Tensor('int32', [3], [])], {}, 13),
    ).toThrow(QuantParamError);
    expect(() =>
      inferOp(
        DequantizeLinear,
        [
          { type: 'int8', shape: [2] },
          { type: 'float32', shape: [] },
          { type: 'uint8', shape: [] },
        ],
        {},
        13,
      ),
    ).toThrow(GraphError);
  });

  it('applies a scale per index of `axis`, and refuses one of another length or blocked quantization', () => {
    const x = f([1, 2, 3, 4, 5, 6], [2, 3]);
    const [y] = runOp(QuantizeLinear, [x, f([1, 2, 4]), new Tensor('uint8', [0, 0, 100], [3])], { axis: a.int(1) }, 13);
    expect(values(y)).toEqual([1, 1, 101, 4, 2, 102]);
    expect(() => runOp(QuantizeLinear, [x, f([1, 2])], { axis: a.int(1) }, 13)).toThrow(ShapeError);
    expect(() => runOp(QuantizeLinear, [x, f([1, 2, 4])], {}, 10)).toThrow(/must be a scalar/);
    expect(() =>
      inferOp(
        QuantizeLinear,
        [
          { type: 'float32', shape: [2, 4] },
          { type: 'float32', shape: [2, 2] },
        ],
        { block_size: a.int(2) },
        21,
      ),
    ).toThrow(UnsupportedOpError);
  });
});
