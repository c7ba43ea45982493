/**
 * The tensor op definitions against onnxruntime-node: random inputs from fixed seeds, several attribute
 * combinations per op.
 */
import { a, floatToHalf, SeededRandom, Tensor, type TensorType } from '@lastmile/core';
import { constant } from '@lastmile/testing';
import { describe, it } from 'vitest';
import { expectOpMatchesOrt } from './harness.js';

const rng = new SeededRandom(20240611);
const floats = (dims: number[], lo = -1, hi = 1) => rng.floatTensor(dims, lo, hi);
const i64 = (values: (number | bigint)[]) =>
  new Tensor(
    'int64',
    values.map((v) => BigInt(v)),
  );
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** Random values of any element type (small integers, booleans, float16 from floats). */
function randomTensor(type: TensorType, dims: number[]): Tensor {
  const f = floats(dims, -100, 100);
  const n = f.size;
  const data = Array.from({ length: n }, (_, i) => f.data[i]);
  switch (type) {
    case 'float32':
      return f;
    case 'float16':
      return new Tensor(
        'float16',
        data.map((v) => floatToHalf(v)),
        dims,
      );
    case 'bool':
      return new Tensor(
        'bool',
        data.map((v) => (v > 0 ? 1 : 0)),
        dims,
      );
    case 'uint8':
      return new Tensor(
        'uint8',
        data.map((v) => Math.abs(Math.trunc(v))),
        dims,
      );
    case 'int64':
      return new Tensor(
        'int64',
        data.map((v) => BigInt(Math.trunc(v))),
        dims,
      );
    default:
      return new Tensor(
        type,
        data.map((v) => Math.trunc(v)),
        dims,
      );
  }
}

describe('Concat vs onnxruntime', () => {
  it('joins along positive and negative axes, with empty inputs', async () => {
    for (const [axis, opset] of [
      [0, 13],
      [-1, 13],
      [1, 7],
    ] as const) {
      const dims = (k: number) => [2, 3, 4].map((d, i) => (i === (axis < 0 ? 2 : axis) ? k : d));
      await expectOpMatchesOrt({
        op: 'Concat',
        opset,
        inputs: [floats(dims(2)), floats(dims(0)), floats(dims(3))],
        attributes: { axis: a.int(axis) },
      });
    }
    await expectOpMatchesOrt({
      op: 'Concat',
      inputs: [randomTensor('int64', [2, 2]), randomTensor('int64', [1, 2])],
      attributes: { axis: a.int(0) },
    });
    await expectOpMatchesOrt({
      op: 'Concat',
      inputs: [randomTensor('float16', [2, 0]), randomTensor('float16', [2, 3])],
      attributes: { axis: a.int(1) },
    });
  });
});

describe('Split vs onnxruntime', () => {
  it('splits by input, attribute, evenly and by num_outputs', async () => {
    const x = floats([6, 5]);
    await expectOpMatchesOrt({ op: 'Split', opset: 13, inputs: [x, constant(i64([1, 2, 3]))], outputs: 3 });
    await expectOpMatchesOrt({
      op: 'Split',
      opset: 11,
      inputs: [x],
      outputs: 2,
      attributes: { axis: a.int(-1), split: a.ints([4, 1]) },
    });
    await expectOpMatchesOrt({ op: 'Split', opset: 13, inputs: [x], outputs: 3 });
    await expectOpMatchesOrt({
      op: 'Split',
      opset: 18,
      inputs: [x],
      outputs: 3,
      attributes: { axis: a.int(1), num_outputs: a.int(3) },
    });
  });
});

describe('Slice vs onnxruntime', () => {
  it('slices with steps, negative steps, sentinels and axes', async () => {
    const x = floats([4, 5, 6]);
    const cases: (bigint | number)[][][] = [
      [
        [1, 0],
        [3, INT64_MAX],
        [0, 2],
        [1, 2],
      ],
      [
        [INT64_MAX, -2],
        [INT64_MIN, 0],
        [1, -1],
        [-1, -2],
      ],
      [[-3], [-1], [0], [1]],
      [[10], [20], [2], [1]],
    ];
    for (const [starts, ends, axes, steps] of cases) {
      await expectOpMatchesOrt({
        op: 'Slice',
        opset: 13,
        inputs: [x, constant(i64(starts)), constant(i64(ends)), constant(i64(axes)), constant(i64(steps))],
      });
    }
    await expectOpMatchesOrt({ op: 'Slice', opset: 13, inputs: [x, constant(i64([1])), constant(i64([3]))] });
    await expectOpMatchesOrt({
      op: 'Slice',
      opset: 9,
      inputs: [x],
      attributes: { starts: a.ints([0, 1]), ends: a.ints([2, 1000]), axes: a.ints([0, 2]) },
    });
    await expectOpMatchesOrt({ op: 'Slice', opset: 10, inputs: [x, constant(i64([1, 1])), constant(i64([3, -1]))] });
  });
});

describe('Reshape and Flatten vs onnxruntime', () => {
  it('reshapes with 0, -1 and allowzero', async () => {
    const x = floats([2, 3, 4]);
    await expectOpMatchesOrt({ op: 'Reshape', opset: 13, inputs: [x, constant(i64([0, -1]))] });
    await expectOpMatchesOrt({
      op: 'Reshape',
      opset: 14,
      inputs: [x, constant(i64([4, -1, 2]))],
      attributes: { allowzero: a.int(1) },
    });
    await expectOpMatchesOrt({
      op: 'Reshape',
      opset: 14,
      inputs: [floats([0, 3]), constant(i64([3, 0]))],
      attributes: { allowzero: a.int(1) },
    });
    await expectOpMatchesOrt({ op: 'Reshape', opset: 5, inputs: [x, constant(i64([-1]))] });
  });
  it('flattens at every axis', async () => {
    for (const axis of [0, 1, 3, -1, -3]) {
      await expectOpMatchesOrt({
        op: 'Flatten',
        opset: 13,
        inputs: [floats([2, 3, 2, 2])],
        attributes: { axis: a.int(axis) },
      });
    }
  });
});

describe('Transpose vs onnxruntime', () => {
  it('permutes by default and given perms, any type', async () => {
    await expectOpMatchesOrt({ op: 'Transpose', inputs: [floats([2, 3, 4])] });
    await expectOpMatchesOrt({ op: 'Transpose', inputs: [floats([2, 0, 3])], attributes: { perm: a.ints([2, 0, 1]) } });
    await expectOpMatchesOrt({
      op: 'Transpose',
      inputs: [floats([2, 3, 4, 5])],
      attributes: { perm: a.ints([0, 2, 3, 1]) },
    });
    await expectOpMatchesOrt({
      op: 'Transpose',
      inputs: [randomTensor('int8', [3, 4])],
      attributes: { perm: a.ints([1, 0]) },
    });
  });
});

describe('Squeeze and Unsqueeze vs onnxruntime', () => {
  it('squeezes by attribute, input and all', async () => {
    const x = floats([1, 3, 1, 2]);
    await expectOpMatchesOrt({ op: 'Squeeze', opset: 11, inputs: [x], attributes: { axes: a.ints([0, -2]) } });
    await expectOpMatchesOrt({ op: 'Squeeze', opset: 13, inputs: [x, constant(i64([2]))] });
    await expectOpMatchesOrt({ op: 'Squeeze', opset: 13, inputs: [x] });
  });
  it('unsqueezes by attribute and input', async () => {
    const x = floats([3, 2]);
    await expectOpMatchesOrt({ op: 'Unsqueeze', opset: 11, inputs: [x], attributes: { axes: a.ints([0, 3]) } });
    await expectOpMatchesOrt({ op: 'Unsqueeze', opset: 13, inputs: [x, constant(i64([-1, 1]))] });
  });
});

describe('Shape vs onnxruntime', () => {
  it('returns dims, windows from opset 15', async () => {
    const x = floats([2, 3, 4, 5]);
    await expectOpMatchesOrt({ op: 'Shape', opset: 13, inputs: [x] });
    await expectOpMatchesOrt({ op: 'Shape', opset: 15, inputs: [x], attributes: { start: a.int(1), end: a.int(-1) } });
    await expectOpMatchesOrt({
      op: 'Shape',
      opset: 15,
      inputs: [x],
      attributes: { start: a.int(-10), end: a.int(10) },
    });
    await expectOpMatchesOrt({ op: 'Shape', opset: 15, inputs: [x], attributes: { start: a.int(3), end: a.int(1) } });
  });
});

describe('Gather vs onnxruntime', () => {
  it('gathers along every axis with negative indices', async () => {
    const x = floats([3, 4, 5]);
    for (const axis of [0, 1, 2, -1]) {
      const dim = x.dims[axis < 0 ? axis + 3 : axis];
      const indices = new Tensor('int64', [BigInt(-dim), 0n, BigInt(dim - 1), -1n, 1n, 1n], [2, 3]);
      await expectOpMatchesOrt({ op: 'Gather', opset: 13, inputs: [x, indices], attributes: { axis: a.int(axis) } });
    }
    await expectOpMatchesOrt({ op: 'Gather', inputs: [randomTensor('int32', [5]), new Tensor('int32', [4], [])] });
  });
});

describe('Cast vs onnxruntime', () => {
  const codes: Record<TensorType, number> = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float16: 10 };
  it('casts in-range values between every pair of types', async () => {
    const types = Object.keys(codes) as TensorType[];
    for (const from of types) {
      for (const to of types) {
        const x = from === 'float32' ? floats([3, 4], -100, 100) : randomTensor(from, [3, 4]);
        // uint8 and int8 take what they can hold; out-of-range casts are ours to define (see cast.ts).
        const source = (to === 'uint8' || from === 'uint8') && from !== 'bool' ? absolute(x) : x;
        await expectOpMatchesOrt({ op: 'Cast', opset: 19, inputs: [source], attributes: { to: a.int(codes[to]) } });
      }
    }
  });
  it('truncates float toward zero', async () => {
    const x = new Tensor('float32', [-2.7, -0.5, 0.5, 2.7, 126.9, -127.9]);
    for (const to of ['int8', 'int32', 'int64'] as const)
      await expectOpMatchesOrt({ op: 'Cast', opset: 13, inputs: [x], attributes: { to: a.int(codes[to]) } });
  });
});

/** |x| of an int8 or float tensor, so its values fit uint8. */
function absolute(x: Tensor): Tensor {
  if (x.type === 'int64')
    return new Tensor(
      'int64',
      Array.from(x.data as BigInt64Array, (v) => (v < 0n ? -v : v)),
      [...x.dims],
    );
  if (x.type === 'float16')
    return new Tensor(
      'float16',
      Uint16Array.from(x.data as Uint16Array, (v) => v & 0x7fff),
      [...x.dims],
    );
  const abs = Array.from(x.data as ArrayLike<number>, (v) => Math.abs(v));
  return new Tensor(x.type, abs, [...x.dims]);
}

describe('Constant and ConstantOfShape vs onnxruntime', () => {
  it('makes every kind of constant', async () => {
    await expectOpMatchesOrt({
      op: 'Constant',
      opset: 13,
      inputs: [],
      attributes: { value: a.tensor(floats([2, 3])) },
    });
    await expectOpMatchesOrt({ op: 'Constant', opset: 13, inputs: [], attributes: { value_float: a.float(1.5) } });
    await expectOpMatchesOrt({
      op: 'Constant',
      opset: 13,
      inputs: [],
      attributes: { value_floats: a.floats([1, 2.5]) },
    });
    await expectOpMatchesOrt({ op: 'Constant', opset: 13, inputs: [], attributes: { value_int: a.int(-7) } });
    await expectOpMatchesOrt({ op: 'Constant', opset: 13, inputs: [], attributes: { value_ints: a.ints([3, 4, 5]) } });
  });
  it('fills shapes with the default and given values', async () => {
    await expectOpMatchesOrt({ op: 'ConstantOfShape', opset: 9, inputs: [constant(i64([2, 3]))] });
    await expectOpMatchesOrt({
      op: 'ConstantOfShape',
      opset: 9,
      inputs: [constant(i64([4, 0]))],
      attributes: { value: a.tensor(new Tensor('int32', [7])) },
    });
    await expectOpMatchesOrt({
      op: 'ConstantOfShape',
      opset: 20,
      inputs: [constant(i64([2]))],
      attributes: { value: a.tensor(new Tensor('int64', [-5n])) },
    });
    await expectOpMatchesOrt({
      op: 'ConstantOfShape',
      opset: 20,
      inputs: [constant(new Tensor('int64', [], [0]))],
      attributes: { value: a.tensor(new Tensor('bool', [1])) },
    });
  });
});

describe('Expand vs onnxruntime', () => {
  it('broadcasts both ways', async () => {
    await expectOpMatchesOrt({ op: 'Expand', opset: 13, inputs: [floats([3, 1]), constant(i64([2, 1, 4]))] });
    await expectOpMatchesOrt({ op: 'Expand', opset: 13, inputs: [floats([1, 4]), constant(i64([3, 1]))] });
    await expectOpMatchesOrt({
      op: 'Expand',
      opset: 8,
      inputs: [randomTensor('int64', [2, 1]), constant(i64([2, 0]))],
    });
  });
});

describe('Comparisons, Not and Where vs onnxruntime', () => {
  it('compares with broadcasting', async () => {
    for (const op of ['Equal', 'Less', 'Greater']) {
      const x = randomTensor('int32', [3, 4]);
      await expectOpMatchesOrt({ op, opset: 13, inputs: [x, randomTensor('int32', [4])] });
      await expectOpMatchesOrt({
        op,
        opset: 13,
        inputs: [randomTensor('int64', [2, 1, 3]), randomTensor('int64', [4, 1])],
      });
      const f = floats([2, 3]);
      await expectOpMatchesOrt({ op, opset: 13, inputs: [f, new Tensor('float32', [0, f.data[1], 2], [3])] });
    }
    await expectOpMatchesOrt({
      op: 'Equal',
      opset: 11,
      inputs: [randomTensor('bool', [5]), randomTensor('bool', [5])],
    });
  });
  it('negates and selects', async () => {
    await expectOpMatchesOrt({ op: 'Not', inputs: [randomTensor('bool', [3, 4])] });
    await expectOpMatchesOrt({
      op: 'Where',
      opset: 16,
      inputs: [randomTensor('bool', [3, 1]), floats([1, 4]), floats([3, 4])],
    });
    await expectOpMatchesOrt({
      op: 'Where',
      opset: 9,
      inputs: [randomTensor('bool', [4]), randomTensor('int64', [2, 4]), randomTensor('int64', [1])],
    });
  });
});

describe('Pad vs onnxruntime', () => {
  const x = floats([2, 3, 4]);
  it('pads in every mode, with crops', async () => {
    for (const mode of ['constant', 'reflect', 'edge', 'wrap']) {
      await expectOpMatchesOrt({
        op: 'Pad',
        opset: 19,
        inputs: [x, constant(i64([0, 1, 2, 1, 1, 3]))],
        attributes: { mode: a.string(mode) },
      });
      await expectOpMatchesOrt({
        op: 'Pad',
        opset: 19,
        inputs: [x, constant(i64([1, -1, 0, 0, 1, -1]))],
        attributes: { mode: a.string(mode) },
      });
    }
  });
  it('takes the pad value, axes and the old attribute form', async () => {
    await expectOpMatchesOrt({
      op: 'Pad',
      opset: 13,
      inputs: [x, constant(i64([1, 1, 1, 0, 0, 2])), constant(new Tensor('float32', [2.5], []))],
    });
    await expectOpMatchesOrt({
      op: 'Pad',
      opset: 18,
      inputs: [x, constant(i64([2, 1, 0, 3])), undefined, constant(i64([-1, 0]))],
      attributes: { mode: a.string('edge') },
    });
    await expectOpMatchesOrt({
      op: 'Pad',
      opset: 7,
      inputs: [x],
      attributes: { pads: a.ints([0, 0, 1, 0, 0, 1]), value: a.float(-3), mode: a.string('constant') },
    });
    await expectOpMatchesOrt({
      op: 'Pad',
      opset: 7,
      inputs: [x],
      attributes: { pads: a.ints([0, 2, 0, 0, 1, 0]), mode: a.string('reflect') },
    });
    await expectOpMatchesOrt({
      op: 'Pad',
      opset: 13,
      inputs: [randomTensor('int64', [3, 2]), constant(i64([1, 0, 0, 1])), constant(new Tensor('int64', [9n], []))],
    });
  });
});

describe('Identity and Dropout vs onnxruntime', () => {
  it('pass data through', async () => {
    await expectOpMatchesOrt({ op: 'Identity', opset: 13, inputs: [randomTensor('uint8', [2, 3])] });
    await expectOpMatchesOrt({ op: 'Dropout', opset: 13, inputs: [floats([2, 3])], outputs: 2 });
    await expectOpMatchesOrt({
      op: 'Dropout',
      opset: 13,
      inputs: [floats([2, 3]), constant(new Tensor('float32', [0.3], []))],
    });
    await expectOpMatchesOrt({ op: 'Dropout', opset: 7, inputs: [floats([4])], attributes: { ratio: a.float(0.2) } });
  });
});

describe('Resize and Upsample vs onnxruntime', () => {
  const x = floats([1, 2, 5, 6]);
  const f32 = (values: number[]) => constant(new Tensor('float32', values));
  const coordinateModes = ['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric', 'half_pixel_symmetric'];

  it('nearest: every coordinate and rounding mode, up and down', async () => {
    for (const coordinate_transformation_mode of coordinateModes) {
      for (const nearest_mode of ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil']) {
        for (const scales of [
          [1, 1, 2, 1.5],
          [1, 1, 0.6, 0.5],
        ]) {
          await expectOpMatchesOrt({
            op: 'Resize',
            opset: 19,
            inputs: [x, undefined, f32(scales)],
            attributes: {
              mode: a.string('nearest'),
              coordinate_transformation_mode: a.string(coordinate_transformation_mode),
              nearest_mode: a.string(nearest_mode),
            },
          });
        }
      }
    }
  });

  it('linear and cubic: every coordinate mode, by scales and sizes', async () => {
    for (const mode of ['linear', 'cubic']) {
      for (const coordinate_transformation_mode of coordinateModes) {
        await expectOpMatchesOrt({
          op: 'Resize',
          opset: 19,
          inputs: [x, undefined, f32([1, 1, 1.6, 2])],
          attributes: {
            mode: a.string(mode),
            coordinate_transformation_mode: a.string(coordinate_transformation_mode),
          },
        });
        await expectOpMatchesOrt({
          op: 'Resize',
          opset: 19,
          inputs: [x, undefined, undefined, constant(i64([1, 2, 3, 7]))],
          attributes: {
            mode: a.string(mode),
            coordinate_transformation_mode: a.string(coordinate_transformation_mode),
          },
        });
      }
    }
    await expectOpMatchesOrt({
      op: 'Resize',
      opset: 13,
      inputs: [floats([3, 4]), undefined, f32([2.5, 0.75])],
      attributes: { mode: a.string('linear') },
    });
    await expectOpMatchesOrt({
      op: 'Resize',
      opset: 13,
      inputs: [x, undefined, f32([1, 1, 2, 2])],
      attributes: { mode: a.string('cubic'), cubic_coeff_a: a.float(-0.5), exclude_outside: a.int(1) },
    });
  });

  it('tf_crop_and_resize with roi and extrapolation_value', async () => {
    for (const mode of ['nearest', 'linear', 'cubic']) {
      await expectOpMatchesOrt({
        op: 'Resize',
        opset: 13,
        inputs: [x, f32([0, 0, -0.2, 0.3, 1, 1, 0.8, 1.4]), undefined, constant(i64([1, 2, 4, 5]))],
        attributes: {
          mode: a.string(mode),
          coordinate_transformation_mode: a.string('tf_crop_and_resize'),
          extrapolation_value: a.float(7),
        },
      });
    }
  });

  it('opset 18: axes and keep_aspect_ratio_policy', async () => {
    for (const policy of ['stretch', 'not_larger', 'not_smaller']) {
      await expectOpMatchesOrt({
        op: 'Resize',
        opset: 18,
        inputs: [x, undefined, undefined, constant(i64([9, 4]))],
        attributes: { mode: a.string('linear'), axes: a.ints([2, 3]), keep_aspect_ratio_policy: a.string(policy) },
      });
    }
    await expectOpMatchesOrt({
      op: 'Resize',
      opset: 18,
      inputs: [x, undefined, f32([2])],
      attributes: { axes: a.ints([-1]) },
    });
  });

  it('antialias: linear and cubic, down and up, 2-D and 4-D, every coordinate mode', async () => {
    const image = floats([2, 3, 9, 11]);
    const plane = floats([10, 7]);
    for (const mode of ['linear', 'cubic']) {
      for (const coordinate_transformation_mode of coordinateModes) {
        const attributes = {
          mode: a.string(mode),
          antialias: a.int(1),
          coordinate_transformation_mode: a.string(coordinate_transformation_mode),
        };
        for (const scales of [
          [1, 1, 0.5, 0.3],
          [1, 1, 0.8, 1.5],
          [1, 1, 2, 3],
        ]) {
          await expectOpMatchesOrt({ op: 'Resize', opset: 19, inputs: [image, undefined, f32(scales)], attributes });
        }
        await expectOpMatchesOrt({
          op: 'Resize',
          opset: 19,
          inputs: [image, undefined, undefined, constant(i64([2, 3, 4, 2]))],
          attributes,
        });
        await expectOpMatchesOrt({ op: 'Resize', opset: 19, inputs: [plane, undefined, f32([0.35, 0.6])], attributes });
        await expectOpMatchesOrt({ op: 'Resize', opset: 19, inputs: [plane, undefined, f32([0.25, 2.5])], attributes });
      }
    }
  });

  it('antialias with exclude_outside, cubic_coeff_a, tf_crop_and_resize, axes and nearest', async () => {
    const image = floats([1, 2, 12, 9]);
    for (const exclude_outside of [0, 1]) {
      for (const cubic_coeff_a of [-0.75, -0.5]) {
        const attributes = {
          mode: a.string('cubic'),
          antialias: a.int(1),
          exclude_outside: a.int(exclude_outside),
          cubic_coeff_a: a.float(cubic_coeff_a),
        };
        await expectOpMatchesOrt({
          op: 'Resize',
          opset: 18,
          inputs: [image, undefined, f32([1, 1, 0.4, 0.7])],
          attributes,
        });
        await expectOpMatchesOrt({
          op: 'Resize',
          opset: 18,
          inputs: [image, undefined, f32([1, 1, 1.7, 0.3])],
          attributes,
        });
      }
    }
    for (const mode of ['linear', 'cubic']) {
      await expectOpMatchesOrt({
        op: 'Resize',
        opset: 18,
        inputs: [image, f32([0, 0, 0.1, -0.3, 1, 1, 0.9, 1.2]), undefined, constant(i64([1, 2, 5, 4]))],
        attributes: {
          mode: a.string(mode),
          antialias: a.int(1),
          coordinate_transformation_mode: a.string('tf_crop_and_resize'),
          extrapolation_value: a.float(3),
        },
      });
      await expectOpMatchesOrt({
        op: 'Resize',
        opset: 18,
        inputs: [image, undefined, undefined, constant(i64([5, 3]))],
        attributes: { mode: a.string(mode), antialias: a.int(1), axes: a.ints([2, 3]) },
      });
      // An axis whose length stays (12 * 1.05 -> 12) is copied, whatever its scale.
      await expectOpMatchesOrt({
        op: 'Resize',
        opset: 18,
        inputs: [image, undefined, f32([1, 1, 1.05, 0.6])],
        attributes: { mode: a.string(mode), antialias: a.int(1) },
      });
    }
  });

  it('opset 10 and Upsample: asymmetric with the legacy nearest rule', async () => {
    await expectOpMatchesOrt({ op: 'Resize', opset: 10, inputs: [x, f32([1, 1, 0.6, 1.5])] });
    await expectOpMatchesOrt({
      op: 'Resize',
      opset: 10,
      inputs: [x, f32([1, 1, 2, 3])],
      attributes: { mode: a.string('linear') },
    });
    await expectOpMatchesOrt({
      op: 'Upsample',
      opset: 9,
      inputs: [x, f32([1, 1, 2, 1.5])],
      attributes: { mode: a.string('nearest') },
    });
    await expectOpMatchesOrt({
      op: 'Upsample',
      opset: 9,
      inputs: [x, f32([1, 1, 1.5, 2])],
      attributes: { mode: a.string('linear') },
    });
    await expectOpMatchesOrt({
      op: 'Upsample',
      opset: 7,
      inputs: [x],
      attributes: { scales: a.floats([1, 1, 3, 2]), mode: a.string('linear') },
    });
    await expectOpMatchesOrt({
      op: 'Upsample',
      opset: 7,
      inputs: [randomTensor('int32', [1, 1, 2, 3])],
      attributes: { scales: a.floats([1, 1, 2, 2]) },
    });
  });
});
