/**
 * Add/Sub/Mul/Div with broadcasting and the unary activations. Broadcasting is resolved here, in the
 * output's stored layout: each input gets a byte stride per stored axis (0 where it broadcasts), adjacent
 * axes that stay contiguous for every input merge, and at most three loops remain for the kernel.
 */
import type { Node } from '@lastmile/core';
import { NO_ACTIVATION, type Activation } from '../kernels/activation.js';
import { type BinaryOp, emitBinary, emitUnary } from '../kernels/elementwise.js';
import { storageStrides } from '../layout/nhwc.js';
import type { GraphInfo, ValueDesc } from './graph-info.js';
import type { LoweredOp } from './program.js';
import { rangeChunks } from './split.js';

const BINARY: Record<string, BinaryOp> = { Add: 'add', Sub: 'sub', Mul: 'mul', Div: 'div' };

/** Loop sizes (outer to inner) and per-input element strides of a broadcast, at most 3 loops. */
interface BroadcastLoops {
  dims: [number, number, number];
  strides: [number, number, number][];
}

/** The output's stored axis order, as logical axes. */
function storedOrder(out: ValueDesc): number[] {
  return out.layout === 'nhwc' ? [0, 2, 3, 1] : out.dims.map((_, i) => i);
}

/** Collapses the broadcast of `inputs` into `out` to at most 3 loops, or undefined. */
export function broadcastLoops(out: ValueDesc, inputs: readonly ValueDesc[]): BroadcastLoops | undefined {
  const rank = out.dims.length;
  const order = storedOrder(out);
  let dims = order.map((a) => out.dims[a]);
  let strides = inputs.map((v) => {
    const lead = rank - v.dims.length;
    // An input of lower rank is stored plain; pad its dims with leading ones.
    const padded = [...new Array<number>(lead).fill(1), ...v.dims];
    const own = storageStrides(v.dims, v.layout);
    const logical = padded.map((d, i) => (d === 1 ? 0 : own[i - lead]));
    return order.map((a) => logical[a]);
  });
  // Drop unit axes, then merge axis i into i+1 where every input stays contiguous across them.
  const keep = dims.map((d) => d !== 1);
  dims = dims.filter((_, i) => keep[i]);
  strides = strides.map((s) => s.filter((_, i) => keep[i]));
  for (let i = dims.length - 2; i >= 0; i--) {
    if (strides.every((s) => s[i] === s[i + 1] * dims[i + 1])) {
      dims.splice(i, 2, dims[i] * dims[i + 1]);
      for (const s of strides) s.splice(i, 2, s[i + 1]);
    }
  }
  if (dims.length > 3) return undefined;
  while (dims.length < 3) {
    dims.unshift(1);
    for (const s of strides) s.unshift(0);
  }
  // The vectorized inner loop reads each input contiguously or splats one value.
  if (strides.some((s) => s[2] !== 0 && s[2] !== 1)) return undefined;
  return { dims: dims as [number, number, number], strides: strides as [number, number, number][] };
}

/** True when `node` is a float binary op whose broadcast the kernel can run. */
export function isLowerableBinary(node: Node, g: GraphInfo): boolean {
  if (!Object.hasOwn(BINARY, node.opType) || node.domain !== '' || node.inputs.length !== 2) return false;
  if (![...node.inputs, node.outputs[0]].every((n) => g.has(n) && g.value(n).type === 'float32')) return false;
  const out = g.value(node.outputs[0]);
  return (
    out.size > 0 &&
    broadcastLoops(
      out,
      node.inputs.map((n) => g.value(n)),
    ) !== undefined
  );
}

export function lowerBinary(
  node: Node,
  g: GraphInfo,
  activation: Activation = NO_ACTIVATION,
  output = node.outputs[0],
  names = [node.name],
): LoweredOp {
  const [aName, bName] = node.inputs;
  const loops = broadcastLoops(g.value(node.outputs[0]), [g.value(aName), g.value(bName)])!;
  const [d0, d1, d2] = loops.dims;
  const [sa, sb] = loops.strides;
  const stored = g.value(node.outputs[0]);
  // An input stored like the output is read element for element before it is written, unless rows
  // spill a vector into the next row (written after it, which would clobber input not yet read).
  const rowsSpill = d2 % 4 !== 0 && d0 * d1 > 1;
  const sameStorage = (n: string) =>
    !g.constant(n) && g.value(n).layout === stored.layout && g.value(n).dims.join() === stored.dims.join();
  return {
    name: names.join('+'),
    op: node.opType,
    runs: 'wasm',
    reads: [aName, bName].filter((n) => !g.constant(n)),
    writes: [output],
    inPlace: rowsSpill ? [] : [aName, bName].filter(sameStorage),
    emit(ctx) {
      const fn = emitBinary(ctx.module, {
        op: BINARY[node.opType],
        aSplat: sa[2] === 0,
        bSplat: sb[2] === 0,
        activation,
      });
      const [a, b, out] = [ctx.addressOf(aName), ctx.addressOf(bName), ctx.addressOf(output)];
      const strides = [sa[0] * 4, sa[1] * 4, sb[0] * 4, sb[1] * 4];
      const work = d0 * d1 * d2;
      let calls: number[][];
      if (d0 === 1 && d1 === 1) {
        // One flat row: split it at whole vectors.
        calls = rangeChunks(
          d2,
          ctx.threads,
          work,
          (j, n) => [a + j * sa[2] * 4, b + j * sb[2] * 4, out + j * 4, 1, 1, n, ...strides],
          4,
        );
      } else if (d2 % 4 !== 0) {
        // A row's last vector spills into the next row, written after it: rows cannot be shared.
        calls = [[a, b, out, d0, d1, d2, ...strides]];
      } else if (d0 > 1) {
        calls = rangeChunks(d0, ctx.threads, work, (i, n) => [
          a + i * sa[0] * 4,
          b + i * sb[0] * 4,
          out + i * d1 * d2 * 4,
          n,
          d1,
          d2,
          ...strides,
        ]);
      } else {
        calls = rangeChunks(d1, ctx.threads, work, (i, n) => [
          a + i * sa[1] * 4,
          b + i * sb[1] * 4,
          out + i * d2 * 4,
          1,
          n,
          d2,
          ...strides,
        ]);
      }
      return { kernel: fn, calls };
    },
  };
}

/** An activation over a whole float tensor (the layout does not matter). */
export function lowerUnary(node: Node, g: GraphInfo, activation: Activation): LoweredOp {
  const [xName] = node.inputs;
  const [yName] = node.outputs;
  const n = g.value(yName).size;
  return {
    name: node.name,
    op: node.opType,
    runs: 'wasm',
    reads: [xName],
    writes: [yName],
    inPlace: [xName],
    emit(ctx) {
      const fn = emitUnary(ctx.module, activation);
      const [x, y] = [ctx.addressOf(xName), ctx.addressOf(yName)];
      return { kernel: fn, calls: rangeChunks(n, ctx.threads, n * 4, (j, count) => [x + j * 4, y + j * 4, count], 4) };
    },
  };
}
