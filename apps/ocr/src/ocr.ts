/**
 * The OCR system, as PaddleOCR's TextSystem: detect text boxes, sort them top to bottom and left to
 * right, cut each out upright (perspective crop), turn the ones the classifier reads as upside down,
 * recognize the rest in batches of similar aspect ratio, and keep lines above the drop score.
 */
import { performance } from 'node:perf_hooks';
import type { SessionEvent } from '@lastmile/core';
import { ppocrDictionaryPath, ppocrModelPath } from '@lastmile/models';
import {
  cropQuad,
  loadDictionary,
  rotate,
  type Folding,
  type Image,
  type Quad,
  type StageTiming,
} from '@lastmile/vision';
import { openPipeline, type EngineName, type EnginePipeline } from './engine.js';
import {
  BATCH,
  CLS_THRESHOLD,
  DET_LIMIT_SIDE,
  DROP_SCORE,
  SPACE_THRESHOLD,
  bigEnough,
  byAspect,
  sortBoxes,
} from './ppocr.js';
import { clsSpec, detSpec, recSpec, type Direction } from './stages.js';
import type { Decoded, TextBox } from '@lastmile/vision';

/** Options of {@link createOcr}. */
export interface OcrOptions {
  engine?: EngineName;
  /** lastmile backends by priority (default ['cpu-neon', 'reference']). */
  backends?: readonly string[];
  /** Threads of every model run (default: each engine's own; onnxruntime-web: 1, fixed once per process). */
  threads?: number;
  /** Where lastmile backends are looked up (default: the session's, the current project). */
  projectRoot?: string;
  /** Run the direction classifier (default true). */
  classify?: boolean;
  /** det_limit_side_len (default 960). */
  detLimitSide?: number;
  /** Read word gaps the recognizer leaves blank as spaces (default true; false: PaddleOCR's plain greedy CTC). */
  wordGaps?: boolean;
  /** Character dictionary (default PP-OCR's ppocr_keys_v1.txt). */
  dictionary?: string;
  /** Session events (backend skipped or selected...). */
  onEvent?: (event: SessionEvent) => void;
}

/** One recognized line of text. */
export interface TextLine {
  text: string;
  /** Mean character probability of the recognizer. */
  confidence: number;
  /** Corners in source pixels: top-left, top-right, bottom-right, bottom-left. */
  box: Quad;
  /** Detection score of the box. */
  boxScore: number;
  /** 180 when the classifier turned the crop. */
  angle: 0 | 180;
}

/** What {@link Ocr.recognize} returns. */
export interface OcrResult {
  width: number;
  height: number;
  lines: TextLine[];
  /** Per stage (det.resize, det.normalize, det.model, det.post, crop, cls.*, rec.*), summed over batches. */
  timings: StageTiming[];
  totalMs: number;
}

/** A ready OCR system. */
export interface Ocr {
  recognize(image: Image): Promise<OcrResult>;
  /** The engine, and the backends of each model (those that took nodes in the last run). */
  readonly engine: EngineName;
  readonly backends: Readonly<Record<'det' | 'cls' | 'rec', readonly string[]>>;
  readonly folding: Readonly<Record<'det' | 'cls' | 'rec', Folding | undefined>>;
  dispose(): Promise<void>;
}

/** Opens the three PP-OCR models on the chosen engine. */
export async function createOcr(options: OcrOptions = {}): Promise<Ocr> {
  const engine = options.engine ?? 'lastmile';
  const session = {
    backends: options.backends ?? ['cpu-neon', 'reference'],
    threads: options.threads,
    projectRoot: options.projectRoot,
    onEvent: options.onEvent,
  };
  const dictionary = await loadDictionary(options.dictionary ?? ppocrDictionaryPath());
  const classify = options.classify ?? true;
  const opened: EnginePipeline<never, unknown>[] = [];
  try {
    const det = await openPipeline(
      detSpec(ppocrModelPath('det'), options.detLimitSide ?? DET_LIMIT_SIDE),
      engine,
      session,
    );
    opened.push(det as EnginePipeline<never, unknown>);
    const cls = classify ? await openPipeline(clsSpec(ppocrModelPath('cls')), engine, session) : undefined;
    if (cls) opened.push(cls as EnginePipeline<never, unknown>);
    const rec = await openPipeline(
      recSpec(ppocrModelPath('rec'), dictionary, {
        spaceThreshold: options.wordGaps === false ? undefined : SPACE_THRESHOLD,
      }),
      engine,
      session,
    );
    opened.push(rec as EnginePipeline<never, unknown>);
    return {
      engine,
      get backends() {
        return { det: det.backends, cls: cls?.backends ?? [], rec: rec.backends };
      },
      folding: { det: det.folding, cls: cls?.folding, rec: rec.folding },
      recognize: (image) => recognize(image, det, cls, rec),
      dispose: async () => {
        for (const p of opened) await p.dispose();
      },
    };
  } catch (error) {
    for (const p of opened) await p.dispose();
    throw error;
  }
}

/** Adds `timings` to `into` under `prefix.`, summing stages already there (one per batch). */
function account(into: Map<string, number>, prefix: string, timings: readonly StageTiming[]): void {
  for (const t of timings) into.set(`${prefix}.${t.stage}`, (into.get(`${prefix}.${t.stage}`) ?? 0) + t.ms);
}

/** Runs `pipe` over `items` in batches of similar aspect ratio; results in the items' order. */
async function inBatches<R>(
  items: readonly Image[],
  pipe: EnginePipeline<readonly Image[], R[]>,
  stage: string,
  times: Map<string, number>,
): Promise<R[]> {
  const order = byAspect(items);
  const results: R[] = new Array(items.length);
  for (let start = 0; start < order.length; start += BATCH) {
    const indices = order.slice(start, start + BATCH);
    const { output, timings } = await pipe.run(indices.map((i) => items[i]));
    account(times, stage, timings);
    indices.forEach((item, k) => {
      results[item] = output[k];
    });
  }
  return results;
}

async function recognize(
  image: Image,
  det: EnginePipeline<Image, TextBox[]>,
  cls: EnginePipeline<readonly Image[], Direction[]> | undefined,
  rec: EnginePipeline<readonly Image[], Decoded[]>,
): Promise<OcrResult> {
  const start = performance.now();
  const times = new Map<string, number>();
  const detected = await det.run(image);
  account(times, 'det', detected.timings);
  const boxes = sortBoxes(detected.output.filter((b) => bigEnough(b.quad)));

  const cropStart = performance.now();
  let crops = boxes.map((b) => cropQuad(image, b.quad));
  times.set('crop', performance.now() - cropStart);

  const angles: (0 | 180)[] = boxes.map(() => 0);
  if (cls !== undefined && crops.length > 0) {
    const directions = await inBatches(crops, cls, 'cls', times);
    crops = crops.map((crop, i) => {
      if (directions[i].label !== '180' || directions[i].score <= CLS_THRESHOLD) return crop;
      angles[i] = 180;
      return rotate(crop, 180);
    });
  }
  const texts = crops.length > 0 ? await inBatches(crops, rec, 'rec', times) : [];
  const lines = boxes
    .map(
      (b, i): TextLine => ({
        text: texts[i].text,
        confidence: texts[i].score,
        box: b.quad,
        boxScore: b.score,
        angle: angles[i],
      }),
    )
    .filter((line) => line.confidence >= DROP_SCORE);
  return {
    width: image.width,
    height: image.height,
    lines,
    timings: [...times].map(([stage, ms]) => ({ stage, ms })),
    totalMs: performance.now() - start,
  };
}
