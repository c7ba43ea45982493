import { elementAsNumber, type Tensor } from '@lastmile/core';
import { expect } from 'vitest';

/**
 * |got - want| <= atol + rtol * |want| everywhere, NaN where NaN and equal values (infinities among them)
 * passing, with the worst element in the message.
 */
export function expectClose(got: Tensor, want: Tensor, rtol: number, atol: number, label: string): void {
  expect([...got.dims], `${label} dims`).toEqual([...want.dims]);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < want.size; i++) {
    const g = elementAsNumber(got, i);
    const w = elementAsNumber(want, i);
    if (g === w || (Number.isNaN(w) && Number.isNaN(g))) continue;
    const excess = Math.abs(g - w) - (atol + rtol * Math.abs(w));
    if (!(excess <= worstExcess)) {
      worstExcess = Number.isNaN(excess) ? Number.POSITIVE_INFINITY : excess;
      worst = i;
    }
  }
  if (worst >= 0) {
    expect.fail(
      `${label}: element ${worst} is ${elementAsNumber(got, worst)}, expected ${elementAsNumber(want, worst)} (rtol ${rtol}, atol ${atol})`,
    );
  }
}
