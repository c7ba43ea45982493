/**
 * Data movement as strided copies: Transpose, Slice, Split, Expand and the reshapes that change stored
 * order (NHWC to row-major and back). Where each output element comes from is found by core's reference
 * kernel itself, run once at compile time on a tensor holding each input element's stored offset, so every
 * attribute and clamping rule matches; when that map is affine per output axis the op is one strided copy
 * (at most 4 loops after merging), otherwise it stays on the host.
 */
import { type Node, opFor, opsetOf, Tensor } from '@lastmile/core';
import { emitCopyStrided } from '../kernels/copy.js';
import { nhwcIsPlain, storageStrides } from '../layout/nhwc.js';
import type { GraphInfo } from './graph-info.js';
import type { LoweredOp } from './program.js';
import { rangeChunks } from './split.js';

const RESHAPES = new Set(['Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Identity', 'Dropout']);
const MOVEMENT = new Set(['Transpose', 'Slice', 'Split', 'Expand', ...RESHAPES]);
/** Index maps are built by running the reference kernel on int32 offsets: keep that cheap. */
const MAX_ELEMENTS = 1 << 22;

/** One output as a copy: byte offset from the input's address, loop sizes and source byte strides. */
interface StridedCopy {
  output: string;
  offset: number;
  dims: [number, number, number, number];
  strides: [number, number, number, number];
}

/** Per output, its strided copy; undefined when some output is not an affine gather of the input. */
function stridedCopies(node: Node, g: GraphInfo): StridedCopy[] | undefined {
  const [xName, ...params] = node.inputs;
  const outputs = node.outputs.filter((o) => o !== '');
  if (!g.has(xName) || g.value(xName).type !== 'float32' || params.some((p) => p !== '' && !g.constant(p)))
    return undefined;
  if (!outputs.every((o) => g.has(o) && g.value(o).type === 'float32' && g.value(o).size > 0)) return undefined;
  const x = g.value(xName);
  if (x.size > MAX_ELEMENTS || outputs.some((o) => g.value(o).size > MAX_ELEMENTS)) return undefined;
  const offsets = new Int32Array(x.size);
  const strides = storageStrides(x.dims, x.layout);
  for (let i = 0; i < x.size; i++) {
    let rest = i;
    let at = 0;
    for (let a = x.dims.length - 1; a >= 0; a--) {
      at += (rest % x.dims[a]) * strides[a];
      rest = Math.floor(rest / x.dims[a]);
    }
    offsets[i] = at;
  }
  const opset = opsetOf(g.model, node.domain);
  const inputs = [new Tensor('int32', offsets, x.dims), ...params.map((p) => (p ? g.constant(p) : undefined))];
  let results: Tensor[];
  try {
    results = opFor(node, opset).run(inputs, { node, opset });
  } catch {
    return undefined;
  }
  const copies: StridedCopy[] = [];
  for (const [i, name] of node.outputs.entries()) {
    if (name === '') continue;
    const y = g.value(name);
    const result = results[i];
    if (!result || result.dims.join() !== y.dims.join()) return undefined;
    const data = result.data as Int32Array;
    // A reshape into row-major storage merges axes: fit it over the input's axes, in whose order it is written.
    const merged = RESHAPES.has(node.opType) && (y.layout === 'plain' || nhwcIsPlain(y.dims));
    const copy = affineCopy(data, y.dims, y.layout) ?? (merged ? affineCopy(data, x.dims, 'plain') : undefined);
    if (!copy) return undefined;
    copies.push({ output: name, ...copy });
  }
  return copies;
}

/** Fits source = offset + sum(index_a * stride_a) over the axes `dims`, checks it, orders it as stored. */
function affineCopy(
  src: Int32Array,
  dims: readonly number[],
  layout: 'nhwc' | 'plain',
): Omit<StridedCopy, 'output'> | undefined {
  const rowMajor = storageStrides(dims, 'plain');
  const offset = src[0];
  const strides = dims.map((d, a) => (d > 1 ? src[rowMajor[a]] - offset : 0));
  for (let i = 0; i < src.length; i++) {
    let rest = i;
    let predicted = offset;
    for (let a = dims.length - 1; a >= 0; a--) {
      predicted += (rest % dims[a]) * strides[a];
      rest = Math.floor(rest / dims[a]);
    }
    if (predicted !== src[i]) return undefined;
  }
  // Loops in the output's stored order (it is written densely), unit axes dropped, contiguous runs merged.
  const order = layout === 'nhwc' ? [0, 2, 3, 1] : dims.map((_, a) => a);
  let loops = order.map((a) => ({ d: dims[a], s: strides[a] })).filter((l) => l.d > 1);
  for (let a = loops.length - 2; a >= 0; a--) {
    if (loops[a].s === loops[a + 1].s * loops[a + 1].d)
      loops.splice(a, 2, { d: loops[a].d * loops[a + 1].d, s: loops[a + 1].s });
  }
  if (loops.length > 4) return undefined;
  loops = [...new Array(4 - loops.length).fill({ d: 1, s: 0 }), ...loops];
  return {
    offset: offset * 4,
    dims: loops.map((l) => l.d) as StridedCopy['dims'],
    strides: loops.map((l) => l.s * 4) as StridedCopy['strides'],
  };
}

/** True when `node` moves float data in a way one strided copy per output does. */
export function isLowerableStrided(node: Node, g: GraphInfo): boolean {
  return (
    (node.domain === '' || node.domain === 'ai.onnx') &&
    MOVEMENT.has(node.opType) &&
    stridedCopies(node, g) !== undefined
  );
}

export function lowerStrided(node: Node, g: GraphInfo): LoweredOp {
  const copies = stridedCopies(node, g)!;
  const [xName] = node.inputs;
  return {
    name: node.name,
    op: node.opType,
    runs: 'wasm',
    reads: [xName],
    writes: copies.map((c) => c.output),
    emit(ctx) {
      const fn = emitCopyStrided(ctx.module);
      const x = ctx.addressOf(xName);
      const calls = copies.flatMap(({ output, offset, dims: [d0, d1, d2, d3], strides: [s0, s1, s2, s3] }) => {
        const y = ctx.addressOf(output);
        const size = d0 * d1 * d2 * d3;
        const threads = Math.max(1, Math.round(ctx.threads / copies.length));
        if (d0 > 1)
          return rangeChunks(d0, threads, size, (i, n) => [
            x + offset + i * s0,
            y + i * d1 * d2 * d3 * 4,
            n,
            d1,
            d2,
            d3,
            s0,
            s1,
            s2,
            s3,
          ]);
        return rangeChunks(d1, threads, size, (i, n) => [
          x + offset + i * s1,
          y + i * d2 * d3 * 4,
          1,
          n,
          d2,
          d3,
          s0,
          s1,
          s2,
          s3,
        ]);
      });
      return { kernel: fn, calls };
    },
  };
}
