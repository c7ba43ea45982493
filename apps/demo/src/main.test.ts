import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const run = promisify(execFile);

describe('the demo (built dist/main.js, run as a process)', () => {
  it('runs the built-in model on cpu-neon by default and prints partitions, outputs and timings', async () => {
    const { stdout } = await run(process.execPath, [main], { timeout: 60_000 });
    expect(stdout).toMatch(/backend: +cpu-neon \(/);
    expect(stdout).toMatch(/partition 0 on cpu-neon: \d+ nodes \(Conv x\d+/);
    expect(stdout).toMatch(/forward: +first [\d.]+ ms, median of 5 [\d.]+ ms/);
    // The classifier's softmax over two directions: two probabilities summing to 1.
    const [, p0, p1] = stdout.match(/output: +softmax_0\.tmp_0 float32\[1x2\] = \[([\d.]+), ([\d.]+)\]/) ?? [];
    expect(Number(p0) + Number(p1)).toBeCloseTo(1, 3);
  });

  it('gives the same answer on the reference backend', async () => {
    const probabilities = async (backends: string) => {
      const { stdout } = await run(process.execPath, [main, '--backends', backends], { timeout: 60_000 });
      return (stdout.match(/= \[([\d.]+), ([\d.]+)\]/) ?? []).slice(1).map(Number);
    };
    const [neon, reference] = [await probabilities('cpu-neon'), await probabilities('reference')];
    expect(neon).toHaveLength(2);
    neon.forEach((p, i) => expect(p).toBeCloseTo(reference[i], 3));
  });

  it('reports a missing model file with a typed error and exit code 1', async () => {
    const failure = await run(process.execPath, [main, '/nonexistent/model.onnx']).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toMatch(/^error LM_\w+: .*\/nonexistent\/model\.onnx/m);
  });

  it('skips an unknown backend with a notice and falls back to the next one', async () => {
    const { stdout } = await run(process.execPath, [main, '--backends', 'npu-nnie,reference'], { timeout: 60_000 });
    expect(stdout).toMatch(/notice: +backend npu-nnie skipped: /);
    expect(stdout).toMatch(/partition 0 on reference/);
  });
});
