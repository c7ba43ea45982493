import { describe, expect, it } from 'vitest';
import { a } from '../../ir/attributes.js';
import type { Attribute } from '../../ir/graph.js';
import { floatToHalf, Tensor } from '../../tensor.js';
import { castOp } from './cast.js';
import { equalOp, greaterOp, lessOp, notOp, whereOp } from './compare.js';
import { constantOfShapeOp, constantOp } from './constant.js';
import { expandOp } from './expand.js';
import { dropoutOp, identityOp } from './identity.js';
import { padOp } from './pad.js';
import { resizeOp, upsampleOp } from './resize.js';
import { expectCode, inferOp, known, runOp, values } from './test-support.js';

const f32 = (data: number[], dims?: number[]) => new Tensor('float32', data, dims);
const i64 = (data: (number | bigint)[]) =>
  new Tensor(
    'int64',
    data.map((v) => BigInt(v)),
  );

describe('Cast', () => {
  const cast = (x: Tensor, to: number) => runOp(castOp, [x], { attributes: { to: a.int(to) } })[0];
  it('truncates toward zero, saturates and maps NaN to 0 (our documented choice)', () => {
    const x = f32([-2.7, 2.7, 300, -300, NaN, Infinity]);
    expect(values(cast(x, 3))).toEqual([-2, 2, 127, -128, 0, 127]);
    expect(values(cast(x, 2))).toEqual([0, 2, 255, 0, 0, 255]);
    expect(values(cast(x, 6))).toEqual([-2, 2, 300, -300, 0, 2 ** 31 - 1]);
    expect(cast(x, 7).data).toEqual(new BigInt64Array([-2n, 2n, 300n, -300n, 0n, 2n ** 63n - 1n]));
  });
  it('wraps integer narrowing, tests != 0 for bool, rounds to float16', () => {
    expect(values(cast(new Tensor('int32', [300, -1]), 3))).toEqual([44, -1]);
    expect(values(cast(i64([2n ** 32n + 5n, -1n]), 6))).toEqual([5, -1]);
    expect(values(cast(f32([0, -0, NaN, 0.1]), 9))).toEqual([0, 0, 1, 1]);
    expect(values(cast(f32([1, 65520, 1e-8]), 10))).toEqual([0x3c00, 0x7c00, 0]);
    expect(values(cast(new Tensor('float16', [floatToHalf(-1.5)]), 6))).toEqual([-1]);
    expect(values(cast(new Tensor('bool', [1, 0]), 1))).toEqual([1, 0]);
  });
  it('refuses unsupported types and infers the target type', () => {
    expectCode(() => cast(f32([1]), 8), 'LM_ATTRIBUTE');
    expect(inferOp(castOp, [{ type: 'float32', shape: ['N'] }], { attributes: { to: a.int(7) } })).toEqual([
      { type: 'int64', shape: ['N'] },
    ]);
  });
});

describe('Constant and ConstantOfShape', () => {
  it('builds values from each attribute and refuses strings', () => {
    expect(runOp(constantOp, [], { attributes: { value_ints: a.ints([1, 2]) } })[0].data).toEqual(
      new BigInt64Array([1n, 2n]),
    );
    const [s] = runOp(constantOp, [], { attributes: { value_float: a.float(0.5) } });
    expect([s.type, s.dims, values(s)]).toEqual(['float32', [], [0.5]]);
    expectCode(() => runOp(constantOp, [], { attributes: { value_string: a.string('x') } }), 'LM_ATTRIBUTE');
    expectCode(
      () => runOp(constantOp, [], { attributes: { value_int: a.int(1), value_float: a.float(1) } }),
      'LM_ATTRIBUTE',
    );
    expectCode(() => runOp(constantOp, []), 'LM_ATTRIBUTE');
  });
  it('fills shapes, refuses huge ones before allocating (bad-inputs row 46)', () => {
    const [y] = runOp(constantOfShapeOp, [i64([2, 2])]);
    expect([y.type, values(y)]).toEqual(['float32', [0, 0, 0, 0]]);
    const [z] = runOp(constantOfShapeOp, [new Tensor('int64', [], [0])], {
      attributes: { value: a.tensor(new Tensor('int32', [5])) },
    });
    expect([z.dims, values(z)]).toEqual([[], [5]]);
    expectCode(() => runOp(constantOfShapeOp, [i64([2 ** 40])]), 'LM_RESOURCE_LIMIT');
    expectCode(() => runOp(constantOfShapeOp, [i64([2 ** 20, 2 ** 20, 2 ** 20])]), 'LM_RESOURCE_LIMIT');
    expectCode(() => runOp(constantOfShapeOp, [i64([-1])]), 'LM_SHAPE');
    expect(inferOp(constantOfShapeOp, [known(i64([2 ** 40]))])[0].shape).toEqual([2 ** 40]);
    expect(inferOp(constantOfShapeOp, [{ type: 'int64', shape: [2] }])[0].shape).toEqual(['n:0:0', 'n:0:1']);
  });
});

describe('Expand', () => {
  it('broadcasts both ways and guards the output size', () => {
    const [y] = runOp(expandOp, [f32([1, 2, 3], [3, 1]), i64([1, 2])]);
    expect([y.dims, values(y)]).toEqual([
      [3, 2],
      [1, 1, 2, 2, 3, 3],
    ]);
    expectCode(() => runOp(expandOp, [f32([1, 2], [2]), i64([3])]), 'LM_SHAPE');
    expectCode(() => runOp(expandOp, [f32([1]), i64([2 ** 16, 2 ** 16, 2 ** 16])]), 'LM_RESOURCE_LIMIT');
    expect(inferOp(expandOp, [{ type: 'float32', shape: ['N', 1] }, known(i64([1, 4]))])[0].shape).toEqual(['N', 4]);
  });
});

describe('Comparisons, Not and Where', () => {
  it('compare with broadcasting, decoding float16', () => {
    const x = f32([1, 2, 3, 4], [2, 2]);
    const y = f32([2, 3]);
    expect(values(runOp(equalOp, [x, y])[0])).toEqual([0, 0, 0, 0]);
    expect(values(runOp(lessOp, [x, y])[0])).toEqual([1, 1, 0, 0]);
    expect(values(runOp(greaterOp, [x, y])[0])).toEqual([0, 0, 1, 1]);
    const h = new Tensor('float16', [floatToHalf(-0), floatToHalf(-1)]);
    const g = new Tensor('float16', [floatToHalf(0), floatToHalf(0.5)]);
    expect(values(runOp(equalOp, [h, g])[0])).toEqual([1, 0]);
    expect(values(runOp(lessOp, [h, g])[0])).toEqual([0, 1]);
    expect(values(runOp(lessOp, [i64([-(2n ** 62n)]), i64([2n ** 62n])])[0])).toEqual([1]);
    expectCode(() => runOp(equalOp, [x, i64([1])]), 'LM_GRAPH');
  });
  it('negate and select', () => {
    expect(values(runOp(notOp, [new Tensor('bool', [1, 0])])[0])).toEqual([0, 1]);
    const [w] = runOp(whereOp, [new Tensor('bool', [1, 0], [2, 1]), f32([1, 2]), f32([9])]);
    expect([w.dims, values(w)]).toEqual([
      [2, 2],
      [1, 2, 9, 9],
    ]);
    expect(
      inferOp(whereOp, [
        { type: 'bool', shape: ['N', 1] },
        { type: 'int32', shape: [3] },
        { type: 'int32', shape: [1] },
      ])[0],
    ).toEqual({ type: 'int32', shape: ['N', 3] });
  });
});

describe('Pad', () => {
  const x = f32([1, 2, 3]);
  const pad = (mode: string, pads: number[]) =>
    values(runOp(padOp, [x, i64(pads)], { attributes: { mode: a.string(mode) } })[0]);
  it('pads in each mode', () => {
    expect(pad('constant', [2, 1])).toEqual([0, 0, 1, 2, 3, 0]);
    expect(pad('reflect', [2, 2])).toEqual([3, 2, 1, 2, 3, 2, 1]);
    expect(pad('edge', [2, 1])).toEqual([1, 1, 1, 2, 3, 3]);
    expect(pad('wrap', [2, 1])).toEqual([2, 3, 1, 2, 3, 1]);
  });
  it('crops before padding and takes a value, axes or the old attributes', () => {
    expect(pad('wrap', [-1, 1])).toEqual([2, 3, 2]);
    expect(values(runOp(padOp, [x, i64([1, 0]), f32([7], [])])[0])).toEqual([7, 1, 2, 3]);
    const [y] = runOp(padOp, [f32([1, 2, 3, 4], [2, 2]), i64([1, 0]), undefined, i64([-1])]);
    expect([y.dims, values(y)]).toEqual([
      [2, 3],
      [0, 1, 2, 0, 3, 4],
    ]);
    expect(values(runOp(padOp, [x], { opset: 7, attributes: { pads: a.ints([0, 1]), value: a.float(5) } })[0])).toEqual(
      [1, 2, 3, 5],
    );
  });
  it('refuses bad pads and infers dims', () => {
    expectCode(() => pad('constant', [-2, -2]), 'LM_SHAPE');
    expectCode(() => pad('wrap', [1]), 'LM_SHAPE');
    expectCode(
      () => runOp(padOp, [x, i64([1, 1])], { opset: 18, attributes: { mode: a.string('wrap') } }),
      'LM_ATTRIBUTE',
    );
    expectCode(() => runOp(padOp, [f32([], [0]), i64([1, 0])], { attributes: { mode: a.string('edge') } }), 'LM_SHAPE');
    expect(inferOp(padOp, [{ type: 'float32', shape: ['N', 3] }, known(i64([0, 1, 0, 1]))])[0].shape).toEqual(['N', 5]);
    expect(
      inferOp(padOp, [
        { type: 'float32', shape: ['N', 3] },
        { type: 'int64', shape: [4] },
      ])[0].shape,
    ).toEqual(['n:0:0', 'n:0:1']);
  });
});

describe('Identity and Dropout', () => {
  it('pass data and an all-true mask', () => {
    const x = f32([1, 2]);
    expect(runOp(identityOp, [x])[0]).toBe(x);
    const [y, mask] = runOp(dropoutOp, [x, f32([0.5], [])], { outputs: 2 });
    expect(y).toBe(x);
    expect([mask.type, values(mask)]).toEqual(['bool', [1, 1]]);
    expect(runOp(dropoutOp, [x], { opset: 7, outputs: 2 })[1].type).toBe('float32');
    expectCode(() => runOp(dropoutOp, [x, f32([0.5], []), new Tensor('bool', [1], [])]), 'LM_ATTRIBUTE');
  });
});

describe('Resize', () => {
  const x = f32([1, 2, 3, 4], [1, 1, 2, 2]);
  const scales = (s: number[]) => f32(s);
  it('nearest and linear by hand', () => {
    const [n] = runOp(resizeOp, [x, undefined, scales([1, 1, 2, 2])], {
      attributes: { coordinate_transformation_mode: a.string('asymmetric'), nearest_mode: a.string('floor') },
    });
    expect(values(n)).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
    const [l] = runOp(resizeOp, [f32([0, 4], [1, 2]), undefined, undefined, i64([1, 3])], {
      attributes: { mode: a.string('linear'), coordinate_transformation_mode: a.string('align_corners') },
    });
    expect(values(l)).toEqual([0, 2, 4]);
    const [h] = runOp(resizeOp, [f32([0, 4], [2]), undefined, scales([2])], {
      attributes: { mode: a.string('linear') },
    });
    expect(values(h)).toEqual([0, 1, 3, 4]);
  });
  it('cubic with Keys weights and extrapolation in crop mode', () => {
    const [c] = runOp(resizeOp, [f32([0, 1, 2, 3], [4]), undefined, undefined, i64([7])], {
      attributes: {
        mode: a.string('cubic'),
        coordinate_transformation_mode: a.string('align_corners'),
        cubic_coeff_a: a.float(-0.5),
      },
    });
    // A linear ramp is reproduced exactly by a = -0.5 cubic convolution away from the clamped borders.
    expect(values(c).slice(2, 5)).toEqual([1, 1.5, 2]);
    const [e] = runOp(resizeOp, [f32([1, 2], [2]), f32([-1, 2]), undefined, i64([4])], {
      attributes: { coordinate_transformation_mode: a.string('tf_crop_and_resize'), extrapolation_value: a.float(-9) },
    });
    expect(values(e)).toEqual([-9, 1, 2, -9]);
  });
  it('antialias: widens the filter by 1/scale when downscaling, and changes nothing when upscaling', () => {
    const ramp = f32([0, 1, 2, 3, 4, 5, 6, 7], [8]);
    const resize = (input: Tensor, s: number[], attributes: Record<string, Attribute>) =>
      runOp(resizeOp, [input, undefined, scales(s)], { attributes })[0];
    // Output 0 sits at 0.5 and covers input -1..2 with weights 1, 3, 3, 1 (input -1 repeats the edge 0).
    expect(values(resize(ramp, [0.5], { mode: a.string('linear'), antialias: a.int(1) }))).toEqual([
      0.625, 2.5, 4.5, 6.375,
    ]);
    expect(values(resize(ramp, [0.5], { mode: a.string('linear') }))).toEqual([0.5, 2.5, 4.5, 6.5]);
    // Cubic (a = -0.5) at 0.5 reaches inputs -3..4 at distances (i - 0.5) / 2, Keys weights
    // -3, -9, 29, 111, 111, 29, -9, -3 (/128); exclude_outside drops the five past the edge.
    const cubic = { mode: a.string('cubic'), antialias: a.int(1), cubic_coeff_a: a.float(-0.5) };
    expect(values(resize(ramp, [0.5], cubic))[0]).toBe((111 + 2 * 29 - 3 * 9 - 4 * 3) / 256);
    const excluded = resize(ramp, [0.5], { ...cubic, exclude_outside: a.int(1) });
    expect(values(excluded)[0]).toBeCloseTo((111 + 2 * 29 - 3 * 9 - 4 * 3) / (111 + 111 + 29 - 9 - 3), 6);
    // Weights sum to 1: a constant stays constant; the ramp stays symmetric about its middle.
    expect(values(resize(f32(new Array(8).fill(3), [8]), [0.3], { ...cubic, exclude_outside: a.int(1) }))).toEqual([
      3, 3,
    ]);
    const [e0, e1, e2, e3] = values(excluded);
    expect(e0 + e3).toBeCloseTo(7, 6);
    expect(e1 + e2).toBeCloseTo(7, 6);
    const image = f32(
      Array.from({ length: 12 }, (_, i) => (i * 7) % 5),
      [1, 1, 3, 4],
    );
    for (const mode of ['linear', 'cubic']) {
      const plain = values(resize(image, [1, 1, 2, 1.5], { mode: a.string(mode) }));
      values(resize(image, [1, 1, 2, 1.5], { mode: a.string(mode), antialias: a.int(1) })).forEach((got, i) =>
        expect(got).toBeCloseTo(plain[i], 5),
      );
    }
    expectCode(() => resize(ramp, [0.5], { antialias: a.int(1) }), 'LM_ATTRIBUTE');
  });
  it('validates inputs and guards huge scales (bad-inputs row 46)', () => {
    expectCode(() => runOp(resizeOp, [x, undefined, scales([1, 1, 1e6, 1e6])]), 'LM_RESOURCE_LIMIT');
    expectCode(() => runOp(resizeOp, [x, undefined, scales([1, 1, 2, 2]), i64([1, 1, 4, 4])]), 'LM_SHAPE');
    expectCode(() => runOp(resizeOp, [x, undefined, scales([1, 1, 0, 2])]), 'LM_SHAPE');
    expectCode(() => runOp(resizeOp, [x, undefined, scales([2, 2])]), 'LM_SHAPE');
    expectCode(
      () => runOp(resizeOp, [x, undefined, scales([1, 1, 2, 2])], { attributes: { mode: a.string('area') } }),
      'LM_ATTRIBUTE',
    );
    expectCode(
      () => runOp(resizeOp, [x, undefined, scales([1, 1, 2, 2])], { attributes: { nearest_mode: a.string('up') } }),
      'LM_ATTRIBUTE',
    );
    expectCode(() => runOp(upsampleOp, [x, scales([1, 1, 0.5, 1])], { opset: 9 }), 'LM_SHAPE');
    expectCode(() => runOp(resizeOp, [x, undefined, i64([1, 1, 2, 2])]), 'LM_UNSUPPORTED_OP');
  });
  it('infers output dims, symbolic and unknown', () => {
    const sym = { type: 'float32' as const, shape: ['N', 3, 10, 10] };
    expect(inferOp(resizeOp, [sym, undefined, known(scales([1, 1, 1.5, 0.5]))])[0].shape).toEqual(['N', 3, 15, 5]);
    expect(inferOp(resizeOp, [sym, undefined, undefined, known(i64([1, 3, 4, 4]))])[0].shape).toEqual([1, 3, 4, 4]);
    expect(inferOp(resizeOp, [sym, undefined, { type: 'float32', shape: [4] }])[0].shape).toEqual([
      'n:0:0',
      'n:0:1',
      'n:0:2',
      'n:0:3',
    ]);
    expect(
      inferOp(resizeOp, [sym, undefined, undefined, known(i64([20]))], { attributes: { axes: a.ints([-1]) } })[0].shape,
    ).toEqual(['N', 3, 10, 20]);
  });
});

describe('zero-size inputs (bad-inputs row 40)', () => {
  it('give empty outputs', () => {
    const empty = f32([], [0, 3]);
    expect(runOp(expandOp, [empty, i64([2, 0, 1])])[0].dims).toEqual([2, 0, 3]);
    expect(runOp(padOp, [empty, i64([1, 0, 1, 0])])[0].dims).toEqual([2, 3]);
    expect(runOp(whereOp, [new Tensor('bool', [], [0, 1]), empty, f32([1])])[0].dims).toEqual([0, 3]);
    expect(runOp(castOp, [empty], { attributes: { to: a.int(7) } })[0].dims).toEqual([0, 3]);
    expect(
      runOp(resizeOp, [empty, undefined, f32([1, 2])], { attributes: { mode: a.string('linear') } })[0].dims,
    ).toEqual([0, 6]);
  });
});
