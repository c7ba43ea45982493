import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createImage, encodePng } from '@lastmile/vision';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from './run-command.js';
import { lastmile, reluModel, tempDir, writeModel } from './testing.js';

let dir: string;
let png: string;

beforeAll(() => {
  dir = tempDir();
  // A 2x1 RGB image: a red-ish and a blue-ish pixel.
  png = join(dir, 'two.png');
  writeFileSync(png, encodePng(createImage(2, 1, 'rgb', new Uint8Array([255, 51, 0, 0, 102, 255]))));
});

const first = (stdout: string) => (JSON.parse(stdout) as RunResult).outputs[0];

describe('lastmile run with an image input (built CLI as a process)', () => {
  it('feeds an image as NCHW RGB in 0..1 at its own size when height and width are symbolic', async () => {
    const model = writeModel(dir, 'nchw.onnx', reluModel([1, 3, 'h', 'w']));
    const r = await lastmile(['run', model, '--input', `x=${png}`, '--json']);
    expect(r.code).toBe(0);
    const y = first(r.stdout);
    expect(y.shape).toEqual([1, 3, 1, 2]);
    expect(y.first.map((v) => Math.round(v * 255))).toEqual([255, 0, 51, 102, 0, 255]);
  });

  it('lays the image out NHWC when the last dim holds the channels, and gray for one channel', async () => {
    const nhwc = await lastmile([
      'run',
      writeModel(dir, 'nhwc.onnx', reluModel([1, 'h', 'w', 3])),
      '--input',
      `x=${png}`,
      '--json',
    ]);
    expect(first(nhwc.stdout).first.map((v) => Math.round(v * 255))).toEqual([255, 51, 0, 0, 102, 255]);
    const gray = await lastmile([
      'run',
      writeModel(dir, 'gray.onnx', reluModel([1, 1, 'h', 'w'])),
      '--input',
      `x=${png}`,
      '--json',
    ]);
    // BT.601 luma: 0.299 R + 0.587 G + 0.114 B.
    expect(first(gray.stdout).first.map((v) => Math.round(v * 255))).toEqual([106, 89]);
  });

  it('resizes the image to the input size, fixed or given with --shape', async () => {
    const fixed = await lastmile([
      'run',
      writeModel(dir, 'fixed.onnx', reluModel([1, 3, 2, 4])),
      '--input',
      `x=${png}`,
      '--json',
    ]);
    expect(fixed.code).toBe(0);
    expect(first(fixed.stdout).shape).toEqual([1, 3, 2, 4]);
    const given = await lastmile([
      'run',
      writeModel(dir, 'free.onnx', reluModel(['n', 3, 'h', 'w'])),
      '--input',
      `x=${png}`,
      '--shape',
      'x=1x3x3x5',
      '--json',
    ]);
    expect(first(given.stdout).shape).toEqual([1, 3, 3, 5]);
  });

  it('exits 2 for a truncated image or an image fed to a non-image input, naming the file', async () => {
    const cut = join(dir, 'cut.png');
    writeFileSync(cut, encodePng(createImage(8, 8)).subarray(0, 20));
    const model = writeModel(dir, 'img.onnx', reluModel([1, 3, 'h', 'w']));
    const truncated = await lastmile(['run', model, '--input', `x=${cut}`]);
    expect(truncated.code).toBe(2);
    expect(truncated.stderr).toMatch(/^lastmile: error LM_INPUT: .*cut\.png: truncated or malformed png header$/m);
    const flat = await lastmile(['run', writeModel(dir, 'flat.onnx', reluModel([1, 6])), '--input', `x=${png}`]);
    expect(flat.code).toBe(2);
    expect(flat.stderr).toMatch(/input 'x' has shape 1x6; an image feeds a rank-4 NCHW or NHWC input \(.*two\.png\)/);
  });
});
