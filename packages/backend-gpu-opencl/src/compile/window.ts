/**
 * The 2-D window of Conv, ConvTranspose and the pools: strides, dilations and the padding actually
 * applied. Output sizes come from shape inference, so ceil_mode and auto_pad are already resolved there;
 * 1-D problems ([N, C, W]) run as 2-D with H = 1.
 */
import { attr, type Node } from '@lastmile/core';

export interface Window2 {
  input: [number, number];
  output: [number, number];
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  padBegin: [number, number];
  padEnd: [number, number];
}

/** Spatial dims of an [N, C, spatial...] shape as (H, W); 1-D gets H = 1. */
export const spatial2 = (dims: readonly number[]): [number, number] =>
  dims.length === 3 ? [1, dims[2]] : [dims[2], dims[3]];

/** An ints attribute of a 1-D or 2-D node as two values (a 1-D value gets `lead` in front). */
function pair(node: Node, name: string, rank: number, def: number, lead: number): [number, number] {
  const v = attr.ints(node, name, new Array<number>(rank).fill(def));
  return rank === 1 ? [lead, v[0]] : [v[0], v[1]];
}

/** The window of a Conv or pool whose input spatial size is `input` and output size `output`. */
export function forwardWindow(
  node: Node,
  rank: number,
  kernel: [number, number],
  input: [number, number],
  output: [number, number],
  hasDilations = true,
): Window2 {
  const strides = pair(node, 'strides', rank, 1, 1);
  const dilations = hasDilations ? pair(node, 'dilations', rank, 1, 1) : ([1, 1] as [number, number]);
  const autoPad = attr.string(node, 'auto_pad', 'NOTSET');
  const pads = attr.ints(node, 'pads', new Array<number>(2 * rank).fill(0));
  const padBegin: [number, number] = [0, 0];
  const padEnd: [number, number] = [0, 0];
  for (const i of [0, 1]) {
    const axis = i - (2 - rank);
    if (axis < 0) continue;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      const need = Math.max(0, (output[i] - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - input[i]);
      padBegin[i] = autoPad === 'SAME_UPPER' ? Math.floor(need / 2) : Math.ceil(need / 2);
      padEnd[i] = need - padBegin[i];
    } else if (autoPad === 'NOTSET') {
      padBegin[i] = pads[axis];
      padEnd[i] = pads[axis + rank];
    }
  }
  return { input, output, kernel, strides, dilations, padBegin, padEnd };
}

/** The window of a ConvTranspose: the padding that makes `input` come out as the inferred `output`. */
export function transposeWindow(
  node: Node,
  rank: number,
  kernel: [number, number],
  input: [number, number],
  output: [number, number],
): Window2 {
  const strides = pair(node, 'strides', rank, 1, 1);
  const dilations = pair(node, 'dilations', rank, 1, 1);
  const outputPadding = pair(node, 'output_padding', rank, 0, 0);
  const autoPad = attr.string(node, 'auto_pad', 'NOTSET');
  const pads = attr.ints(node, 'pads', new Array<number>(2 * rank).fill(0));
  const derived = attr.has(node, 'output_shape') || autoPad.startsWith('SAME');
  const padBegin: [number, number] = [0, 0];
  for (const i of [0, 1]) {
    const axis = i - (2 - rank);
    if (axis < 0) continue;
    if (!derived) {
      padBegin[i] = autoPad === 'VALID' ? 0 : pads[axis];
      continue;
    }
    const full = strides[i] * (input[i] - 1) + outputPadding[i] + (kernel[i] - 1) * dilations[i] + 1;
    const total = Math.max(0, full - output[i]);
    // ONNX: SAME_UPPER puts the odd unit of padding at the end, the other modes at the start.
    padBegin[i] = autoPad === 'SAME_UPPER' ? Math.floor(total / 2) : total - Math.floor(total / 2);
  }
  return { input, output, kernel, strides, dilations, padBegin, padEnd: [0, 0] };
}
