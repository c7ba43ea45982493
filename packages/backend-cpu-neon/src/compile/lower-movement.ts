/**
 * Data movement: Concat as strided row copies along the stored axis (of the parts their producers did not
 * write in place), and the reshaping ops (Reshape, Flatten, Squeeze, Unsqueeze) as aliases when the
 * stored bytes do not change.
 */
import { attr, type Node, normalizeAxis } from '@lastmile/core';
import { emitCopyRows } from '../kernels/copy.js';
import { nhwcIsPlain, physicalAxisOf, physicalDims } from '../layout/nhwc.js';
import type { GraphInfo, ValueDesc } from './graph-info.js';
import type { LoweredOp } from './program.js';
import { rangeChunks } from './split.js';

const RESHAPES = new Set(['Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Identity', 'Dropout']);

/** Stored bytes are in logical row-major order. */
const rowMajor = (v: ValueDesc) => v.layout === 'plain' || nhwcIsPlain(v.dims);

/** True when `node` only reinterprets a float tensor's stored bytes. */
export function isAliasReshape(node: Node, g: GraphInfo): boolean {
  if (!RESHAPES.has(node.opType) || node.domain !== '') return false;
  const [x] = node.inputs;
  const outputs = node.outputs.filter((o) => o !== '');
  if (outputs.length !== 1 || !g.has(x) || !g.has(outputs[0]) || g.constant(x)) return false;
  const [xv, yv] = [g.value(x), g.value(outputs[0])];
  return xv.type === 'float32' && yv.type === 'float32' && xv.size === yv.size && rowMajor(xv) && rowMajor(yv);
}

export function lowerAlias(node: Node): LoweredOp {
  const [x] = node.inputs;
  const [y] = node.outputs;
  return {
    name: node.name,
    op: node.opType,
    runs: 'alias',
    reads: [x],
    writes: [y],
    aliasOf: x,
    emit: () => () => () => undefined,
  };
}

/** True when `node` is a float Concat this lowering takes. */
export function isLowerableConcat(node: Node, g: GraphInfo): boolean {
  if (node.opType !== 'Concat' || node.domain !== '' || !g.has(node.outputs[0])) return false;
  const out = g.value(node.outputs[0]);
  return (
    out.type === 'float32' && out.size > 0 && node.inputs.every((n) => g.has(n) && g.value(n).layout === out.layout)
  );
}

export function lowerConcat(node: Node, g: GraphInfo): LoweredOp {
  const out = g.value(node.outputs[0]);
  const axis = physicalAxisOf(normalizeAxis(attr.int(node, 'axis'), out.dims.length), out.layout);
  const stored = physicalDims(out.dims, out.layout);
  const rows = stored.slice(0, axis).reduce((p, d) => p * d, 1);
  const inner = stored.slice(axis + 1).reduce((p, d) => p * d, 1);
  let offset = 0;
  const parts = node.inputs.map((name) => {
    const bytes = g.value(name).dims.length ? physicalDims(g.value(name).dims, out.layout)[axis] * inner * 4 : 0;
    offset += bytes;
    return { name, bytes, offset: offset - bytes };
  });
  const outRow = stored[axis] * inner * 4;
  return {
    name: node.name,
    op: 'Concat',
    runs: 'wasm',
    reads: node.inputs.filter((n) => !g.constant(n)),
    writes: [out.name],
    concatRows: axis === stored.length - 1 ? { parts: parts.filter((p) => p.bytes > 0) } : undefined,
    emit(ctx) {
      const fn = emitCopyRows(ctx.module);
      const base = ctx.addressOf(out.name);
      const calls = parts
        // A part its producer wrote straight into the output (compile's concat placement) is in place already.
        .filter((p) => p.bytes > 0 && ctx.addressOf(p.name) !== base + p.offset)
        .flatMap((p) => {
          const [src, dst] = [ctx.addressOf(p.name), base + p.offset];
          const threads = Math.max(1, Math.round((ctx.threads * p.bytes) / outRow));
          return rangeChunks(rows, threads, (rows * p.bytes) / 4, (r0, n) => [
            src + r0 * p.bytes,
            p.bytes,
            dst + r0 * outRow,
            outRow,
            n,
            p.bytes,
          ]);
        });
      return { kernel: fn, calls };
    },
  };
}
