/**
 * Output comparison: dtype and dims must match exactly; values within `atol + rtol * |expected|`, with
 * NaN, +Inf and -Inf required at the same positions.
 */
import { elementAsNumber, formatShape, type Precision, type Tensor, type TensorType } from '@lastmile/core';

/** Absolute and relative tolerance of one comparison. */
export interface Tolerance {
  rtol: number;
  atol: number;
}

/** fp32 (and exact types compared as numbers) unless a case declares otherwise. */
export const FLOAT32_TOLERANCE: Tolerance = Object.freeze({ rtol: 1e-3, atol: 1e-5 });
/** fp16 outputs, whose 11-bit mantissa cannot hold fp32's. */
export const FLOAT16_TOLERANCE: Tolerance = Object.freeze({ rtol: 1e-2, atol: 1e-2 });

/**
 * The tolerance for an output of `type`: integers and bools exactly, floats by precision. A backend run
 * at `precision` fp16 computes every float output through fp16, whatever the output's type: those get the
 * fp16 tolerance, or the case's declared one where it is looser (declared tolerances were set for fp32).
 */
export function toleranceFor(type: TensorType, declared?: Partial<Tolerance>, precision?: Precision): Tolerance {
  const float = type === 'float16' || type === 'float32';
  if (float && precision === 'fp16') {
    return {
      rtol: Math.max(FLOAT16_TOLERANCE.rtol, declared?.rtol ?? 0),
      atol: Math.max(FLOAT16_TOLERANCE.atol, declared?.atol ?? 0),
    };
  }
  if (type === 'float16') return { ...FLOAT16_TOLERANCE, ...declared };
  if (type === 'float32') return { ...FLOAT32_TOLERANCE, ...declared };
  return { rtol: 0, atol: 0 };
}

/** The outcome of comparing one output. */
export interface Comparison {
  ok: boolean;
  /** Largest |got - expected| over finite pairs. */
  maxAbsError: number;
  /** Largest |got - expected| / |expected| over finite pairs with expected != 0. */
  maxRelError: number;
  /** Why it failed, naming the output and the worst element with its coordinates. */
  message?: string;
}

function coordinates(index: number, dims: readonly number[]): string {
  const at: number[] = [];
  let rest = index;
  for (let i = dims.length - 1; i >= 0; i--) {
    at.unshift(rest % dims[i]);
    rest = Math.floor(rest / dims[i]);
  }
  return `[${at.join(', ')}]`;
}

const special = (v: number) => Number.isNaN(v) || !Number.isFinite(v);

/** Compares `got` with `expected` (output `label`) under `tolerance`. */
export function compareTensors(got: Tensor, expected: Tensor, tolerance: Tolerance, label: string): Comparison {
  if (got.type !== expected.type) {
    return {
      ok: false,
      maxAbsError: Number.NaN,
      maxRelError: Number.NaN,
      message: `${label}: dtype ${got.type}, expected ${expected.type}`,
    };
  }
  if (formatShape(got.dims) !== formatShape(expected.dims)) {
    return {
      ok: false,
      maxAbsError: Number.NaN,
      maxRelError: Number.NaN,
      message: `${label}: dims ${formatShape(got.dims)}, expected ${formatShape(expected.dims)}`,
    };
  }
  let maxAbsError = 0;
  let maxRelError = 0;
  let worst = -1;
  let worstExcess = 0;
  let mismatch = -1;
  for (let i = 0; i < expected.size; i++) {
    const g = elementAsNumber(got, i);
    const e = elementAsNumber(expected, i);
    if (special(g) || special(e)) {
      if (!Object.is(g, e) && !(Number.isNaN(g) && Number.isNaN(e)) && mismatch < 0) mismatch = i;
      continue;
    }
    // int64 beyond 2^53 loses precision as a number: take its difference exactly.
    const diff =
      got.type === 'int64'
        ? Math.abs(Number((got.data as BigInt64Array)[i] - (expected.data as BigInt64Array)[i]))
        : Math.abs(g - e);
    maxAbsError = Math.max(maxAbsError, diff);
    if (e !== 0) maxRelError = Math.max(maxRelError, diff / Math.abs(e));
    const excess = diff - (tolerance.atol + tolerance.rtol * Math.abs(e));
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = i;
    }
  }
  if (mismatch >= 0) {
    const where = coordinates(mismatch, expected.dims);
    const message = `${label}${where}: got ${elementAsNumber(got, mismatch)}, expected ${elementAsNumber(expected, mismatch)} (NaN and Inf must match in position)`;
    return { ok: false, maxAbsError, maxRelError, message };
  }
  if (worst >= 0) {
    const g = elementAsNumber(got, worst);
    const e = elementAsNumber(expected, worst);
    const where = coordinates(worst, expected.dims);
    const message = `${label}${where}: got ${g}, expected ${e} (|diff| ${Math.abs(g - e)} > atol ${tolerance.atol} + rtol ${tolerance.rtol} * |expected|)`;
    return { ok: false, maxAbsError, maxRelError, message };
  }
  return { ok: true, maxAbsError, maxRelError };
}
