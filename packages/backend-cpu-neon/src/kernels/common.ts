/**
 * Pieces every kernel generator shares: the fixed scratch area, multiply-add (relaxed FMA or mul+add),
 * and stores of a partial vector at the end of a row.
 */
import type { Features } from '../wasm/features.js';
import { type FunctionBuilder, I32, type Local } from '../wasm/module-builder.js';

/**
 * Bytes [0, 16) of every kernel memory are never used (a null pointer stays an error to spot);
 * [16, 16 + SCRATCH_BYTES) is scratch for partial stores.
 */
export const SCRATCH = 16;
export const SCRATCH_BYTES = 64;
/** Where tensors may start. */
export const RESERVED_BYTES = 128;

/** What a kernel generator needs to know about the target. */
export interface KernelTarget {
  features: Features;
}

/** acc = a * b + acc, with relaxed FMA when the engine has it. */
export function madd(f: FunctionBuilder, target: KernelTarget, a: Local, b: Local, acc: Local): void {
  if (target.features.relaxedSimd) f.get(a).get(b).get(acc).op('f32x4.relaxed_madd').set(acc);
  else f.get(acc).get(a).get(b).op('f32x4.mul', 'f32x4.add').set(acc);
}

/**
 * Stores the first `count` (1..8, an i32 local) floats of v0:v1 at `ptr`: two vector stores when all 8
 * are wanted, otherwise through the scratch area, one float at a time.
 */
export function storePartial8(f: FunctionBuilder, v0: Local, v1: Local, ptr: Local, count: Local, i: Local): void {
  f.get(count).i32(8).op('i32.ge_s').if(
    () => {
      f.get(ptr).get(v0).store('v128.store');
      f.get(ptr).get(v1).store('v128.store', 16);
    },
    () => {
      f.i32(SCRATCH).get(v0).store('v128.store');
      f.i32(SCRATCH).get(v1).store('v128.store', 16);
      copyFloats(f, SCRATCH, ptr, count, i);
    },
  );
}

/** Stores the first `count` (1..4) floats of v at `ptr`. */
export function storePartial4(f: FunctionBuilder, v: Local, ptr: Local, count: Local, i: Local): void {
  f.get(count).i32(4).op('i32.ge_s').if(
    () => f.get(ptr).get(v).store('v128.store'),
    () => {
      f.i32(SCRATCH).get(v).store('v128.store');
      copyFloats(f, SCRATCH, ptr, count, i);
    },
  );
}

/** for (i = 0; i < count; i++) dst[i] = src[i], floats; src is a constant address. */
function copyFloats(f: FunctionBuilder, src: number, dst: Local, count: Local, i: Local): void {
  f.forRange(i, () => f.i32(0), count, 1, () => {
    f.get(dst).get(i).i32(2).op('i32.shl', 'i32.add');
    f.get(i).i32(2).op('i32.shl').load('f32.load', src);
    f.store('f32.store');
  });
}

/** The i32 parameter types of a kernel with `n` pointer/size parameters. */
export const i32s = (n: number) => new Array<typeof I32>(n).fill(I32);
