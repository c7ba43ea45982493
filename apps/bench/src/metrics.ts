/**
 * Derived measures: effective GFLOP/s from a model's multiply-accumulates, and time ratios between
 * contestants.
 */
import { InputError } from '@lastmile/core';

/** Effective GFLOP/s of a run of `ms` milliseconds over `macs` multiply-accumulates (one MAC = 2 FLOPs). */
export function gflops(macs: number, ms: number): number {
  if (!(macs >= 0) || !(ms > 0))
    throw new InputError(`gflops needs macs >= 0 and ms > 0, got macs ${macs}, ms ${ms}`, {
      expected: 'macs >= 0, ms > 0',
      got: { macs, ms },
    });
  return (2 * macs) / (ms * 1e6);
}

/** How many times longer `ours` takes than `peer` (above 1: slower than the peer). */
export function timeRatio(ours: number, peer: number): number {
  if (!(ours > 0) || !(peer > 0))
    throw new InputError(`time ratio needs two positive times, got ${ours} and ${peer}`, {
      expected: 'positive',
      got: { ours, peer },
    });
  return ours / peer;
}

/** A ratio as people read it: "3.2x slower", "1.5x faster", "same". */
export function formatRatio(ratio: number): string {
  if (Math.abs(ratio - 1) < 0.005) return 'same';
  const factor = ratio > 1 ? ratio : 1 / ratio;
  const digits = factor >= 100 ? 0 : factor >= 10 ? 1 : 2;
  return `${factor.toFixed(digits)}x ${ratio > 1 ? 'slower' : 'faster'}`;
}
