/**
 * Packing a runtime right-hand side for the igemm kernel (MatMul of two runtime tensors): per panel of 8
 * columns, 8 zero biases, then K rows of 8 values; columns past N are zero.
 */
import { type ModuleBuilder, I32, V128 } from '../wasm/module-builder.js';
import { i32s } from './common.js';

/** `(b, ldb, K, N, dst)`: B is K rows of N floats, `ldb` bytes apart. */
export function emitPackPanels(m: ModuleBuilder): string {
  const name = 'pack_panels';
  const f = m.add(name, i32s(5));
  if (!f) return name;
  const [b, ldb, K, N, dst] = f.paramsNamed('b', 'ldb', 'K', 'N', 'dst');
  const [n0, k, src, width, j] = ['n0', 'k', 'src', 'width', 'j'].map((s) => f.local(I32, s));
  const zero = f.local(V128, 'zero');
  f.f32x4(0).set(zero);
  f.forRange(
    n0,
    () => f.i32(0),
    N,
    8,
    () => {
      f.get(dst).get(zero).store('v128.store');
      f.get(dst).get(zero).store('v128.store', 16);
      f.addTo(dst, 32);
      f.get(N).get(n0).op('i32.sub').set(width);
      f.get(b).get(n0).i32(2).op('i32.shl', 'i32.add').set(src);
      f.forRange(
        k,
        () => f.i32(0),
        K,
        1,
        () => {
          f.get(width)
            .i32(8)
            .op('i32.ge_s')
            .if(
              () => {
                f.get(dst).get(src).load('v128.load').store('v128.store');
                f.get(dst).get(src).load('v128.load', 16).store('v128.store', 16);
              },
              () => {
                f.get(dst).get(zero).store('v128.store');
                f.get(dst).get(zero).store('v128.store', 16);
                f.forRange(
                  j,
                  () => f.i32(0),
                  width,
                  1,
                  () => {
                    f.get(dst).get(j).i32(2).op('i32.shl', 'i32.add');
                    f.get(src).get(j).i32(2).op('i32.shl', 'i32.add').load('f32.load');
                    f.store('f32.store');
                  },
                );
              },
            );
          f.addTo(dst, 32);
          f.get(src).get(ldb).op('i32.add').set(src);
        },
      );
    },
  );
  return name;
}
