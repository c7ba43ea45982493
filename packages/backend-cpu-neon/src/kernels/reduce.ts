/**
 * Reductions over the middle axis of a stored [outer, n, inner] tensor: sum, mean and max. With
 * inner = 1 (a reduction over the last stored axes, LayerNorm's mean) each row is reduced in vectors with
 * a masked tail and then across lanes; otherwise whole vectors of `inner` accumulate down the n rows.
 */
import { type FunctionBuilder, I32, type Local, type ModuleBuilder, V128 } from '../wasm/module-builder.js';
import { i32s, storePartial4 } from './common.js';

export type ReduceKind = 'sum' | 'mean' | 'max';

const identity = (kind: ReduceKind) => (kind === 'max' ? Number.NEGATIVE_INFINITY : 0);
const combineOp = (kind: ReduceKind) => (kind === 'max' ? 'f32x4.max' : 'f32x4.add');

/** acc = acc (op) the v128 on the stack. */
function combine(f: FunctionBuilder, kind: ReduceKind, acc: Local): void {
  f.get(acc).op(combineOp(kind)).set(acc);
}

/** `(x, out, outer, n, inner)`: out[o, i] = reduce over k of x[o, k, i]. */
export function emitReduce(m: ModuleBuilder, kind: ReduceKind): string {
  const name = `reduce_${kind}`;
  const f = m.add(name, i32s(5));
  if (!f) return name;
  const [x, out, outer, n, inner] = f.paramsNamed('x', 'out', 'outer', 'n', 'inner');
  const [o, k, j, p, left, rowBytes] = ['o', 'k', 'j', 'p', 'left', 'rowBytes'].map((s) => f.local(I32, s));
  const acc = f.local(V128, 'acc');
  const scale = () => {
    if (kind === 'mean')
      f.get(acc).f32x4(1).get(n).op('f32.convert_i32_s', 'f32x4.splat', 'f32x4.div', 'f32x4.mul').set(acc);
  };
  f.get(inner).i32(2).op('i32.shl').set(rowBytes);
  f.get(inner)
    .i32(1)
    .op('i32.eq')
    .if(
      () => {
        // Rows of n: lanes past the row read as the identity.
        f.forRange(
          o,
          () => f.i32(0),
          outer,
          1,
          () => {
            f.f32x4(identity(kind)).set(acc);
            f.forRange(
              j,
              () => f.i32(0),
              n,
              4,
              () => {
                f.get(x).get(j).i32(2).op('i32.shl', 'i32.add').load('v128.load').f32x4(identity(kind));
                f.i32x4([0, 1, 2, 3]).get(n).get(j).op('i32.sub', 'i32x4.splat', 'i32x4.lt_s', 'v128.bitselect');
                combine(f, kind, acc);
              },
            );
            const lane = (l: number) => f.get(acc).lane('f32x4.extract_lane', l);
            const scalar = kind === 'max' ? 'f32.max' : 'f32.add';
            lane(0);
            lane(1);
            f.op(scalar);
            lane(2);
            lane(3);
            f.op(scalar, scalar, 'f32x4.splat').set(acc);
            scale();
            f.get(out).get(acc).lane('f32x4.extract_lane', 0).store('f32.store');
            f.addTo(out, 4);
            f.get(x).get(n).i32(2).op('i32.shl', 'i32.add').set(x);
          },
        );
      },
      () => {
        f.forRange(
          o,
          () => f.i32(0),
          outer,
          1,
          () => {
            f.get(inner).set(left);
            f.forRange(
              j,
              () => f.i32(0),
              rowBytes,
              16,
              () => {
                f.get(x).get(j).op('i32.add').tee(p).load('v128.load').set(acc);
                f.forRange(
                  k,
                  () => f.i32(1),
                  n,
                  1,
                  () => {
                    f.get(p).get(rowBytes).op('i32.add').tee(p).load('v128.load');
                    combine(f, kind, acc);
                  },
                );
                scale();
                f.get(out).get(j).op('i32.add').set(p);
                storePartial4(f, acc, p, left);
                f.get(left).i32(4).op('i32.sub').set(left);
              },
            );
            f.get(out).get(rowBytes).op('i32.add').set(out);
            f.get(x).get(rowBytes).get(n).op('i32.mul', 'i32.add').set(x);
          },
        );
      },
    );
  return name;
}
