/**
 * The correctness gate: a contestant's outputs against onnxruntime-node's, element by element, before any
 * of its times count. Outputs are compared in a runtime-neutral form (type, dims, data).
 */

/** One output tensor as any runtime gives it. */
export interface OutputValue {
  type: string;
  dims: readonly number[];
  data: ArrayLike<number | bigint>;
}

export interface Tolerance {
  rtol: number;
  atol: number;
}

/** DESIGN.md's bound for float backends against onnxruntime. */
export const FLOAT_TOLERANCE: Tolerance = { rtol: 1e-3, atol: 1e-4 };

/** The element that misses its bound by the most. */
export interface WorstElement {
  output: string;
  index: number;
  expected: number;
  got: number;
  /** |got - expected| / (atol + rtol * |expected|): above 1 fails. */
  excess: number;
}

export interface Verdict {
  ok: boolean;
  /** What is wrong, one line each; empty when ok. */
  problems: string[];
  worst?: WorstElement;
}

const asNumber = (v: number | bigint): number => (typeof v === 'bigint' ? Number(v) : v);

/** Checks every expected output: present, same dims, and each element within `atol + rtol * |expected|`. */
export function compareOutputs(
  expected: Readonly<Record<string, OutputValue>>,
  got: Readonly<Record<string, OutputValue>>,
  tolerance: Tolerance = FLOAT_TOLERANCE,
): Verdict {
  const problems: string[] = [];
  let worst: WorstElement | undefined;
  for (const [name, want] of Object.entries(expected)) {
    const have = Object.hasOwn(got, name) ? got[name] : undefined;
    if (have === undefined) {
      problems.push(`output '${name}' is missing`);
      continue;
    }
    if (have.dims.length !== want.dims.length || have.dims.some((d, i) => d !== want.dims[i])) {
      problems.push(`output '${name}' has dims [${have.dims.join(',')}], expected [${want.dims.join(',')}]`);
      continue;
    }
    if (have.data.length !== want.data.length) {
      problems.push(`output '${name}' has ${have.data.length} elements, expected ${want.data.length}`);
      continue;
    }
    let failures = 0;
    for (let i = 0; i < want.data.length; i++) {
      const e = asNumber(want.data[i]);
      const g = asNumber(have.data[i]);
      if (Number.isNaN(e) && Number.isNaN(g)) continue;
      const bound = tolerance.atol + tolerance.rtol * Math.abs(e);
      // NaN against a number, or infinities that differ, count as infinitely far.
      const excess = e === g ? 0 : Number.isFinite(g - e) ? Math.abs(g - e) / bound : Number.POSITIVE_INFINITY;
      if (excess > 1) failures++;
      if (excess > 1 && (worst === undefined || excess > worst.excess))
        worst = { output: name, index: i, expected: e, got: g, excess };
    }
    if (failures > 0)
      problems.push(
        `output '${name}': ${failures} of ${want.data.length} elements outside rtol ${tolerance.rtol} / atol ${tolerance.atol}`,
      );
  }
  return problems.length === 0 ? { ok: true, problems } : { ok: false, problems, worst };
}
