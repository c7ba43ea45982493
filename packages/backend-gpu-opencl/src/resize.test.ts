/**
 * Resize (nearest with each rounding mode, linear with each coordinate mode, by scales or sizes) and
 * Upsample against the reference kernel.
 */
import { a, Tensor } from '@lastmile/core';
import { constant } from '@lastmile/testing';
import { describe, it } from 'vitest';
import { expectOpMatchesReference, holdDevice, rand } from './ops-harness.js';
import { onDevice } from './support.js';

const scales = (values: number[]) => constant(new Tensor('float32', values, [values.length]));
const sizes = (values: number[]) =>
  constant(
    new Tensor(
      'int64',
      values.map((v) => BigInt(v)),
      [values.length],
    ),
  );

onDevice('on the OpenCL device', () => {
  holdDevice();

  describe('Resize on gpu-opencl matches the reference', () => {
    const x = rand(1, [1, 2, 5, 6]);
    for (const nearest of ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil']) {
      it(`nearest ${nearest}, scales 2 and 1.5`, () =>
        expectOpMatchesReference({
          op: 'Resize',
          inputs: [x, undefined, scales([1, 1, 2, 1.5])],
          attributes: { mode: a.string('nearest'), nearest_mode: a.string(nearest) },
        }));
    }
    for (const coordinates of ['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric']) {
      for (const precision of ['fp32', 'fp16'] as const) {
        it(`linear ${coordinates}, by sizes (${precision})`, () =>
          expectOpMatchesReference(
            {
              op: 'Resize',
              inputs: [x, undefined, undefined, sizes([1, 2, 9, 4])],
              attributes: { mode: a.string('linear'), coordinate_transformation_mode: a.string(coordinates) },
            },
            precision,
          ));
      }
    }
    it('nearest asymmetric x2 (the PP-OCR det upsampling)', () =>
      expectOpMatchesReference({
        op: 'Resize',
        opset: 11,
        inputs: [rand(2, [1, 3, 4, 5]), constant(new Tensor('float32', [], [0])), scales([1, 1, 2, 2])],
        attributes: {
          mode: a.string('nearest'),
          coordinate_transformation_mode: a.string('asymmetric'),
          nearest_mode: a.string('floor'),
        },
      }));
    it('Upsample (opset 9)', () =>
      expectOpMatchesReference({ op: 'Upsample', opset: 9, inputs: [rand(3, [1, 2, 3, 3]), scales([1, 1, 2, 3])] }));
  });
});
