/**
 * 2-D window geometry of Conv and the pools, with the padding actually applied; output sizes come from
 * shape inference (ceil_mode and auto_pad are already resolved there).
 */
import { attr, type Node } from '@lastmile/core';

export interface Window2 {
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  /** Padding before the first row / column. */
  padBegin: [number, number];
  input: [number, number];
  output: [number, number];
}

/** The window of a 2-D node whose input spatial size is `input` and output size `output`. */
export function window2(
  node: Node,
  kernel: [number, number],
  input: [number, number],
  output: [number, number],
  hasDilations = true,
): Window2 {
  const strides = attr.ints(node, 'strides', [1, 1]) as [number, number];
  const dilations = (hasDilations ? attr.ints(node, 'dilations', [1, 1]) : [1, 1]) as [number, number];
  const autoPad = attr.string(node, 'auto_pad', 'NOTSET');
  const padBegin: [number, number] = [0, 0];
  for (const i of [0, 1]) {
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      const need = Math.max(0, (output[i] - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - input[i]);
      padBegin[i] = autoPad === 'SAME_UPPER' ? Math.floor(need / 2) : Math.ceil(need / 2);
    } else if (autoPad === 'NOTSET') {
      padBegin[i] = attr.ints(node, 'pads', [0, 0, 0, 0])[i];
    }
  }
  return { kernel, strides, dilations, padBegin, input, output };
}

/** Input row and column of output pixel (oy, ox) at tap (ky, kx). */
export function tapPosition(w: Window2, oy: number, ox: number, ky: number, kx: number): [number, number] {
  return [
    oy * w.strides[0] - w.padBegin[0] + ky * w.dilations[0],
    ox * w.strides[1] - w.padBegin[1] + kx * w.dilations[1],
  ];
}

/** True when (y, x) lies inside the input. */
export function inside(w: Window2, [y, x]: [number, number]): boolean {
  return y >= 0 && y < w.input[0] && x >= 0 && x < w.input[1];
}
