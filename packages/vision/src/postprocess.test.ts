import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tensor } from '@lastmile/core';
import { describe, expect, it } from 'vitest';
import { softmax, topK } from './classify.js';
import { ctcGreedyDecode, loadDictionary } from './ctc.js';
import { iou, nms, softNms, type Box } from './nms.js';

describe('softmax and top-k', () => {
  it('softmax is exp(v - max) normalized, stable for large inputs', () => {
    const p = softmax([1, 2, 3]);
    const e = [Math.exp(-2), Math.exp(-1), 1];
    const s = e[0] + e[1] + e[2];
    [...p].forEach((v, i) => expect(v).toBeCloseTo(e[i] / s, 7));
    expect([...softmax([1000, 1000])]).toEqual([0.5, 0.5]);
  });

  it('top-k ranks largest first, ties by index', () => {
    expect(topK([0.1, 0.7, 0.2, 0.7], 3)).toEqual([
      { index: 1, value: 0.7 },
      { index: 3, value: 0.7 },
      { index: 2, value: 0.2 },
    ]);
    expect(() => topK([1], -1)).toThrow(expect.objectContaining({ code: 'LM_INPUT' }));
  });
});

describe('NMS', () => {
  const boxes: Box[] = [
    [0, 0, 10, 10],
    [1, 0, 11, 10], // IoU with the first: 90 / 110
    [20, 20, 30, 30],
    [0, 0, 10, 5], // IoU with the first: 0.5
  ];
  const scores = [0.9, 0.8, 0.7, 0.6];

  it('IoU of continuous boxes', () => {
    expect(iou(boxes[0], boxes[1])).toBeCloseTo(90 / 110, 12);
    expect(iou(boxes[0], boxes[3])).toBe(0.5);
    expect(iou(boxes[0], boxes[2])).toBe(0);
  });

  it('greedy NMS keeps the best of each overlapping group', () => {
    expect(nms(boxes, scores, 0.5)).toEqual([0, 2, 3]);
    expect(nms(boxes, scores, 0.4)).toEqual([0, 2]);
    expect(nms(boxes, scores, 0.95)).toEqual([0, 1, 2, 3]);
  });

  it('soft-NMS decays overlapping scores (linear and gaussian)', () => {
    const linear = softNms(boxes, scores, { method: 'linear', iouThreshold: 0.3 });
    expect(linear.map((k) => k.index)).toEqual([0, 2, 3, 1]);
    expect(linear[2].score).toBeCloseTo(0.6 * 0.5, 12);
    // Box 1 is decayed by box 0 (IoU 90 / 110), then by box 3 (IoU 45 / 105).
    expect(linear[3].score).toBeCloseTo(0.8 * (1 - 90 / 110) * (1 - 45 / 105), 12);
    const gaussian = softNms(boxes, scores, { sigma: 0.5 });
    expect(gaussian[0]).toEqual({ index: 0, score: 0.9 });
    expect(gaussian.find((k) => k.index === 3)?.score).toBeCloseTo(0.6 * Math.exp(-0.25 / 0.5), 12);
  });
});

describe('CTC greedy decoding', () => {
  const classes = ['blank', 'a', 'b', ' '];
  /** One-hot-ish probabilities for a path of class indices. */
  const probs = (paths: number[][], p = 0.9) => {
    const t = paths[0].length;
    const data = new Float32Array(paths.length * t * 4).fill((1 - p) / 3);
    paths.forEach((path, n) => path.forEach((c, s) => (data[(n * t + s) * 4 + c] = p)));
    return new Tensor('float32', data, [paths.length, t, 4]);
  };

  it('merges repeats, drops blanks, keeps repeats split by a blank', () => {
    const [first, second] = ctcGreedyDecode(
      probs([
        [1, 1, 0, 1, 2, 2, 3, 2],
        [0, 0, 0, 0, 0, 0, 0, 0],
      ]),
      classes,
    );
    expect(first.text).toBe('aab b');
    expect(first.score).toBeCloseTo(0.9, 6);
    expect(second).toEqual({ text: '', score: 0 });
  });

  it('reads a blank run as a space where the space class reaches spaceThreshold, and only there', () => {
    // Path a _ _ b _ a: the first blank run carries some space probability, the second little.
    const tensor = probs([[1, 0, 0, 2, 0, 1]]);
    const data = tensor.data as Float32Array;
    const spaceAt = (step: number, p: number) => {
      data[step * 4 + 3] = p;
    };
    spaceAt(1, 0.01);
    spaceAt(2, 0.04);
    spaceAt(4, 0.005);
    expect(ctcGreedyDecode(tensor, classes)[0].text).toBe('aba');
    expect(ctcGreedyDecode(tensor, classes, { spaceThreshold: 0.03 })[0].text).toBe('a ba');
    expect(ctcGreedyDecode(tensor, classes, { spaceThreshold: 0.004 })[0].text).toBe('a b a');
    // No space class: the option has nothing to read.
    expect(ctcGreedyDecode(tensor, ['blank', 'a', 'b', 'c'], { spaceThreshold: 0.001 })[0].text).toBe('aba');
  });

  it('never doubles a space the model emits, nor starts a line with one', () => {
    const tensor = probs([[0, 1, 0, 3, 0, 2]]);
    const data = tensor.data as Float32Array;
    for (const step of [0, 2, 4]) data[step * 4 + 3] = 0.2;
    expect(ctcGreedyDecode(tensor, classes, { spaceThreshold: 0.1 })[0].text).toBe('a b');
  });

  it('refuses a dictionary that does not match the model', () => {
    expect(() => ctcGreedyDecode(probs([[1]]), ['blank', 'a'])).toThrow(expect.objectContaining({ code: 'LM_SHAPE' }));
  });

  it('loads a dictionary with blank first and space last; a missing one names the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dict-'));
    writeFileSync(join(dir, 'keys.txt'), 'a\nb\r\nc\n');
    expect(await loadDictionary(join(dir, 'keys.txt'))).toEqual(['blank', 'a', 'b', 'c', ' ']);
    expect(await loadDictionary(join(dir, 'keys.txt'), { useSpaceChar: false })).toEqual(['blank', 'a', 'b', 'c']);
    await expect(loadDictionary(join(dir, 'missing.txt'))).rejects.toMatchObject({
      code: 'LM_INPUT',
      details: { file: join(dir, 'missing.txt') },
    });
    writeFileSync(join(dir, 'empty.txt'), '');
    await expect(loadDictionary(join(dir, 'empty.txt'))).rejects.toMatchObject({
      code: 'LM_INPUT',
      details: { file: join(dir, 'empty.txt') },
    });
  });
});
