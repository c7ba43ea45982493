/**
 * MaxPool, AveragePool and the global pools against the reference kernels, fp32 and fp16.
 */
import { a, type Attribute } from '@lastmile/core';
import { describe, it } from 'vitest';
import { expectOpMatchesReference, holdDevice, rand } from './ops-harness.js';
import { onDevice } from './support.js';

const cases: { op: string; label: string; x: number[]; attributes: Record<string, Attribute> }[] = [
  {
    op: 'MaxPool',
    label: '3x3 stride 2 pad 1',
    x: [1, 3, 11, 12],
    attributes: { kernel_shape: a.ints([3, 3]), strides: a.ints([2, 2]), pads: a.ints([1, 1, 1, 1]) },
  },
  {
    op: 'MaxPool',
    label: 'ceil_mode, dilations',
    x: [2, 2, 10, 9],
    attributes: {
      kernel_shape: a.ints([2, 3]),
      strides: a.ints([2, 2]),
      dilations: a.ints([2, 1]),
      ceil_mode: a.int(1),
    },
  },
  { op: 'MaxPool', label: '1-D', x: [1, 3, 15], attributes: { kernel_shape: a.ints([3]), strides: a.ints([2]) } },
  {
    op: 'AveragePool',
    label: 'pads excluded from the count',
    x: [1, 4, 9, 9],
    attributes: { kernel_shape: a.ints([3, 3]), strides: a.ints([2, 2]), pads: a.ints([1, 1, 1, 1]) },
  },
  {
    op: 'AveragePool',
    label: 'count_include_pad, ceil_mode',
    x: [1, 2, 8, 7],
    attributes: {
      kernel_shape: a.ints([3, 2]),
      strides: a.ints([2, 2]),
      pads: a.ints([1, 0, 1, 1]),
      count_include_pad: a.int(1),
      ceil_mode: a.int(1),
    },
  },
  {
    op: 'AveragePool',
    label: 'SAME_LOWER',
    x: [1, 2, 7, 7],
    attributes: { kernel_shape: a.ints([2, 2]), auto_pad: a.string('SAME_LOWER') },
  },
  { op: 'GlobalAveragePool', label: '', x: [2, 5, 7, 6], attributes: {} },
  { op: 'GlobalMaxPool', label: '', x: [1, 3, 4, 9], attributes: {} },
];

onDevice('on the OpenCL device', () => {
  holdDevice();

  describe('pools on gpu-opencl match the reference', () => {
    for (const [i, c] of cases.entries()) {
      for (const precision of ['fp32', 'fp16'] as const) {
        it(`${c.op} ${c.label} (${precision})`, () =>
          expectOpMatchesReference({ op: c.op, inputs: [rand(i, c.x)], attributes: c.attributes }, precision));
      }
    }
  });
});
