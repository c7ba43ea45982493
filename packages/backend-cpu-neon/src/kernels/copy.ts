/**
 * Strided row copy, the data movement under Concat, Slice and layout changes: `rows` rows of `rowBytes`
 * (a multiple of 4), whole vectors then single floats, never writing past a row.
 */
import { type ModuleBuilder, I32 } from '../wasm/module-builder.js';
import { i32s } from './common.js';

/** `(src, srcStride, dst, dstStride, rows, rowBytes)`, strides in bytes. */
export function emitCopyRows(m: ModuleBuilder): string {
  const name = 'copy_rows';
  const f = m.add(name, i32s(6));
  if (!f) return name;
  const [src, srcStride, dst, dstStride, rows, rowBytes] = f.paramsNamed(
    'src',
    'srcStride',
    'dst',
    'dstStride',
    'rows',
    'rowBytes',
  );
  const r = f.local(I32, 'r');
  const j = f.local(I32, 'j');
  const vecEnd = f.local(I32, 'vecEnd');
  f.get(rowBytes).i32(-16).op('i32.and').set(vecEnd);
  f.forRange(
    r,
    () => f.i32(0),
    rows,
    1,
    () => {
      f.forRange(
        j,
        () => f.i32(0),
        vecEnd,
        16,
        () => {
          f.get(dst).get(j).op('i32.add').get(src).get(j).op('i32.add').load('v128.load').store('v128.store');
        },
      );
      f.forRange(
        j,
        () => f.get(vecEnd),
        rowBytes,
        4,
        () => {
          f.get(dst).get(j).op('i32.add').get(src).get(j).op('i32.add').load('f32.load').store('f32.store');
        },
      );
      f.get(src).get(srcStride).op('i32.add').set(src);
      f.get(dst).get(dstStride).op('i32.add').set(dst);
    },
  );
  return name;
}

/** `(ind, rows, dst, rowBytes)`: dst row r (dense) = the `rowBytes` at address ind[r]. Nearest resize, gathers. */
export function emitGatherRows(m: ModuleBuilder): string {
  const name = 'gather_rows';
  const f = m.add(name, i32s(4));
  if (!f) return name;
  const [ind, rows, dst, rowBytes] = f.paramsNamed('ind', 'rows', 'dst', 'rowBytes');
  const r = f.local(I32, 'r');
  const j = f.local(I32, 'j');
  const src = f.local(I32, 'src');
  const vecEnd = f.local(I32, 'vecEnd');
  f.get(rowBytes).i32(-16).op('i32.and').set(vecEnd);
  f.forRange(
    r,
    () => f.i32(0),
    rows,
    1,
    () => {
      f.get(ind).get(r).i32(2).op('i32.shl', 'i32.add').load('i32.load').set(src);
      f.forRange(
        j,
        () => f.i32(0),
        vecEnd,
        16,
        () => {
          f.get(dst).get(j).op('i32.add').get(src).get(j).op('i32.add').load('v128.load').store('v128.store');
        },
      );
      f.forRange(
        j,
        () => f.get(vecEnd),
        rowBytes,
        4,
        () => {
          f.get(dst).get(j).op('i32.add').get(src).get(j).op('i32.add').load('f32.load').store('f32.store');
        },
      );
      f.get(dst).get(rowBytes).op('i32.add').set(dst);
    },
  );
  return name;
}

/**
 * `(src, dst, d0, d1, d2, d3, s0, s1, s2, s3)`: dst (dense) = src read through 4 loops of byte strides;
 * the innermost copies whole vectors when it is contiguous (s3 = 4), one float at a time otherwise.
 * Transpose, Slice, Split, Expand and layout-changing reshapes are all this copy.
 */
export function emitCopyStrided(m: ModuleBuilder): string {
  const name = 'copy_strided';
  const f = m.add(name, i32s(10));
  if (!f) return name;
  const [src, dst, d0, d1, d2, d3, s0, s1, s2, s3] = f.paramsNamed(
    'src',
    'dst',
    'd0',
    'd1',
    'd2',
    'd3',
    's0',
    's1',
    's2',
    's3',
  );
  const [i0, i1, i2, j, p1, p2, p, vecEnd, rowBytes] = [
    'i0',
    'i1',
    'i2',
    'j',
    'p1',
    'p2',
    'p',
    'vecEnd',
    'rowBytes',
  ].map((n) => f.local(I32, n));
  f.get(d3).i32(2).op('i32.shl').set(rowBytes);
  f.get(rowBytes).i32(-16).op('i32.and').set(vecEnd);
  f.forRange(
    i0,
    () => f.i32(0),
    d0,
    1,
    () => {
      f.get(src).set(p1);
      f.forRange(
        i1,
        () => f.i32(0),
        d1,
        1,
        () => {
          f.get(p1).set(p2);
          f.forRange(
            i2,
            () => f.i32(0),
            d2,
            1,
            () => {
              f.get(p2).set(p);
              f.get(s3)
                .i32(4)
                .op('i32.eq')
                .if(
                  () => {
                    f.forRange(
                      j,
                      () => f.i32(0),
                      vecEnd,
                      16,
                      () => {
                        f.get(dst)
                          .get(j)
                          .op('i32.add')
                          .get(p)
                          .get(j)
                          .op('i32.add')
                          .load('v128.load')
                          .store('v128.store');
                      },
                    );
                    f.forRange(
                      j,
                      () => f.get(vecEnd),
                      rowBytes,
                      4,
                      () => {
                        f.get(dst).get(j).op('i32.add').get(p).get(j).op('i32.add').load('f32.load').store('f32.store');
                      },
                    );
                  },
                  () => {
                    f.forRange(
                      j,
                      () => f.i32(0),
                      rowBytes,
                      4,
                      () => {
                        f.get(dst).get(j).op('i32.add').get(p).load('f32.load').store('f32.store');
                        f.get(p).get(s3).op('i32.add').set(p);
                      },
                    );
                  },
                );
              f.get(dst).get(rowBytes).op('i32.add').set(dst);
              f.get(p2).get(s2).op('i32.add').set(p2);
            },
          );
          f.get(p1).get(s1).op('i32.add').set(p1);
        },
      );
      f.get(src).get(s0).op('i32.add').set(src);
    },
  );
  return name;
}
