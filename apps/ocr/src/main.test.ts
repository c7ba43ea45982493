import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { readImage } from '@lastmile/vision';
import { describe, expect, it } from 'vitest';
import { main } from './main.js';

/** Runs main() with captured output. */
async function ocr(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const chunks = { stdout: '', stderr: '' };
  const sink = (key: 'stdout' | 'stderr') =>
    new Writable({
      write(chunk, _, done) {
        chunks[key] += String(chunk);
        done();
      },
    });
  const code = await main(argv, sink('stdout'), sink('stderr'));
  return { code, ...chunks };
}

describe('pnpm ocr', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ocr-main-'));

  it('reads the sample image when given none, prints lines and per-stage times, writes the annotated image', async () => {
    const annotated = join(dir, 'sample.png');
    const { code, stdout } = await ocr('--annotate', annotated);
    expect(code).toBe(0);
    expect(stdout).toMatch(/sample\.png \(600x\d+\): 3 text lines/);
    expect(stdout).toMatch(/1\. "Order 2024-0193"\s+confidence 0\.\d{3}/);
    expect(stdout).toMatch(/time per stage:[\s\S]*det\.model[\s\S]*rec\.model[\s\S]*total/);
    const image = await readImage(annotated);
    expect(image.width).toBe(600);
  });

  it('prints JSON for scripts', async () => {
    const { code, stdout } = await ocr('--json', '--no-cls', '--annotate', join(dir, 'j.png'));
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.lines).toHaveLength(3);
    expect(result.lines[0]).toMatchObject({ confidence: expect.any(Number), box: expect.any(Array), angle: 0 });
    expect(result.backends.cls).toEqual([]);
  });

  it('exits 1 with a typed message naming a bad image, 2 on usage errors', async () => {
    const bad = join(dir, 'bad.png');
    writeFileSync(bad, 'not an image');
    const failed = await ocr(bad);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`error LM_INPUT: ${bad}: not a PNG or JPEG image`);
    expect((await ocr('--engine', 'tflite')).code).toBe(2);
    expect((await ocr('--engine', 'tflite')).stderr).toContain(
      "unknown engine 'tflite' (lastmile, onnxruntime, onnxruntime-web)",
    );
    expect((await ocr('--threads', '0')).code).toBe(2);
    expect((await ocr('--det-limit', 'x')).code).toBe(2);
    expect((await ocr('--bogus')).code).toBe(2);
    expect((await ocr('--help')).stdout).toMatch(/^usage: pnpm ocr/);
  });
});
