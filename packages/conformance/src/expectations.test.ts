import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  compareWithExpectations,
  expectationFileName,
  expectationFiles,
  expectationFor,
  listedRuns,
  loadRunExpectations,
  parseExpectations,
} from './expectations.js';
import type { SuiteResult } from './results.js';

const list = parseExpectations(
  {
    $comment: 'ignored',
    'op_*': { status: 'unsupported', reason: 'few ops' },
    'op_Add_*': { status: 'pass', reason: 'implemented' },
    op_Add_03_int32: { status: 'fail', reason: 'int32 overflow differs' },
  },
  'test',
);

describe('expectation lists', () => {
  it('picks an exact name over patterns, and the longest pattern', () => {
    expect(expectationFor(list, 'op_Add_03_int32')?.status).toBe('fail');
    expect(expectationFor(list, 'op_Add_00')?.status).toBe('pass');
    expect(expectationFor(list, 'op_Conv_00')?.status).toBe('unsupported');
    expect(expectationFor(list, 'model_x')).toBeUndefined();
  });
  it('refuses entries without a known status or a reason', () => {
    expect(() => parseExpectations({ x: { status: 'flaky', reason: 'r' } }, 'f')).toThrow(/needs a status/);
    expect(() => parseExpectations({ x: { status: 'fail', reason: ' ' } }, 'f')).toThrow(/needs a reason/);
    expect(() => parseExpectations([], 'f')).toThrow(/must be an object/);
  });
  it('reports regressions and unexpected passes, nothing else', () => {
    const results: SuiteResult[] = [
      {
        backend: 'b',
        suite: 's',
        cases: [
          { name: 'op_Add_00', status: 'fail', message: 'y[0]: got 1, expected 2' },
          { name: 'op_Add_03_int32', status: 'pass' },
          { name: 'op_Conv_00', status: 'unsupported' },
          { name: 'op_Relu_00', status: 'error' },
          { name: 'model_x', status: 'pass' },
        ],
      },
    ];
    expect(compareWithExpectations(results, list).map((d) => [d.name, d.kind, d.expected, d.got])).toEqual([
      ['op_Add_00', 'regression', 'pass', 'fail'],
      ['op_Add_03_int32', 'unexpected-pass', 'fail', 'pass'],
      ['op_Relu_00', 'regression', 'unsupported', 'error'],
    ]);
  });
  it("names scoped backends' files without slashes", () => {
    expect(expectationFileName('@acme/backend-x')).toBe('acme__backend-x.json');
  });
  it("lays what differs at a precision over the backend's list, and lists the runs back", () => {
    expect(expectationFileName('gpu-opencl', 'fp16')).toBe('gpu-opencl.fp16.json');
    const dir = mkdtempSync(join(tmpdir(), 'expectations-'));
    const entry = (status: string) => ({ status, reason: 'r' });
    try {
      for (const f of ['reference.json', 'acme__backend-x.json', 'notes.txt']) writeFileSync(join(dir, f), '{}');
      writeFileSync(
        join(dir, 'gpu-opencl.json'),
        JSON.stringify({ 'op_Pad_*': entry('unsupported'), op_Relu_02: entry('fail') }),
      );
      writeFileSync(
        join(dir, 'gpu-opencl.fp16.json'),
        JSON.stringify({ op_Relu_02: entry('unsupported'), op_Abs_02: entry('fail') }),
      );
      expect(expectationFiles(dir, 'gpu-opencl', 'fp16')).toEqual([
        join(dir, 'gpu-opencl.json'),
        join(dir, 'gpu-opencl.fp16.json'),
      ]);
      expect(expectationFiles(dir, 'gpu-opencl', 'fp32')).toEqual([join(dir, 'gpu-opencl.json')]);
      expect(expectationFiles(dir, 'nobody')).toEqual([]);
      const fp16 = loadRunExpectations(dir, 'gpu-opencl', 'fp16');
      expect(Object.fromEntries(Object.entries(fp16).map(([k, v]) => [k, v.status]))).toEqual({
        'op_Pad_*': 'unsupported',
        op_Relu_02: 'unsupported',
        op_Abs_02: 'fail',
      });
      expect(loadRunExpectations(dir, 'gpu-opencl').op_Relu_02.status).toBe('fail');
      expect(listedRuns(dir)).toEqual([
        { backend: '@acme/backend-x' },
        { backend: 'gpu-opencl' },
        { backend: 'gpu-opencl', precision: 'fp16' },
        { backend: 'reference' },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
