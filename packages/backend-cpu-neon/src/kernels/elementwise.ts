/**
 * Elementwise kernels. Binary ops take broadcasting as up to three loops over the output's physical
 * layout with per-input byte strides; the innermost loop is vectorized, and an input whose inner stride
 * is 0 is splatted. Rows are written whole vectors at a time: a row's last vector may spill into the next
 * row, which is written after it (tensors carry 16 bytes of slack for the last one). Unary activations
 * run flat over the tensor.
 */
import { type ModuleBuilder, I32, V128 } from '../wasm/module-builder.js';
import { type Activation, activationKey, activationTemps, emitActivation } from './activation.js';
import { i32s } from './common.js';

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div';

export interface BinaryVariant {
  op: BinaryOp;
  /** The input's innermost stride is 0: one value splatted over the row. */
  aSplat: boolean;
  bSplat: boolean;
  activation: Activation;
}

/**
 * `(a, b, out, d0, d1, d2, as0, as1, bs0, bs1)`: out[i0, i1, j] = a[i0*as0 + i1*as1 + j] op b[...],
 * strides in bytes, output dense.
 */
export function emitBinary(m: ModuleBuilder, v: BinaryVariant): string {
  const name = `binary_${v.op}_${v.aSplat ? 's' : 'v'}${v.bSplat ? 's' : 'v'}_${activationKey(v.activation)}`;
  const f = m.add(name, i32s(10));
  if (!f) return name;
  const [a, b, out, d0, d1, d2, as0, as1, bs0, bs1] = f.paramsNamed(
    'a',
    'b',
    'out',
    'd0',
    'd1',
    'd2',
    'as0',
    'as1',
    'bs0',
    'bs1',
  );
  const i0 = f.local(I32, 'i0');
  const i1 = f.local(I32, 'i1');
  const pa1 = f.local(I32, 'pa1');
  const pb1 = f.local(I32, 'pb1');
  const pa = f.local(I32, 'pa');
  const pb = f.local(I32, 'pb');
  const po = f.local(I32, 'po');
  const rowEnd = f.local(I32, 'rowEnd');
  const rowBytes = f.local(I32, 'rowBytes');
  const x = f.local(V128, 'x');
  const temps = activationTemps(f);

  f.get(d2).i32(2).op('i32.shl').set(rowBytes);
  f.get(out).set(po);
  f.i32(0).set(i0);
  f.doWhile(
    () => {
      f.get(a).set(pa1);
      f.get(b).set(pb1);
      f.i32(0).set(i1);
      f.doWhile(
        () => {
          f.get(pa1).set(pa);
          f.get(pb1).set(pb);
          f.get(po).get(rowBytes).op('i32.add').set(rowEnd);
          f.doWhile(
            () => {
              f.get(pa).load(v.aSplat ? 'v128.load32_splat' : 'v128.load');
              f.get(pb).load(v.bSplat ? 'v128.load32_splat' : 'v128.load');
              f.op(`f32x4.${v.op}`).set(x);
              emitActivation(f, x, v.activation, temps);
              f.get(po).get(x).store('v128.store');
              if (!v.aSplat) f.addTo(pa, 16);
              if (!v.bSplat) f.addTo(pb, 16);
              f.addTo(po, 16);
            },
            () => f.get(po).get(rowEnd).op('i32.lt_u'),
          );
          f.get(rowEnd).set(po);
          f.get(pa1).get(as1).op('i32.add').set(pa1);
          f.get(pb1).get(bs1).op('i32.add').set(pb1);
        },
        () => f.get(i1).i32(1).op('i32.add').tee(i1).get(d1).op('i32.lt_s'),
      );
      f.get(a).get(as0).op('i32.add').set(a);
      f.get(b).get(bs0).op('i32.add').set(b);
    },
    () => f.get(i0).i32(1).op('i32.add').tee(i0).get(d0).op('i32.lt_s'),
  );
  return name;
}

/** `(x, out, n)`: out = activation(x) over n floats (rounded up to whole vectors). */
export function emitUnary(m: ModuleBuilder, activation: Activation): string {
  const name = `unary_${activationKey(activation)}`;
  const f = m.add(name, i32s(3));
  if (!f) return name;
  const [x, out, n] = f.paramsNamed('x', 'out', 'n');
  const end = f.local(I32, 'end');
  const v = f.local(V128, 'v');
  const temps = activationTemps(f);
  f.get(x).get(n).i32(2).op('i32.shl', 'i32.add').set(end);
  f.doWhile(
    () => {
      f.get(x).load('v128.load').set(v);
      emitActivation(f, v, activation, temps);
      f.get(out).get(v).store('v128.store');
      f.addTo(x, 16);
      f.addTo(out, 16);
    },
    () => f.get(x).get(end).op('i32.lt_u'),
  );
  return name;
}
