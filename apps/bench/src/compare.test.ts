import { SeededRandom } from '@lastmile/core';
import { describe, expect, it } from 'vitest';
import { compareOutputs, FLOAT_TOLERANCE, type OutputValue } from './compare.js';

const random = new SeededRandom(11);
const logits = random.floatTensor([1, 1000], -5, 5);
const expected: Record<string, OutputValue> = { output: { type: 'float32', dims: [1, 1000], data: logits.data } };

function perturbed(change: (data: Float32Array) => void): Record<string, OutputValue> {
  const data = new Float32Array(logits.data);
  change(data);
  return { output: { type: 'float32', dims: [1, 1000], data } };
}

describe('the correctness gate', () => {
  it('accepts outputs within rtol 1e-3 / atol 1e-4', () => {
    const close = perturbed((d) => {
      for (let i = 0; i < d.length; i++) d[i] += 0.9 * (1e-4 + 1e-3 * Math.abs(d[i])) * (i % 2 ? 1 : -1);
    });
    expect(compareOutputs(expected, close, FLOAT_TOLERANCE)).toEqual({ ok: true, problems: [] });
  });

  it('catches a deliberately wrong contestant and names the worst element', () => {
    const wrong = perturbed((d) => {
      d[123] += 0.5;
      d[7] += 0.01;
    });
    const verdict = compareOutputs(expected, wrong);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toEqual(["output 'output': 2 of 1000 elements outside rtol 0.001 / atol 0.0001"]);
    expect(verdict.worst).toMatchObject({ output: 'output', index: 123 });
    expect(verdict.worst?.got).toBeCloseTo((logits.data[123] ?? 0) + 0.5, 5);
  });

  it('catches missing outputs, other dims and NaN where a number is due', () => {
    expect(compareOutputs(expected, {}).problems).toEqual(["output 'output' is missing"]);
    const reshaped = { output: { type: 'float32', dims: [1000, 1], data: logits.data } };
    expect(compareOutputs(expected, reshaped).problems[0]).toMatch(/dims \[1000,1\], expected \[1,1000\]/);
    const nan = perturbed((d) => {
      d[0] = Number.NaN;
    });
    expect(compareOutputs(expected, nan).worst).toMatchObject({ index: 0, excess: Number.POSITIVE_INFINITY });
  });

  it('compares integer outputs exactly enough', () => {
    const ints = { idx: { type: 'int64', dims: [2], data: new BigInt64Array([3n, 9n]) } };
    expect(compareOutputs(ints, { idx: { type: 'int64', dims: [2], data: new BigInt64Array([3n, 9n]) } }).ok).toBe(
      true,
    );
    expect(compareOutputs(ints, { idx: { type: 'int64', dims: [2], data: new BigInt64Array([3n, 8n]) } }).ok).toBe(
      false,
    );
  });
});
