/**
 * Small text helpers shared by the commands' printed output.
 */
import type { Dim } from '@lastmile/core';

/** `1x3x224x224` for static dims; `batch, 3, height, width` when a dim is symbolic (names may hold 'x'). */
export function formatDims(dims: readonly Dim[] | null | undefined): string {
  if (dims === null || dims === undefined) return '?';
  if (dims.length === 0) return 'scalar';
  return dims.every((d) => typeof d === 'number') ? dims.join('x') : dims.join(', ');
}

/** A multi-line message (core lists failures one per line) on one line, for tables and notices. */
export function oneLine(message: string): string {
  return message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join(' ');
}
