import {
  BackendUnavailableError,
  InputError,
  ModelFormatError,
  PluginError,
  TensorDataError,
  type ValueInfo,
} from '@lastmile/core';
import { describe, expect, it } from 'vitest';
import { ExitCode, UsageError, exitCodeFor, failingWith } from './exit-codes.js';
import { toJson } from './json-output.js';
import { latencyStats, quantile } from './latency.js';
import { fileNameFor } from './output-files.js';
import { concreteShape, parseShapeOptions } from './shape-options.js';
import { formatDims, oneLine } from './text.js';

const inputs: ValueInfo[] = [
  { name: 'image', type: 'float32', shape: ['batch', 3, 224, 224] },
  { name: 'mask', type: 'bool', shape: ['batch', 'len'] },
];

describe('--shape parsing', () => {
  it('reads dims joined by x or commas, checked against the declared fixed dims', () => {
    expect(parseShapeOptions(['image=2x3x224x224', 'mask=2,7'], inputs)).toEqual(
      new Map([
        ['image', [2, 3, 224, 224]],
        ['mask', [2, 7]],
      ]),
    );
  });

  it.each([
    [['1x3x224x224'], /must name the input \(name=\.\.\.\): the model has 2 inputs \('image', 'mask'\)/],
    [['image=1x4x224x224'], /does not fit input 'image', declared batch, 3, 224, 224/],
    [['image=1x3x224'], /does not fit/],
    [['image=1x-3x224x224'], /must be positive integers joined by 'x'/],
    [['image=1x0x224x224'], /a dim of 0 leaves the tensor empty/],
    [['image=99999999999999999999x3x224x224'], /a dim is too large/],
    [['image=1x3x224x224', 'image=1x3x224x224'], /given twice for input 'image'/],
    [['other=1'], /the model has no input 'other'/],
  ])('refuses %j as a usage error', (specs, message) => {
    expect(() => parseShapeOptions(specs, inputs)).toThrow(UsageError);
    expect(() => parseShapeOptions(specs, inputs)).toThrow(message);
  });

  it('defaults only a symbolic batch dim, with a notice', () => {
    const notices: string[] = [];
    expect(concreteShape({ name: 'x', type: 'float32', shape: ['n', 3] }, new Map(), (n) => notices.push(n))).toEqual([
      1, 3,
    ]);
    expect(notices).toEqual(["input 'x': symbolic batch dim 'n' set to 1 (use --shape to change it)"]);
    expect(() => concreteShape(inputs[1], new Map(), () => undefined)).toThrow(
      "input 'mask' has symbolic dims [batch, len]; give its shape with --shape mask=NxN",
    );
    expect(() => concreteShape({ name: 'x', type: 'float32' }, new Map(), () => undefined)).toThrow(
      'has no declared shape',
    );
  });
});

describe('exit statuses', () => {
  it('maps error codes to documented statuses', () => {
    expect(exitCodeFor(new UsageError('x'))).toBe(ExitCode.Usage);
    expect(exitCodeFor(new InputError('x'))).toBe(ExitCode.Usage);
    expect(exitCodeFor(new ModelFormatError('x'))).toBe(ExitCode.Model);
    expect(exitCodeFor(new TensorDataError('x'))).toBe(ExitCode.Model);
    expect(exitCodeFor(new BackendUnavailableError('x'))).toBe(ExitCode.BackendUnavailable);
    expect(exitCodeFor(new PluginError('x'))).toBe(ExitCode.BackendUnavailable);
    expect(exitCodeFor(new RangeError('x'))).toBe(ExitCode.Runtime);
    expect(exitCodeFor('a string')).toBe(ExitCode.Runtime);
  });

  it('lets the phase an error happened in decide (a bad input file is a usage error)', async () => {
    const error = new TensorDataError('truncated');
    await expect(failingWith(ExitCode.Usage, () => Promise.reject(error))).rejects.toBe(error);
    expect(exitCodeFor(error)).toBe(ExitCode.Usage);
  });
});

describe('helpers', () => {
  it('makes tensor names safe and unique file names', () => {
    const taken = new Set<string>();
    expect(['out/put:0', 'out_put_0', '..', '', 'Y', 'y'].map((n) => fileNameFor(n, taken))).toEqual([
      'out_put_0.npy',
      'out_put_0_2.npy',
      '_...npy',
      '_.npy',
      'Y.npy',
      'y_2.npy',
    ]);
  });

  it('interpolates quantiles between ranks as numpy does', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110], 0.1)).toBe(20);
    expect(quantile([5], 0.9)).toBe(5);
    expect(latencyStats([3, 1, 2])).toEqual({ runs: 3, medianMs: 2, p10Ms: 1.2, p90Ms: 2.8 });
  });

  it('writes JSON that keeps bigints, NaN and infinities', () => {
    expect(
      JSON.parse(toJson({ a: 2n ** 63n - 1n, b: [Number.NaN, Number.NEGATIVE_INFINITY, 1.5], m: new Map([['k', 1]]) })),
    ).toEqual({
      a: '9223372036854775807',
      b: ['NaN', '-Infinity', 1.5],
      m: { k: 1 },
    });
  });

  it('formats dims and flattens multi-line messages', () => {
    expect(formatDims([1, 3, 8, 8])).toBe('1x3x8x8');
    expect(formatDims(['box', 3])).toBe('box, 3');
    expect(formatDims([])).toBe('scalar');
    expect(formatDims(undefined)).toBe('?');
    expect(oneLine('no usable backend:\n  a: x\n  b: y\n')).toBe('no usable backend: a: x b: y');
  });
});
