/**
 * Weighted gather of whole NHWC pixels, the kernel under linear and cubic Resize: each output pixel is
 * the sum of `taps` input pixels (pointers from an indirection buffer) times per-tap weights.
 */
import { type ModuleBuilder, I32, V128 } from '../wasm/module-builder.js';
import { type KernelTarget, i32s, madd, storePartial4 } from './common.js';

/** `(ind, weights, pixels, taps, out, channels)`: `taps` pointers and f32 weights per output pixel. */
export function emitWeightedGather(m: ModuleBuilder, target: KernelTarget): string {
  const name = `weighted_gather${target.features.relaxedSimd ? '_fma' : ''}`;
  const f = m.add(name, i32s(6));
  if (!f) return name;
  const [ind, weights, pixels, taps, out, channels] = f.paramsNamed(
    'ind',
    'weights',
    'pixels',
    'taps',
    'out',
    'channels',
  );
  const [p, c, left, t, i, tapBytes] = ['p', 'c', 'left', 't', 'i', 'tapBytes'].map((s) => f.local(I32, s));
  const [acc, x, w] = ['acc', 'x', 'w'].map((s) => f.local(V128, s));
  f.get(taps).i32(2).op('i32.shl').set(tapBytes);
  f.forRange(
    p,
    () => f.i32(0),
    pixels,
    1,
    () => {
      f.get(channels).set(left);
      f.forRange(
        c,
        () => f.i32(0),
        channels,
        4,
        () => {
          f.f32x4(0).set(acc);
          f.forRange(
            t,
            () => f.i32(0),
            tapBytes,
            4,
            () => {
              f.get(ind)
                .get(t)
                .op('i32.add')
                .load('i32.load')
                .get(c)
                .i32(2)
                .op('i32.shl', 'i32.add')
                .load('v128.load')
                .set(x);
              f.get(weights).get(t).op('i32.add').load('v128.load32_splat').set(w);
              madd(f, target, x, w, acc);
            },
          );
          f.get(out).get(c).i32(2).op('i32.shl', 'i32.add').set(i);
          storePartial4(f, acc, i, left);
          f.get(left).i32(4).op('i32.sub').set(left);
        },
      );
      f.get(ind).get(tapBytes).op('i32.add').set(ind);
      f.get(weights).get(tapBytes).op('i32.add').set(weights);
      f.get(out).get(channels).i32(2).op('i32.shl', 'i32.add').set(out);
    },
  );
  return name;
}
