/**
 * Depthwise convolution in NHWC: per output pixel, `taps` pointers (input pixel or zero row) from an
 * indirection buffer; channels in tiles of 8 against weights packed [bias x8, tap0 x8, ...] per tile;
 * bias and activation fused. Memory-bound, so one pass and no temporaries.
 */
import { type ModuleBuilder, I32, V128 } from '../wasm/module-builder.js';
import { type Activation, activationKey, activationTemps, emitActivation } from './activation.js';
import { type KernelTarget, i32s, madd, storePartial8 } from './common.js';

/**
 * Emits (once) the depthwise kernel for `activation`; returns its name. Signature
 * `(ind, pixels, taps, w, out, channels)`: `ind` holds `taps` pointers per output pixel.
 */
export function emitDepthwise(m: ModuleBuilder, target: KernelTarget, activation: Activation): string {
  const name = `dwconv_8_${activationKey(activation)}${target.features.relaxedSimd ? '_fma' : ''}`;
  const f = m.add(name, i32s(6));
  if (!f) return name;
  const [ind, pixels, taps, w, out, channels] = f.paramsNamed('ind', 'pixels', 'taps', 'w', 'out', 'channels');
  const p = f.local(I32, 'p');
  const ip = f.local(I32, 'ip');
  const ipEnd = f.local(I32, 'ipEnd');
  const wp = f.local(I32, 'wp');
  const c = f.local(I32, 'c');
  const left = f.local(I32, 'left');
  const t = f.local(I32, 't');
  const x = f.local(I32, 'x');
  const op = f.local(I32, 'op');
  const i = f.local(I32, 'i');
  const [acc0, acc1, x0, x1, w0, w1] = ['acc0', 'acc1', 'x0', 'x1', 'w0', 'w1'].map((n) => f.local(V128, n));
  const temps = activationTemps(f);

  f.get(ind).set(ip);
  f.get(out).set(op);
  f.i32(0).set(p);
  f.doWhile(
    () => {
      f.get(ip).get(taps).i32(2).op('i32.shl', 'i32.add').set(ipEnd);
      f.get(w).set(wp);
      f.i32(0).set(c);
      f.get(channels).set(left);
      f.doWhile(
        () => {
          f.get(wp).load('v128.load').set(acc0);
          f.get(wp).load('v128.load', 16).set(acc1);
          f.addTo(wp, 32);
          f.get(ip).set(t);
          f.doWhile(
            () => {
              f.get(t).load('i32.load').get(c).op('i32.add').set(x);
              f.get(x).load('v128.load').set(x0);
              f.get(x).load('v128.load', 16).set(x1);
              f.get(wp).load('v128.load').set(w0);
              f.get(wp).load('v128.load', 16).set(w1);
              madd(f, target, x0, w0, acc0);
              madd(f, target, x1, w1, acc1);
              f.addTo(wp, 32);
              f.addTo(t, 4);
            },
            () => f.get(t).get(ipEnd).op('i32.ne'),
          );
          emitActivation(f, acc0, activation, temps);
          emitActivation(f, acc1, activation, temps);
          storePartial8(f, acc0, acc1, op, left, i);
          f.addTo(op, 32);
          f.addTo(c, 32);
        },
        () => f.get(left).i32(8).op('i32.sub').tee(left).i32(0).op('i32.gt_s'),
      );
      // op overshot by the padding of the last tile: rewind to the next pixel.
      f.get(op).get(left).i32(2).op('i32.shl', 'i32.add').set(op);
      f.get(ipEnd).set(ip);
    },
    () => f.get(p).i32(1).op('i32.add').tee(p).get(pixels).op('i32.lt_s'),
  );
  return name;
}
