/**
 * Activations applied to a v128 of four f32 in a kernel epilogue. Clamps use pmin/pmax (one instruction
 * on x64, and NaN passes through as ONNX wants); sigmoid and tanh use a vector exp.
 */
import type { Activation as CoreActivation } from '@lastmile/core';
import { type FunctionBuilder, type Local, V128 } from '../wasm/module-builder.js';

/** An activation with its parameters baked into the generated code: core's, but log and erf. */
export type Activation = Exclude<CoreActivation, { kind: 'log' | 'erf' }>;

export const NO_ACTIVATION: Activation = { kind: 'none' };

/** A short stable key of an activation, part of generated function names. */
export function activationKey(a: Activation): string {
  const num = (x: number) =>
    (Object.is(x, Math.fround(x)) ? String(x) : String(Math.fround(x))).replace('-', 'm').replace('.', 'p');
  switch (a.kind) {
    case 'clip':
      return `clip_${num(a.min)}_${num(a.max)}`;
    case 'leakyrelu':
      return `leaky_${num(a.alpha)}`;
    case 'hardsigmoid':
      return `hsig_${num(a.alpha)}_${num(a.beta)}`;
    default:
      return a.kind;
  }
}

/** Scratch v128 locals an activation may use; allocate once per function with {@link activationTemps}. */
export interface ActivationTemps {
  t0: Local;
  t1: Local;
}

export function activationTemps(f: FunctionBuilder): ActivationTemps {
  return { t0: f.local(V128, 'act_t0'), t1: f.local(V128, 'act_t1') };
}

/** Clamps the v128 on the stack to [lo, hi] (NaN passes). */
function clampStack(f: FunctionBuilder, lo: number, hi: number): void {
  f.f32x4(lo).op('f32x4.pmax').f32x4(hi).op('f32x4.pmin');
}

/** Replaces local `v` (v128) by `activation(v)`. */
export function emitActivation(f: FunctionBuilder, v: Local, a: Activation, t: ActivationTemps): void {
  switch (a.kind) {
    case 'none':
      return;
    case 'relu':
      f.get(v).f32x4(0).op('f32x4.pmax').set(v);
      return;
    case 'clip':
      f.get(v);
      clampStack(f, a.min, a.max);
      f.set(v);
      return;
    case 'leakyrelu':
      // v < 0 ? alpha * v : v
      f.get(v).f32x4(a.alpha).op('f32x4.mul').get(v).get(v).f32x4(0).op('f32x4.lt', 'v128.bitselect').set(v);
      return;
    case 'hardsigmoid':
      f.get(v).f32x4(a.alpha).op('f32x4.mul').f32x4(a.beta).op('f32x4.add');
      clampStack(f, 0, 1);
      f.set(v);
      return;
    case 'hardswish':
      f.get(v)
        .f32x4(1 / 6)
        .op('f32x4.mul')
        .f32x4(0.5)
        .op('f32x4.add');
      clampStack(f, 0, 1);
      f.get(v).op('f32x4.mul').set(v);
      return;
    case 'sigmoid':
      // 1 / (1 + e^-x)
      f.get(v).op('f32x4.neg').set(t.t0);
      emitExp(f, t.t0, t.t1);
      f.f32x4(1).f32x4(1).get(t.t0).op('f32x4.add', 'f32x4.div').set(v);
      return;
    case 'tanh':
      // 1 - 2 / (1 + e^2x), which cancels to 0 for tiny x: there tanh(x) is x to within half an ulp
      // (|x| < 2^-12), subnormals included (docs/numerics.md).
      f.get(v).get(v).op('f32x4.add').set(t.t0);
      emitExp(f, t.t0, t.t1);
      f.f32x4(1).f32x4(2).f32x4(1).get(t.t0).op('f32x4.add', 'f32x4.div', 'f32x4.sub').set(t.t0);
      f.get(v)
        .get(t.t0)
        .get(v)
        .op('f32x4.abs')
        .f32x4(2 ** -12)
        .op('f32x4.lt', 'v128.bitselect')
        .set(v);
      return;
    case 'sqrt':
      f.get(v).op('f32x4.sqrt').set(v);
      return;
    case 'square':
      f.get(v).get(v).op('f32x4.mul').set(v);
      return;
    case 'exp': {
      // e^x is 0 below -87.3 and inf above 88.7 (the polynomial's clamp would give finite values there).
      f.get(v).set(t.t0);
      emitExp(f, t.t0, t.t1);
      f.f32x4(Number.POSITIVE_INFINITY).get(t.t0).get(v).f32x4(88.72283).op('f32x4.gt', 'v128.bitselect').set(t.t0);
      f.f32x4(0).get(t.t0).get(v).f32x4(-103.97208).op('f32x4.lt', 'v128.bitselect').set(t.t0);
      // NaN stays NaN
      f.get(t.t0).get(v).get(v).get(v).op('f32x4.eq', 'v128.bitselect').set(v);
      return;
    }
    case 'abs':
      f.get(v).op('f32x4.abs').set(v);
      return;
    case 'neg':
      f.get(v).op('f32x4.neg').set(v);
      return;
  }
}

/**
 * Replaces local `x` (v128) by e^x: x = n ln2 + r with |r| <= ln2/2, e^r by a degree-6 polynomial
 * (relative error ~2e-7), 2^n built in the exponent bits. Inputs are clamped to [-87.3, 88] so 2^n stays finite.
 */
export function emitExp(f: FunctionBuilder, x: Local, n: Local): void {
  f.get(x);
  clampStack(f, -87.33654, 88);
  f.set(x);
  f.get(x).f32x4(Math.LOG2E).op('f32x4.mul', 'f32x4.nearest').set(n);
  // r = x - n*ln2 (two-part ln2 keeps r exact)
  f.get(x)
    .get(n)
    .f32x4(0.693359375)
    .op('f32x4.mul', 'f32x4.sub')
    .get(n)
    .f32x4(-2.1219444e-4)
    .op('f32x4.mul', 'f32x4.sub')
    .set(x);
  // Horner: 1 + r(1 + r(1/2 + r(1/6 + r(1/24 + r(1/120 + r/720)))))
  const coefficients = [1 / 720, 1 / 120, 1 / 24, 1 / 6, 0.5, 1, 1];
  f.f32x4(coefficients[0]);
  for (const c of coefficients.slice(1)) f.get(x).op('f32x4.mul').f32x4(c).op('f32x4.add');
  // * 2^n: (n + 127) << 23 as float bits
  f.get(n)
    .op('i32x4.trunc_sat_f32x4_s')
    .i32(127)
    .op('i32x4.splat', 'i32x4.add')
    .i32(23)
    .op('i32x4.shl', 'f32x4.mul')
    .set(x);
}
