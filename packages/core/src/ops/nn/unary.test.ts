import { describe, expect, it } from 'vitest';
import { AttributeError, GraphError, ShapeError, UnsupportedOpError } from '../../errors.js';
import { a } from '../../ir/attributes.js';
import { Tensor } from '../../tensor.js';
import { erf, fusedActivation, sigmoid } from './activations.js';
import { contextFor, inferOp, runOp } from './testing.js';
import {
  Abs,
  Clip,
  Erf,
  Exp,
  HardSigmoid,
  HardSwish,
  LeakyRelu,
  Log,
  Neg,
  Relu,
  Sigmoid,
  Sqrt,
  Tanh,
} from './unary.js';
import { FusedConv } from './conv.js';

const f = (values: number[], dims?: number[]) => new Tensor('float32', values, dims);
const values = (t: Tensor) => Array.from(t.data as ArrayLike<number | bigint>);
/** Compares the first want.length values (the NaN at the end is checked elsewhere). */
const close = (got: number[], want: number[]) => want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 6));

describe('activations', () => {
  it('compute hand-checked values', () => {
    const x = f([-2, -0.5, 0, 0.5, 3, NaN]);
    expect(values(runOp(Relu, [x])[0])).toEqual([0, 0, 0, 0.5, 3, NaN]);
    expect(values(runOp(LeakyRelu, [x])[0]).slice(0, 2)).toEqual([Math.fround(-0.02), Math.fround(-0.005)]);
    expect(values(runOp(LeakyRelu, [x], { alpha: a.float(0.5) })[0]).slice(0, 2)).toEqual([-1, -0.25]);
    expect(values(runOp(HardSigmoid, [x])[0])).toEqual([0.1, 0.4, 0.5, 0.6, 1, NaN].map(Math.fround));
    expect(values(runOp(HardSigmoid, [x], { alpha: a.float(1), beta: a.float(0) })[0])).toEqual([0, 0, 0, 0.5, 1, NaN]);
    close(values(runOp(HardSwish, [x], {}, 14)[0]) as number[], [-2 / 6, -0.5 * (5 / 12), 0, 0.5 * (7 / 12), 3]);
    close(values(runOp(Sigmoid, [x])[0]) as number[], [
      1 / (1 + Math.exp(2)),
      1 / (1 + Math.exp(0.5)),
      0.5,
      1 / (1 + Math.exp(-0.5)),
      1 / (1 + Math.exp(-3)),
    ]);
    close(values(runOp(Tanh, [x])[0]) as number[], [-2, -0.5, 0, 0.5, 3].map(Math.tanh));
  });
  it('keep sigmoid finite at the extremes and erf accurate', () => {
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(1000)).toBe(1);
    expect(erf(0)).toBe(0);
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 12);
    expect(erf(-1)).toBeCloseTo(-0.8427007929497149, 12);
    expect(erf(3)).toBeCloseTo(0.9999779095030014, 9);
    expect(erf(Infinity)).toBe(1);
    expect(values(runOp(Erf, [f([1e-8])])[0])[0]).toBeCloseTo(1.1283791670955126e-8, 15);
  });
  it('math functions follow IEEE: log 0 = -Inf, sqrt of a negative is NaN', () => {
    expect(values(runOp(Log, [f([0, -1, 8])])[0])).toEqual([-Infinity, NaN, Math.fround(Math.log(8))]);
    expect(values(runOp(Sqrt, [f([4, -1, 0])])[0])).toEqual([2, NaN, 0]);
    expect(values(runOp(Exp, [f([0, 1000])])[0])).toEqual([1, Infinity]);
  });
  it("Neg and Abs take integers, wrapping like two's complement", () => {
    expect(values(runOp(Neg, [new Tensor('int32', [-(2 ** 31), 5])])[0])).toEqual([-(2 ** 31), -5]);
    expect(values(runOp(Abs, [new Tensor('int64', [-(2n ** 63n), -3n])])[0])).toEqual([-(2n ** 63n), 3n]);
    expect(() => runOp(Relu, [new Tensor('int32', [1])])).toThrow(UnsupportedOpError);
  });
  it('pass symbolic shapes through and give empty outputs for zero-size dims', () => {
    expect(inferOp(Tanh, [{ type: 'float32', shape: ['N', 0] }])).toEqual([{ type: 'float32', shape: ['N', 0] }]);
    expect(runOp(Exp, [f([], [2, 0])])[0].dims).toEqual([2, 0]);
  });
});

describe('Clip', () => {
  const x = f([-3, -1, 0, 2, 5, NaN]);
  it('takes min/max attributes before opset 11, defaulting to the float range', () => {
    expect(values(runOp(Clip, [x], { min: a.float(-1), max: a.float(2) }, 7)[0])).toEqual([-1, -1, 0, 2, 2, NaN]);
    expect(values(runOp(Clip, [f([Infinity])], {}, 7)[0])).toEqual([Math.fround(3.4028234663852886e38)]);
  });
  it('takes optional scalar inputs from opset 11, and min > max gives max', () => {
    expect(values(runOp(Clip, [x, undefined, f([1], [])], {}, 13)[0])).toEqual([-3, -1, 0, 1, 1, NaN]);
    expect(values(runOp(Clip, [x, f([2], []), f([1], [])], {}, 13)[0])).toEqual([1, 1, 1, 1, 1, NaN]);
    expect(values(runOp(Clip, [new Tensor('int64', [-9n, 9n]), new Tensor('int64', [-2n], [])], {}, 13)[0])).toEqual([
      -2n,
      9n,
    ]);
  });
  it('refuses non-scalar bounds, mistyped bounds and inputs before opset 11', () => {
    expect(() => runOp(Clip, [x, f([0, 1])], {}, 13)).toThrow(ShapeError);
    expect(() => runOp(Clip, [x, new Tensor('int32', [0], [])], {}, 13)).toThrow(GraphError);
    expect(() => runOp(Clip, [x, f([0], [])], {}, 7)).toThrow(GraphError);
    expect(() => runOp(Clip, [new Tensor('int32', [1])], {}, 11)).toThrow(UnsupportedOpError);
  });
});

describe('fusedActivation', () => {
  it('reads the activation and its parameters', () => {
    const node = (activation: string, params: number[]) =>
      contextFor(FusedConv, { activation: a.string(activation), activation_params: a.floats(params) }).node;
    expect(fusedActivation(node('LeakyRelu', [0.5]))(-2)).toBe(-1);
    expect(fusedActivation(node('Clip', [0, 6]))(7)).toBe(6);
    expect(fusedActivation(node('HardSigmoid', [0.5, 0.5]))(0)).toBe(0.5);
    expect(() => fusedActivation(node('Gelu', []))).toThrow(AttributeError);
    expect(() => fusedActivation(node('Clip', [0]))).toThrow(/activation_params/);
  });
});
