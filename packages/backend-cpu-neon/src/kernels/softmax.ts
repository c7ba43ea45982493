/**
 * Softmax over contiguous rows: max, then exp(x - max) and its sum, then a scale by 1 / sum. The last
 * vector of a row is masked (lanes past the row read as -inf and add nothing), so any row length works.
 */
import { type FunctionBuilder, I32, type Local, type ModuleBuilder, V128 } from '../wasm/module-builder.js';
import { emitExp } from './activation.js';
import { i32s } from './common.js';

/** Leaves on the stack the lanes of the vector at column j that lie inside the row (all-ones mask). */
function rowMask(f: FunctionBuilder, n: Local, j: Local): void {
  f.i32x4([0, 1, 2, 3]).get(n).get(j).op('i32.sub', 'i32x4.splat', 'i32x4.lt_s');
}

/** Reduces v's four lanes with `op` into a splatted v128 on the stack. */
function horizontal(f: FunctionBuilder, v: Local, op: 'f32.max' | 'f32.add'): void {
  f.get(v).lane('f32x4.extract_lane', 0).get(v).lane('f32x4.extract_lane', 1).op(op);
  f.get(v).lane('f32x4.extract_lane', 2).get(v).lane('f32x4.extract_lane', 3).op(op);
  f.op(op, 'f32x4.splat');
}

/** `(x, out, rows, n)`: softmax of each row of n floats. */
export function emitSoftmax(m: ModuleBuilder): string {
  const name = 'softmax_rows';
  const f = m.add(name, i32s(4));
  if (!f) return name;
  const [x, out, rows, n] = f.paramsNamed('x', 'out', 'rows', 'n');
  const r = f.local(I32, 'r');
  const j = f.local(I32, 'j');
  const rowBytes = f.local(I32, 'rowBytes');
  const max = f.local(V128, 'max');
  const sum = f.local(V128, 'sum');
  const v = f.local(V128, 'v');
  const t = f.local(V128, 't');
  const columns = (body: () => void) => f.forRange(j, () => f.i32(0), n, 4, body);
  const at = (base: Local) => f.get(base).get(j).i32(2).op('i32.shl', 'i32.add');

  f.get(n).i32(2).op('i32.shl').set(rowBytes);
  f.forRange(
    r,
    () => f.i32(0),
    rows,
    1,
    () => {
      f.f32x4(Number.NEGATIVE_INFINITY).set(max);
      columns(() => {
        at(x).load('v128.load').f32x4(Number.NEGATIVE_INFINITY);
        rowMask(f, n, j);
        f.op('v128.bitselect').get(max).op('f32x4.max').set(max);
      });
      horizontal(f, max, 'f32.max');
      f.set(max);
      f.f32x4(0).set(sum);
      columns(() => {
        at(x).load('v128.load').get(max).op('f32x4.sub').set(v);
        emitExp(f, v, t);
        f.get(v).f32x4(0);
        rowMask(f, n, j);
        f.op('v128.bitselect').set(v);
        at(out).get(v).store('v128.store');
        f.get(sum).get(v).op('f32x4.add').set(sum);
      });
      horizontal(f, sum, 'f32.add');
      f.set(sum);
      f.f32x4(1).get(sum).op('f32x4.div').set(sum);
      columns(() => {
        at(out);
        at(out).load('v128.load').get(sum).op('f32x4.mul').store('v128.store');
      });
      f.get(x).get(rowBytes).op('i32.add').set(x);
      f.get(out).get(rowBytes).op('i32.add').set(out);
    },
  );
  return name;
}
