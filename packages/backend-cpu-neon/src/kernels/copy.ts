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
  const [src, srcStride, dst, dstStride, rows, rowBytes] = f.paramsNamed('src', 'srcStride', 'dst', 'dstStride', 'rows', 'rowBytes');
  const r = f.local(I32, 'r');
  const j = f.local(I32, 'j');
  const vecEnd = f.local(I32, 'vecEnd');
  f.get(rowBytes).i32(-16).op('i32.and').set(vecEnd);
  f.forRange(r, () => f.i32(0), rows, 1, () => {
    f.forRange(j, () => f.i32(0), vecEnd, 16, () => {
      f.get(dst).get(j).op('i32.add').get(src).get(j).op('i32.add').load('v128.load').store('v128.store');
    });
    f.forRange(j, () => f.get(vecEnd), rowBytes, 4, () => {
      f.get(dst).get(j).op('i32.add').get(src).get(j).op('i32.add').load('f32.load').store('f32.store');
    });
    f.get(src).get(srcStride).op('i32.add').set(src);
    f.get(dst).get(dstStride).op('i32.add').set(dst);
  });
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
  f.forRange(r, () => f.i32(0), rows, 1, () => {
    f.get(ind).get(r).i32(2).op('i32.shl', 'i32.add').load('i32.load').set(src);
    f.forRange(j, () => f.i32(0), vecEnd, 16, () => {
      f.get(dst).get(j).op('i32.add').get(src).get(j).op('i32.add').load('v128.load').store('v128.store');
    });
    f.forRange(j, () => f.get(vecEnd), rowBytes, 4, () => {
      f.get(dst).get(j).op('i32.add').get(src).get(j).op('i32.add').load('f32.load').store('f32.store');
    });
    f.get(dst).get(rowBytes).op('i32.add').set(dst);
  });
  return name;
}
