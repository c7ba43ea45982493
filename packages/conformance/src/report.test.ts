import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatReport, REPORT_BEGIN, REPORT_END, writeReport } from './report.js';

describe('the ops x backends report', () => {
  const table = formatReport([
    {
      backend: 'reference',
      suite: 'ops',
      cases: [
        { name: 'op_Relu_00', status: 'pass', op: 'Relu' },
        { name: 'op_Relu_01', status: 'pass', op: 'Relu' },
        { name: 'model_net', status: 'pass' },
      ],
    },
    {
      backend: 'x',
      suite: 'ops',
      cases: [
        { name: 'op_Relu_00', status: 'pass', op: 'Relu' },
        { name: 'op_Relu_01', status: 'unsupported', op: 'Relu' },
        { name: 'model_net', status: 'fallback' },
      ],
    },
    {
      backend: 'x',
      precision: 'fp16',
      suite: 'ops',
      cases: [
        { name: 'op_Relu_00', status: 'fail', op: 'Relu' },
        { name: 'op_Relu_01', status: 'unsupported', op: 'Relu' },
        { name: 'model_net', status: 'pass' },
      ],
    },
  ]);
  it('has a row per op of the op set and per model, a column per backend and precision', () => {
    expect(table).toMatch(/^\| op \/ model \| `reference` \| `x` \| `x` fp16 \|$/m);
    expect(table).toMatch(/^\| Relu \| pass \(2\) \| pass 1\/2, unsupported 1\/2 \| unsupported 1\/2, fail 1\/2 \|$/m);
    expect(table).toMatch(/^\| Conv \| - \| - \| - \|$/m);
    expect(table).toMatch(/^\| model: net \| pass \(1\) \| fallback \(1\) \| pass \(1\) \|$/m);
  });
  it('replaces only what lies between the markers', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'report-')), 'CONFORMANCE.md');
    writeFileSync(file, `# Prose\n\n${REPORT_BEGIN}\nold\n${REPORT_END}\n\nmore prose\n`);
    writeReport(file, table);
    writeReport(file, table);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('# Prose\n\n')).toBe(true);
    expect(text.endsWith('\n\nmore prose\n')).toBe(true);
    expect(text).not.toMatch(/old/);
    expect(text.split(REPORT_BEGIN).length).toBe(2);
  });
});
