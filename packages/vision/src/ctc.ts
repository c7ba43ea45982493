/**
 * CTC greedy decoding, as PaddleOCR's CTCLabelDecode: best class per time step, repeats merged, blanks
 * (index 0) dropped; the confidence is the mean probability of the kept characters.
 *
 * Optionally, word gaps the greedy path reads as blank become spaces: models trained mostly on Chinese
 * (PP-OCR) see few spaces, so at a gap between two English words the space class rises well above its
 * level inside words without winning the argmax (PP-OCRv4, 16 rendered lines in 12 fonts: 0.026-0.49
 * at gaps, under 0.001 inside words).
 */
import { readFile } from 'node:fs/promises';
import { InputError, ShapeError, type Tensor } from '@lastmile/core';

/** Reads a character dictionary (one character a line) as the CTC classes: blank at 0, the lines, and a space last when `useSpaceChar` (default true, as PP-OCR). */
export async function loadDictionary(path: string, options: { useSpaceChar?: boolean } = {}): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError(
      `${path}: cannot read the character dictionary (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      { file: path },
      { cause: error },
    );
  }
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  if (lines.length === 0) throw new InputError(`${path}: the character dictionary is empty`, { file: path, got: 0 });
  return ['blank', ...lines, ...((options.useSpaceChar ?? true) ? [' '] : [])];
}

/** One decoded sequence. */
export interface Decoded {
  text: string;
  /** Mean probability of the kept characters; 0 when none is kept. */
  score: number;
}

/** Options of {@link ctcGreedyDecode}. */
export interface CtcOptions {
  /**
   * Where a run of blank steps between two characters has a step whose space probability reaches this,
   * a space is read there (needs a space class, last). Default: off, PaddleOCR's plain greedy path.
   */
  spaceThreshold?: number;
}

/** Decodes probabilities [N, T, classes] (softmax already applied, as PP-OCR's output) with `classes` names. */
export function ctcGreedyDecode(probs: Tensor, classes: readonly string[], options: CtcOptions = {}): Decoded[] {
  if (probs.type !== 'float32' || probs.dims.length !== 3) {
    throw new ShapeError(
      `CTC decoding needs float32 probabilities [N, T, classes], got ${probs.type} [${probs.dims.join(', ')}]`,
      { expected: 'float32 [N, T, C]', got: probs.dims },
    );
  }
  const [n, t, c] = probs.dims;
  if (c !== classes.length) {
    throw new ShapeError(
      `the model has ${c} classes but the dictionary gives ${classes.length} (blank + characters + space)`,
      { expected: classes.length, got: c },
    );
  }
  const space = classes.at(-1) === ' ' ? c - 1 : -1;
  const threshold = space < 0 ? Number.POSITIVE_INFINITY : (options.spaceThreshold ?? Number.POSITIVE_INFINITY);
  const data = probs.data as Float32Array;
  const out: Decoded[] = [];
  for (let b = 0; b < n; b++) {
    let text = '';
    let sum = 0;
    let kept = 0;
    let previous = -1;
    // The highest space probability in the current run of blanks.
    let gap = 0;
    for (let step = 0; step < t; step++) {
      const base = (b * t + step) * c;
      let best = 0;
      for (let k = 1; k < c; k++) if (data[base + k] > data[base + best]) best = k;
      if (best === 0) {
        if (space >= 0) gap = Math.max(gap, data[base + space]);
      } else if (best !== previous) {
        if (gap >= threshold && best !== space && text !== '' && !text.endsWith(' ')) text += ' ';
        gap = 0;
        text += classes[best];
        sum += data[base + best];
        kept++;
      }
      previous = best;
    }
    out.push({ text, score: kept === 0 ? 0 : sum / kept });
  }
  return out;
}
