/** Rounding as OpenCV's saturate_cast<uchar>: round half to even (cvRound), then clamp to 0..255. */
export function toByte(v: number): number {
  let r = Math.round(v);
  if (r - v === 0.5 && r % 2 !== 0) r -= 1;
  return Math.max(0, Math.min(r, 255));
}
