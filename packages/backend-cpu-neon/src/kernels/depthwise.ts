/**
 * Depthwise convolution in NHWC: per output pixel, `taps` pointers (input pixel or zero row) from an
 * indirection buffer; channels in tiles of 8 against weights packed [bias x8, tap0 x8, ...] per tile;
 * bias and activation fused. One pass and no temporaries.
 */
import { type ModuleBuilder, I32, V128 } from '../wasm/module-builder.js';
import { type Activation, activationKey, activationTemps, emitActivation } from './activation.js';
import { type KernelTarget, i32s, madd, storePartial8 } from './common.js';

/**
 * Output pixels per group. On PP-OCRv4 rec (x64), depthwise time went 5.0 -> 3.5 ms from 1 to 2;
 * 3 was within noise of 2, and 4 slower (16+ live vectors spill).
 */
const ROWS = 2;

/**
 * Emits (once) the depthwise kernel for `activation`; returns its name. Signature
 * `(ind, pixels, taps, w, out, channels)`: `ind` holds `taps` pointers per output pixel. Pixels go
 * ROWS at a time: each weight load serves all of them, and their accumulators give the FMA chains (one
 * add per tap into each) room to overlap; the last pixels go one by one.
 */
export function emitDepthwise(m: ModuleBuilder, target: KernelTarget, activation: Activation): string {
  const name = `dwconv_${ROWS}x8_${activationKey(activation)}${target.features.relaxedSimd ? '_fma' : ''}`;
  const f = m.add(name, i32s(6));
  if (!f) return name;
  const [ind, pixels, taps, w, out, channels] = f.paramsNamed('ind', 'pixels', 'taps', 'w', 'out', 'channels');
  const [p, ip, ipEnd, tapBytes, pixelBytes, wp, c, left, t, op, q, i] = [
    'p',
    'ip',
    'ipEnd',
    'tapBytes',
    'pixelBytes',
    'wp',
    'c',
    'left',
    't',
    'op',
    'q',
    'i',
  ].map((n) => f.local(I32, n));
  const x = Array.from({ length: ROWS }, (_, r) => f.local(I32, `x${r}`));
  const acc = Array.from({ length: 2 * ROWS }, (_, k) => f.local(V128, `acc${k >> 1}_${k & 1}`));
  const [w0, w1, v] = ['w0', 'w1', 'v'].map((n) => f.local(V128, n));
  const temps = activationTemps(f);

  /** Output pixels p .. p + rows - 1: all channel tiles, then ip and op move past them. */
  const pixelGroup = (rows: number) => {
    f.get(ip).get(tapBytes).op('i32.add').set(ipEnd);
    f.get(w).set(wp);
    f.i32(0).set(c);
    f.get(channels).set(left);
    f.doWhile(
      () => {
        f.get(wp).load('v128.load').set(acc[0]);
        f.get(wp).load('v128.load', 16).set(acc[1]);
        for (let r = 1; r < rows; r++)
          f.get(acc[0])
            .set(acc[2 * r])
            .get(acc[1])
            .set(acc[2 * r + 1]);
        f.addTo(wp, 32);
        f.get(ip).set(t);
        f.doWhile(
          () => {
            // Pixel r's pointers follow pixel r-1's.
            f.get(t).set(q);
            for (let r = 0; r < rows; r++) {
              if (r > 0) f.get(q).get(tapBytes).op('i32.add').set(q);
              f.get(q).load('i32.load').get(c).op('i32.add').set(x[r]);
            }
            f.get(wp).load('v128.load').set(w0);
            f.get(wp).load('v128.load', 16).set(w1);
            for (let r = 0; r < rows; r++) {
              f.get(x[r]).load('v128.load').set(v);
              madd(f, target, v, w0, acc[2 * r]);
              f.get(x[r]).load('v128.load', 16).set(v);
              madd(f, target, v, w1, acc[2 * r + 1]);
            }
            f.addTo(wp, 32);
            f.addTo(t, 4);
          },
          () => f.get(t).get(ipEnd).op('i32.ne'),
        );
        for (let r = 0; r < rows; r++) {
          emitActivation(f, acc[2 * r], activation, temps);
          emitActivation(f, acc[2 * r + 1], activation, temps);
          f.get(op).get(pixelBytes).i32(r).op('i32.mul', 'i32.add').set(q);
          storePartial8(f, acc[2 * r], acc[2 * r + 1], q, left, i);
        }
        f.addTo(op, 32);
        f.addTo(c, 32);
      },
      () => f.get(left).i32(8).op('i32.sub').tee(left).i32(0).op('i32.gt_s'),
    );
    // op overshot the first pixel by the padding of its last tile: on to the pixel after the group.
    f.get(op).get(left).i32(2).op('i32.shl', 'i32.add').set(op);
    if (rows > 1)
      f.get(op)
        .get(pixelBytes)
        .i32(rows - 1)
        .op('i32.mul', 'i32.add')
        .set(op);
    f.get(ip).get(tapBytes).i32(rows).op('i32.mul', 'i32.add').set(ip);
  };

  f.get(taps).i32(2).op('i32.shl').set(tapBytes);
  f.get(channels).i32(2).op('i32.shl').set(pixelBytes);
  f.get(ind).set(ip);
  f.get(out).set(op);
  f.i32(0).set(p);
  f.block(() =>
    f.loop(() => {
      f.get(p).i32(ROWS).op('i32.add').get(pixels).op('i32.gt_s').brIf(1);
      pixelGroup(ROWS);
      f.addTo(p, ROWS).br(0);
    }),
  );
  f.block(() =>
    f.loop(() => {
      f.get(p).get(pixels).op('i32.ge_s').brIf(1);
      pixelGroup(1);
      f.addTo(p, 1).br(0);
    }),
  );
  return name;
}
