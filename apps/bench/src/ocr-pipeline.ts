/**
 * The OCR pipeline as a bench subject: apps/ocr's whole pipeline (decode, det, DB boxes, crops, cls,
 * rec, CTC) on one image, end to end. Its stages are summed into the parts the report shows, each
 * contestant maps to an OCR engine, and the image's text as onnxruntime-node's engine reads it is what
 * every contestant must read.
 */
import { readFile } from 'node:fs/promises';
import { createOcr, type OcrOptions } from '@lastmile/ocr';
import { decodeImage, type StageTiming } from '@lastmile/vision';
import type { Skipped } from './contestants.js';
import type { ContestantSpec, StageMedian } from './protocol.js';
import { median } from './stats.js';

/** The parts of an OCR run the report splits it into, and the pipeline stages each sums. */
export const OCR_PARTS: readonly { part: string; stages: readonly string[] }[] = [
  {
    part: 'pre-processing',
    stages: [
      'decode',
      'det.resize',
      'det.normalize',
      'crop',
      'cls.resize',
      'cls.normalize',
      'rec.resize',
      'rec.normalize',
    ],
  },
  { part: 'det', stages: ['det.model'] },
  { part: 'DB post', stages: ['det.post'] },
  { part: 'cls', stages: ['cls.model', 'cls.post'] },
  { part: 'rec', stages: ['rec.model'] },
  { part: 'CTC', stages: ['rec.post'] },
];

/** Each part's time in one run. */
export function partsOf(timings: readonly StageTiming[]): StageMedian[] {
  return OCR_PARTS.map(({ part, stages }) => ({
    stage: part,
    ms: timings.filter((t) => stages.includes(t.stage)).reduce((sum, t) => sum + t.ms, 0),
  }));
}

/** Each part's median over runs. */
export function partMedians(runs: readonly (readonly StageTiming[])[]): StageMedian[] {
  if (runs.length === 0) return [];
  const perRun = runs.map(partsOf);
  return OCR_PARTS.map(({ part }, i) => ({ stage: part, ms: median(perRun.map((r) => r[i].ms)) }));
}

/** How a contestant runs the OCR pipeline: the engine, its backend and threads. */
export function ocrOptionsOf(contestant: ContestantSpec): OcrOptions {
  switch (contestant.family) {
    case 'lastmile':
      return { engine: 'lastmile', backends: [contestant.backend ?? contestant.id], threads: contestant.threads };
    case 'ort-node':
      return { engine: 'onnxruntime', threads: contestant.threads ?? 1 };
    case 'ort-web':
      return { engine: 'onnxruntime-web', threads: contestant.threads ?? 1 };
  }
}

/** Backends that do not run the OCR pipeline: the naive reference takes about 30 s a run, by design. */
const TOO_SLOW = new Set(['reference']);

/**
 * The contestants of the OCR pipeline among `all`; with `onePerEngine` (a quick run) only the fewest
 * threads of each engine (one lastmile backend, onnxruntime-node, onnxruntime-web).
 */
export function ocrContestants(
  all: readonly ContestantSpec[],
  onePerEngine: boolean,
): { contestants: ContestantSpec[]; skipped: Skipped[] } {
  const skipped: Skipped[] = [];
  const seen = new Set<string>();
  const contestants: ContestantSpec[] = [];
  const byThreads = [...all].sort((a, b) => (a.threads ?? 0) - (b.threads ?? 0));
  for (const c of byThreads) {
    if (c.family === 'lastmile' && TOO_SLOW.has(c.backend ?? c.id)) {
      skipped.push({
        id: c.id,
        reason: 'not run on the OCR pipeline: the naive reference backend takes about 30 s a run',
      });
      continue;
    }
    const engine = `${c.family}:${c.backend ?? ''}`;
    if (onePerEngine && seen.has(engine)) continue;
    seen.add(engine);
    contestants.push(c);
  }
  // Back in the given order, so the pipeline's cells interleave as the models' do.
  return { contestants: all.filter((c) => contestants.includes(c)), skipped };
}

/** What onnxruntime-node's engine reads off the image, and its size. */
export async function ocrReference(imagePath: string): Promise<{ width: number; height: number; lines: string[] }> {
  const image = decodeImage(new Uint8Array(await readFile(imagePath)), { file: imagePath });
  const ocr = await createOcr({ engine: 'onnxruntime', threads: 1 });
  try {
    const result = await ocr.recognize(image);
    return { width: image.width, height: image.height, lines: result.lines.map((l) => l.text) };
  } finally {
    await ocr.dispose();
  }
}
