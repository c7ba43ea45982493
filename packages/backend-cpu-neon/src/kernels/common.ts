/**
 * Pieces every kernel generator shares: the reserved start of memory, multiply-add (relaxed FMA or
 * mul+add), stores of a partial vector at the end of a row, and the loop over a row's channel vectors.
 */
import type { Features } from '../wasm/features.js';
import { type FunctionBuilder, I32, type Local } from '../wasm/module-builder.js';

/** Where tensors may start: bytes below are never used, so a null pointer stays an error to spot. */
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
 * Stores the first `n` (an i32 local; nothing when n <= 0, all four when n >= 4) floats of v at
 * `ptr + offset` with lane stores. No scratch memory: threads run kernels side by side on one memory.
 */
function storeFirst(f: FunctionBuilder, v: Local, ptr: Local, n: Local, offset: number): void {
  f.get(n)
    .i32(4)
    .op('i32.ge_s')
    .if(
      () => f.get(ptr).get(v).store('v128.store', offset),
      () =>
        f
          .get(n)
          .i32(2)
          .op('i32.ge_s')
          .if(
            () => {
              f.get(ptr).get(v).lane('v128.store64_lane', 0, offset);
              f.get(n)
                .i32(3)
                .op('i32.eq')
                .if(() =>
                  f
                    .get(ptr)
                    .get(v)
                    .lane('v128.store32_lane', 2, offset + 8),
                );
            },
            () =>
              f
                .get(n)
                .i32(1)
                .op('i32.eq')
                .if(() => f.get(ptr).get(v).lane('v128.store32_lane', 0, offset)),
          ),
    );
}

/** Stores the first `count` (1..8, an i32 local) floats of v0:v1 at `ptr`; `i` is a scratch i32 local. */
export function storePartial8(f: FunctionBuilder, v0: Local, v1: Local, ptr: Local, count: Local, i: Local): void {
  f.get(count)
    .i32(4)
    .op('i32.ge_s')
    .if(
      () => {
        f.get(ptr).get(v0).store('v128.store');
        f.get(count).i32(4).op('i32.sub').set(i);
        storeFirst(f, v1, ptr, i, 16);
      },
      () => storeFirst(f, v0, ptr, count, 0),
    );
}

/** Stores the first `count` (1..4, an i32 local) floats of v at `ptr`. */
export function storePartial4(f: FunctionBuilder, v: Local, ptr: Local, count: Local): void {
  storeFirst(f, v, ptr, count, 0);
}

/**
 * Emits `c = 0; left = channels; do { body(); c += 16 } while ((left -= 4) > 0)`: a row's channels four at
 * a time, `c` their byte offset and `left` the channels not yet stored, so that the body stores the last,
 * partial vector with {@link storePartial4}. Runs the body once even for no channels.
 */
export function forChannelVectors(f: FunctionBuilder, channels: Local, c: Local, left: Local, body: () => void): void {
  f.i32(0).set(c);
  f.get(channels).set(left);
  f.doWhile(
    () => {
      body();
      f.addTo(c, 16);
    },
    () => f.get(left).i32(4).op('i32.sub').tee(left).i32(0).op('i32.gt_s'),
  );
}

/** The i32 parameter types of a kernel with `n` pointer/size parameters. */
export const i32s = (n: number) => new Array<typeof I32>(n).fill(I32);
