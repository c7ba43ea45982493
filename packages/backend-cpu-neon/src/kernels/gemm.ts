/**
 * The MRx8 "loadsplat" GEMM microkernel over an indirection buffer (XNNPACK's igemm): one k step per
 * iteration, one `v128.load32_splat` per A row, two loads of packed B, 2 MR accumulators. A rows come
 * through pointers (per MR-row tile and tap: MR pixel pointers, or the zero row for padding), so the
 * same kernel runs NHWC convolution without im2col, 1x1 convolution and plain GEMM (one tap).
 *
 * Packed B, per 8-column panel: the 8 biases (they seed the accumulators), then taps x C rows of 8.
 * The epilogue adds an optional residual (same layout as the output), applies the activation and stores
 * exactly `nc` columns (the last panel through the scratch area).
 */
import { type FunctionBuilder, type Local, type ModuleBuilder, I32, V128 } from '../wasm/module-builder.js';
import { type Activation, activationKey, activationTemps, emitActivation } from './activation.js';
import { type KernelTarget, i32s, madd, storePartial8 } from './common.js';

/** Columns of one tile. */
export const GEMM_NR = 8;

/**
 * Rows of one tile on `target`: 4 on x64, whose 16 XMM registers hold 8 accumulators, two B vectors and
 * a splat; on arm64's 32 NEON registers 6 with FMA and 5 with mul+add (which needs a temporary per
 * product). These are the tiles XNNPACK's WebAssembly build picks for x86 and for other machines.
 */
export function gemmRows(target: KernelTarget): number {
  if (target.features.arch !== 'arm64') return 4;
  return target.features.relaxedSimd ? 6 : 5;
}

/** Epilogue options of a GEMM variant. */
export interface GemmVariant {
  activation: Activation;
  residual: boolean;
}

/**
 * Emits (once) the igemm kernel for `variant` and returns its name. Signature:
 * `(ind, rows, taps, cbytes, w, out, ostride, nc, res)`, all i32: `ind` holds ceil(rows/MR) tiles of
 * taps x MR pointers; `cbytes` is 4 x channels read per tap; `ostride` is the output row stride in bytes.
 */
export function emitIgemm(m: ModuleBuilder, target: KernelTarget, variant: GemmVariant): string {
  const mr = gemmRows(target);
  const name = `igemm_${mr}x8_${activationKey(variant.activation)}${variant.residual ? '_res' : ''}${target.features.relaxedSimd ? '_fma' : ''}`;
  const f = m.add(name, i32s(9));
  if (!f) return name;
  const [ind, rows, taps, cbytes, w, out, ostride, nc, res] = f.paramsNamed(
    'ind',
    'rows',
    'taps',
    'cbytes',
    'w',
    'out',
    'ostride',
    'nc',
    'res',
  );
  const row = f.local(I32, 'row');
  const tile = f.local(I32, 'tile');
  const tileBytes = f.local(I32, 'tileBytes');
  const outRow = f.local(I32, 'outRow');
  const resRow = f.local(I32, 'resRow');
  const wp = f.local(I32, 'wp');
  const left = f.local(I32, 'left');
  const col = f.local(I32, 'col');
  const resCol = f.local(I32, 'resCol');
  const ip = f.local(I32, 'ip');
  const ipEnd = f.local(I32, 'ipEnd');
  const a = Array.from({ length: mr }, (_, r) => f.local(I32, `a${r}`));
  const aEnd = f.local(I32, 'aEnd');
  const valid = f.local(I32, 'valid');
  const ptr = f.local(I32, 'ptr');
  const i = f.local(I32, 'i');
  const acc = Array.from({ length: 2 * mr }, (_, i) => f.local(V128, `acc${i >> 1}_${i & 1}`));
  const b0 = f.local(V128, 'b0');
  const b1 = f.local(V128, 'b1');
  const s = f.local(V128, 's');
  const temps = activationTemps(f);

  f.get(taps)
    .i32(4 * mr)
    .op('i32.mul')
    .set(tileBytes);
  f.get(ind).set(tile);
  f.get(out).set(outRow);
  f.get(res).set(resRow);
  f.i32(0).set(row);
  f.doWhile(
    () => {
      f.get(rows).get(row).op('i32.sub').set(valid);
      f.get(w).set(wp);
      f.get(nc).set(left);
      f.get(outRow).set(col);
      f.get(resRow).set(resCol);
      f.doWhile(
        () => {
          // Biases seed every row.
          f.get(wp).load('v128.load').set(acc[0]);
          f.get(wp).load('v128.load', 16).set(acc[1]);
          for (let r = 1; r < mr; r++)
            f.get(acc[0])
              .set(acc[2 * r])
              .get(acc[1])
              .set(acc[2 * r + 1]);
          f.addTo(wp, 32);
          f.get(tile).set(ip);
          f.get(tile).get(tileBytes).op('i32.add').set(ipEnd);
          f.doWhile(
            () => {
              for (let r = 0; r < mr; r++)
                f.get(ip)
                  .load('i32.load', 4 * r)
                  .set(a[r]);
              f.get(a[0]).get(cbytes).op('i32.add').set(aEnd);
              f.doWhile(
                () => {
                  f.get(wp).load('v128.load').set(b0);
                  f.get(wp).load('v128.load', 16).set(b1);
                  for (let r = 0; r < mr; r++) {
                    f.get(a[r]).load('v128.load32_splat').set(s);
                    madd(f, target, s, b0, acc[2 * r]);
                    madd(f, target, s, b1, acc[2 * r + 1]);
                  }
                  for (let r = 0; r < mr; r++) f.addTo(a[r], 4);
                  f.addTo(wp, 32);
                },
                () => f.get(a[0]).get(aEnd).op('i32.ne'),
              );
              f.addTo(ip, 4 * mr);
            },
            () => f.get(ip).get(ipEnd).op('i32.ne'),
          );
          epilogue(f, variant, acc, { col, resCol, ostride, valid, left, ptr, i }, temps);
          f.addTo(col, 32);
          f.addTo(resCol, 32);
        },
        () => f.get(left).i32(8).op('i32.sub').tee(left).i32(0).op('i32.gt_s'),
      );
      f.get(tile).get(tileBytes).op('i32.add').set(tile);
      f.get(outRow).get(ostride).i32(mr).op('i32.mul', 'i32.add').set(outRow);
      f.get(resRow).get(ostride).i32(mr).op('i32.mul', 'i32.add').set(resRow);
    },
    () => f.get(row).i32(mr).op('i32.add').tee(row).get(rows).op('i32.lt_s'),
  );
  return name;
}

interface EpilogueLocals {
  col: Local;
  resCol: Local;
  ostride: Local;
  valid: Local;
  left: Local;
  ptr: Local;
  i: Local;
}

/** Residual, activation and exact stores of the valid rows of one MRx8 tile. */
function epilogue(
  f: FunctionBuilder,
  variant: GemmVariant,
  acc: Local[],
  l: EpilogueLocals,
  temps: ReturnType<typeof activationTemps>,
): void {
  const storeRow = (r: number) => {
    f.get(l.ostride).i32(r).op('i32.mul').set(l.ptr);
    if (variant.residual) {
      for (const h of [0, 1])
        f.get(acc[2 * r + h])
          .get(l.resCol)
          .get(l.ptr)
          .op('i32.add')
          .load('v128.load', 16 * h)
          .op('f32x4.add')
          .set(acc[2 * r + h]);
    }
    emitActivation(f, acc[2 * r], variant.activation, temps);
    emitActivation(f, acc[2 * r + 1], variant.activation, temps);
    f.get(l.col).get(l.ptr).op('i32.add').set(l.ptr);
    storePartial8(f, acc[2 * r], acc[2 * r + 1], l.ptr, l.left, l.i);
  };
  storeRow(0);
  for (let r = 1; r < acc.length / 2; r++)
    f.get(l.valid)
      .i32(r)
      .op('i32.gt_s')
      .if(() => storeRow(r));
}
