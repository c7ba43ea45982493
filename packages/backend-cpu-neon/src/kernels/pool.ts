/**
 * Pooling in NHWC. Windowed pools read `taps` pointers per output pixel from an indirection buffer: for
 * max pooling a padded tap repeats a valid one (max is idempotent), for average pooling it points to the
 * zero row and a per-pixel scale (1/count) divides. Global pools reduce all pixels of each image.
 */
import { type FunctionBuilder, type Local, type ModuleBuilder, I32, V128 } from '../wasm/module-builder.js';
import { forChannelVectors, i32s, storePartial4 } from './common.js';

export type PoolKind = 'max' | 'avg';

function combine(f: FunctionBuilder, kind: PoolKind, acc: Local): void {
  f.get(acc)
    .op(kind === 'max' ? 'f32x4.max' : 'f32x4.add')
    .set(acc);
}

/** Locals one output pixel's channel loops share. */
interface PixelLocals {
  ip: Local;
  ipEnd: Local;
  c: Local;
  t: Local;
  x: Local;
}

/**
 * accs[k] = max or sum over the pixel's taps of the 4 floats at tap + c + 16k, starting from the
 * identity (-Infinity or 0): each tap pointer is loaded once for all of `accs`. Max is f32x4.max, where
 * NaN wins (docs/numerics.md): one FMAX on NEON, a few instructions on x64.
 */
function reduceTaps(f: FunctionBuilder, kind: PoolKind, l: PixelLocals, identity: Local, accs: Local[]): void {
  for (const acc of accs) f.get(identity).set(acc);
  f.get(l.ip).set(l.t);
  f.doWhile(
    () => {
      f.get(l.t).load('i32.load').get(l.c).op('i32.add').set(l.x);
      accs.forEach((acc, k) =>
        f
          .get(acc)
          .get(l.x)
          .load('v128.load', 16 * k)
          .op(kind === 'max' ? 'f32x4.max' : 'f32x4.add')
          .set(acc),
      );
      f.addTo(l.t, 4);
    },
    () => f.get(l.t).get(l.ipEnd).op('i32.ne'),
  );
}

/**
 * `(ind, pixels, taps, out, channels, scales)`; `scales` (avg only) holds one f32 per pixel. Per pixel,
 * channels go in blocks of 16 (4 accumulators per tap pointer) while 16 remain, then by 4 with a
 * partial store at the end of the row.
 */
export function emitPool(m: ModuleBuilder, kind: PoolKind): string {
  const name = `pool_${kind}`;
  const f = m.add(name, i32s(6));
  if (!f) return name;
  const [ind, pixels, taps, out, channels, scales] = f.paramsNamed(
    'ind',
    'pixels',
    'taps',
    'out',
    'channels',
    'scales',
  );
  const p = f.local(I32, 'p');
  const l: PixelLocals = {
    ip: f.local(I32, 'ip'),
    ipEnd: f.local(I32, 'ipEnd'),
    c: f.local(I32, 'c'),
    t: f.local(I32, 't'),
    x: f.local(I32, 'x'),
  };
  const left = f.local(I32, 'left');
  const op = f.local(I32, 'op');
  const accs = ['acc0', 'acc1', 'acc2', 'acc3'].map((n) => f.local(V128, n));
  const scale = f.local(V128, 'scale');
  const identity = f.local(V128, 'identity');
  const scaled = (acc: Local) => {
    if (kind === 'avg') f.get(acc).get(scale).op('f32x4.mul').set(acc);
  };

  f.f32x4(kind === 'max' ? Number.NEGATIVE_INFINITY : 0).set(identity);
  f.get(ind).set(l.ip);
  f.get(out).set(op);
  f.i32(0).set(p);
  f.doWhile(
    () => {
      f.get(l.ip).get(taps).i32(2).op('i32.shl', 'i32.add').set(l.ipEnd);
      if (kind === 'avg') f.get(scales).get(p).i32(2).op('i32.shl', 'i32.add').load('v128.load32_splat').set(scale);
      f.i32(0).set(l.c);
      f.get(channels).set(left);
      f.get(left)
        .i32(16)
        .op('i32.ge_s')
        .if(() =>
          f.doWhile(
            () => {
              reduceTaps(f, kind, l, identity, accs);
              accs.forEach((acc, k) => {
                scaled(acc);
                f.get(op)
                  .get(acc)
                  .store('v128.store', 16 * k);
              });
              f.addTo(op, 64);
              f.addTo(l.c, 64);
            },
            () => f.get(left).i32(16).op('i32.sub').tee(left).i32(16).op('i32.ge_s'),
          ),
        );
      f.get(left)
        .i32(0)
        .op('i32.gt_s')
        .if(() => {
          f.doWhile(
            () => {
              reduceTaps(f, kind, l, identity, [accs[0]]);
              scaled(accs[0]);
              storePartial4(f, accs[0], op, left);
              f.addTo(op, 16);
              f.addTo(l.c, 16);
            },
            () => f.get(left).i32(4).op('i32.sub').tee(left).i32(0).op('i32.gt_s'),
          );
          // op overshot by the padding of the last vector: rewind to the next pixel.
          f.get(op).get(left).i32(2).op('i32.shl', 'i32.add').set(op);
        });
      f.get(l.ipEnd).set(l.ip);
    },
    () => f.get(p).i32(1).op('i32.add').tee(p).get(pixels).op('i32.lt_s'),
  );
  return name;
}

/** `(in, images, pixels, channels, out)`: out[n, c] = mean or max over the pixels of image n. */
export function emitGlobalPool(m: ModuleBuilder, kind: PoolKind): string {
  const name = `global_pool_${kind}`;
  const f = m.add(name, i32s(5));
  if (!f) return name;
  const [input, images, pixels, channels, out] = f.paramsNamed('input', 'images', 'pixels', 'channels', 'out');
  const n = f.local(I32, 'n');
  const c = f.local(I32, 'c');
  const left = f.local(I32, 'left');
  const x = f.local(I32, 'x');
  const xEnd = f.local(I32, 'xEnd');
  const rowBytes = f.local(I32, 'rowBytes');
  const op = f.local(I32, 'op');
  const acc = f.local(V128, 'acc');

  f.get(channels).i32(2).op('i32.shl').set(rowBytes);
  f.get(out).set(op);
  f.i32(0).set(n);
  f.doWhile(
    () => {
      forChannelVectors(f, channels, c, left, () => {
        f.get(input).get(c).op('i32.add').tee(x).load('v128.load').set(acc);
        f.get(x).get(rowBytes).get(pixels).op('i32.mul', 'i32.add').set(xEnd);
        f.block(() =>
          f.loop(() => {
            f.get(x).get(rowBytes).op('i32.add').tee(x).get(xEnd).op('i32.ge_u').brIf(1);
            f.get(x).load('v128.load');
            combine(f, kind, acc);
            f.br(0);
          }),
        );
        if (kind === 'avg')
          f.get(acc).f32x4(1).get(pixels).op('f32.convert_i32_s', 'f32x4.splat', 'f32x4.div', 'f32x4.mul').set(acc);
        storePartial4(f, acc, op, left);
        f.addTo(op, 16);
      });
      f.get(op).get(left).i32(2).op('i32.shl', 'i32.add').set(op);
      f.get(input).get(rowBytes).get(pixels).op('i32.mul', 'i32.add').set(input);
    },
    () => f.get(n).i32(1).op('i32.add').tee(n).get(images).op('i32.lt_s'),
  );
  return name;
}
