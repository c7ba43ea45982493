/**
 * The two transforms around Winograd's α² GEMMs (layout/winograd.ts has the math), on 4 channels at a
 * time and unrolled from the transform matrices, so F(2x2, 3x3) and F(4x4, 3x3) come from the same code.
 *
 * - input: per tile, α² input pixels (through pointers: padding reads the zero row) become Bᵀ d B, stored
 *   as row `tile` of α² matrices [tiles x C] (rows 4-channel aligned), the GEMMs' left-hand sides;
 * - output: per tile, the α² GEMM results become Aᵀ M A, plus bias, residual and activation, stored at m²
 *   output pixel pointers (pixels past the output's edge point at a dump row).
 */
import type { WinogradTransform } from '../layout/winograd.js';
import { type FunctionBuilder, type Local, type ModuleBuilder, I32, V128 } from '../wasm/module-builder.js';
import { type Activation, activationKey, activationTemps, emitActivation } from './activation.js';
import { forChannelVectors, i32s, storePartial4 } from './common.js';

/** Pushes Σ coeffs[k] x[k] (v128) onto the stack; constants other than ±1 come from `constant`. */
function combine(
  f: FunctionBuilder,
  coeffs: readonly number[],
  x: readonly Local[],
  constant: (c: number) => Local,
): void {
  let first = true;
  coeffs.forEach((c, k) => {
    if (c === 0) return;
    const magnitude = Math.abs(c);
    f.get(x[k]);
    if (magnitude !== 1) f.get(constant(magnitude)).op('f32x4.mul');
    if (first) {
      if (c < 0) f.op('f32x4.neg');
      first = false;
    } else {
      f.op(c < 0 ? 'f32x4.sub' : 'f32x4.add');
    }
  });
  if (first) f.f32x4(0);
}

/** out = P X Pᵀ for the square tile X (row-major locals): `rows` x `rows` results where P is rows x α. */
function sandwich(
  f: FunctionBuilder,
  P: readonly number[][],
  x: readonly Local[],
  tmp: readonly Local[],
  out: readonly Local[],
  constant: (c: number) => Local,
): void {
  const alpha = P[0].length;
  const rows = P.length;
  // tmp = P X: rows x α
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < alpha; j++) {
      combine(
        f,
        P[i],
        Array.from({ length: alpha }, (_, k) => x[k * alpha + j]),
        constant,
      );
      f.set(tmp[i * alpha + j]);
    }
  }
  // out = tmp Pᵀ: rows x rows
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < rows; j++) {
      combine(f, P[j], tmp.slice(i * alpha, i * alpha + alpha), constant);
      f.set(out[i * rows + j]);
    }
  }
}

/** Sets a splat local for every coefficient of `P` other than 0 and ±1 (here, before any loop); returns the lookup. */
function splatConstants(f: FunctionBuilder, P: readonly number[][]): (c: number) => Local {
  const made = new Map<number, Local>();
  for (const c of P.flat().map(Math.abs)) {
    if (c === 0 || c === 1 || made.has(c)) continue;
    const l = f.local(V128, `k${made.size}`);
    f.f32x4(c).set(l);
    made.set(c, l);
  }
  return (c) => made.get(c)!;
}

/** Locals both transforms use: the tile counter, the 4-aligned row bytes of `channels` (set here), a channel offset, an address, and the α² tile vectors. */
function tileLocals(f: FunctionBuilder, channels: Local, positions: number) {
  const locals = {
    tile: f.local(I32, 'tile'),
    rowBytes: f.local(I32, 'rowBytes'),
    c: f.local(I32, 'c'),
    q: f.local(I32, 'q'),
    x: Array.from({ length: positions }, (_, k) => f.local(V128, `x${k}`)),
    tmp: Array.from({ length: positions }, (_, k) => f.local(V128, `t${k}`)),
  };
  f.get(channels).i32(3).op('i32.add').i32(-4).op('i32.and').i32(2).op('i32.shl').set(locals.rowBytes);
  return locals;
}

/**
 * Emits (once) the input transform; returns its name. Signature `(ind, tiles, channels, out, matrixBytes)`:
 * `ind` holds α² pointers per tile; tile t's row of matrix ξ is at out + ξ matrixBytes + t rowBytes, with
 * rowBytes = 4 ceil(channels / 4) x 4.
 */
export function emitWinogradInput(m: ModuleBuilder, t: WinogradTransform): string {
  const name = `winograd_in_${t.m}x${t.m}`;
  const f = m.add(name, i32s(5));
  if (!f) return name;
  const [ind, tiles, channels, out, matrixBytes] = f.paramsNamed('ind', 'tiles', 'channels', 'out', 'matrixBytes');
  const positions = t.alpha * t.alpha;
  const { tile, rowBytes, c, q, x, tmp } = tileLocals(f, channels, positions);
  const ptr = Array.from({ length: positions }, (_, i) => f.local(I32, `p${i}`));
  const constant = splatConstants(f, t.BT);

  f.i32(0).set(tile);
  f.doWhile(
    () => {
      for (let i = 0; i < positions; i++)
        f.get(ind)
          .load('i32.load', 4 * i)
          .set(ptr[i]);
      f.i32(0).set(c);
      f.doWhile(
        () => {
          for (let i = 0; i < positions; i++) f.get(ptr[i]).get(c).op('i32.add').load('v128.load').set(x[i]);
          // Results overwrite x: it is dead once tmp = Bᵀ x holds it.
          sandwich(f, t.BT, x, tmp, x, constant);
          f.get(out).get(c).op('i32.add').set(q);
          for (let i = 0; i < positions; i++) {
            f.get(q).get(x[i]).store('v128.store');
            if (i < positions - 1) f.get(q).get(matrixBytes).op('i32.add').set(q);
          }
        },
        () => f.get(c).i32(16).op('i32.add').tee(c).get(rowBytes).op('i32.lt_s'),
      );
      f.addTo(ind, positions * 4);
      f.get(out).get(rowBytes).op('i32.add').set(out);
    },
    () => f.get(tile).i32(1).op('i32.add').tee(tile).get(tiles).op('i32.lt_s'),
  );
  return name;
}

/**
 * Emits (once) the output transform for `activation` (and a residual); returns its name. Signature
 * `(mats, tiles, channels, outPtrs, resPtrs, bias, matrixBytes)`: tile t's GEMM result for position ξ is
 * at mats + ξ matrixBytes + t rowBytes (rowBytes as the input transform's); `outPtrs` and `resPtrs` hold
 * m² pixel addresses per tile; `bias` holds ceil(channels / 4) x 4 floats.
 */
export function emitWinogradOutput(
  m: ModuleBuilder,
  t: WinogradTransform,
  activation: Activation,
  residual: boolean,
): string {
  const name = `winograd_out_${t.m}x${t.m}_${activationKey(activation)}${residual ? '_res' : ''}`;
  const f = m.add(name, i32s(7));
  if (!f) return name;
  const [mats, tiles, channels, outPtrs, resPtrs, bias, matrixBytes] = f.paramsNamed(
    'mats',
    'tiles',
    'channels',
    'outPtrs',
    'resPtrs',
    'bias',
    'matrixBytes',
  );
  const positions = t.alpha * t.alpha;
  const pixels = t.m * t.m;
  const { tile, rowBytes, c, q, x, tmp } = tileLocals(f, channels, positions);
  const left = f.local(I32, 'left');
  const ptr = f.local(I32, 'ptr');
  const y = Array.from({ length: pixels }, (_, k) => f.local(V128, `y${k}`));
  const b = f.local(V128, 'b');
  const temps = activationTemps(f);
  const constant = splatConstants(f, t.AT);

  f.i32(0).set(tile);
  f.doWhile(
    () => {
      forChannelVectors(f, channels, c, left, () => {
        f.get(mats).get(c).op('i32.add').set(q);
        for (let k = 0; k < positions; k++) {
          f.get(q).load('v128.load').set(x[k]);
          if (k < positions - 1) f.get(q).get(matrixBytes).op('i32.add').set(q);
        }
        sandwich(f, t.AT, x, tmp, y, constant);
        f.get(bias).get(c).op('i32.add').load('v128.load').set(b);
        for (let k = 0; k < pixels; k++) {
          f.get(y[k]).get(b).op('f32x4.add').set(y[k]);
          if (residual)
            f.get(y[k])
              .get(resPtrs)
              .load('i32.load', 4 * k)
              .get(c)
              .op('i32.add')
              .load('v128.load')
              .op('f32x4.add')
              .set(y[k]);
          emitActivation(f, y[k], activation, temps);
          f.get(outPtrs)
            .load('i32.load', 4 * k)
            .get(c)
            .op('i32.add')
            .set(ptr);
          storePartial4(f, y[k], ptr, left);
        }
      });
      f.addTo(outPtrs, pixels * 4);
      if (residual) f.addTo(resPtrs, pixels * 4);
      f.get(mats).get(rowBytes).op('i32.add').set(mats);
    },
    () => f.get(tile).i32(1).op('i32.add').tee(tile).get(tiles).op('i32.lt_s'),
  );
  return name;
}
