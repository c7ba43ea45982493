/**
 * What the CLI shows of a tensor: dtype, shape, the first values and min/max/mean (NaNs counted apart).
 */
import { type Tensor, elementAsNumber } from '@lastmile/core';
import { formatDims } from './text.js';

const FIRST_VALUES = 8;

/** Plain data about one tensor, as printed and as written in --json output (NaN and ±Infinity as strings there). */
export interface TensorSummary {
  name: string;
  dtype: string;
  shape: number[];
  /** The first values in C order (int64 as numbers, float16 decoded). */
  first: number[];
  /** Over the non-NaN elements; null when there are none. */
  min: number | null;
  max: number | null;
  mean: number | null;
  nanCount: number;
}

/** Summarizes `tensor` under `name`. */
export function summarizeTensor(name: string, tensor: Tensor): TensorSummary {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let nanCount = 0;
  for (let i = 0; i < tensor.size; i++) {
    const v = elementAsNumber(tensor, i);
    if (Number.isNaN(v)) {
      nanCount++;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const counted = tensor.size - nanCount;
  const first = Array.from({ length: Math.min(FIRST_VALUES, tensor.size) }, (_, i) => elementAsNumber(tensor, i));
  return {
    name,
    dtype: tensor.type,
    shape: [...tensor.dims],
    first,
    min: counted > 0 ? min : null,
    max: counted > 0 ? max : null,
    mean: counted > 0 ? sum / counted : null,
    nanCount,
  };
}

const number = (v: number | null): string =>
  v === null ? '-' : Number.isInteger(v) ? String(v) : v.toPrecision(6).replace(/\.?0+(?=e|$)/, '');

/** Two lines: `name dtype[shape]  min .. max  mean`, then the first values. */
export function formatTensorSummary(s: TensorSummary): string {
  const nan = s.nanCount > 0 ? `  NaN x${s.nanCount}` : '';
  const size = s.shape.reduce((a, b) => a * b, 1);
  const more = size > s.first.length ? ', ...' : '';
  return `${s.name}  ${s.dtype}[${formatDims(s.shape)}]  min ${number(s.min)}  max ${number(s.max)}  mean ${number(s.mean)}${nan}\n  [${s.first.map(number).join(', ')}${more}]`;
}
