/**
 * What the orchestrating process and a cell's child process say to each other. Each cell (one model, one
 * contestant, one pass) runs in a fresh child: runtimes with process-global settings (ORT-web's thread
 * count) stay isolated, and no cell inherits another's JIT state or heap.
 */
import type { Verdict } from './compare.js';
import type { ProfileSummary } from './profile.js';
import type { Summary } from './stats.js';

export type ContestantFamily = 'lastmile' | 'ort-node' | 'ort-web';

/** One runtime configuration that competes. */
export interface ContestantSpec {
  /** Stable id used on the command line and in the JSON: `reference`, `cpu-neon-2t`, `ort-web-1t`. */
  id: string;
  label: string;
  family: ContestantFamily;
  /** The lastmile backend's short name (family 'lastmile'). */
  backend?: string;
  /** Threads asked for; undefined where threads do not apply. */
  threads?: number;
}

/** How long and how often a cell runs. */
export interface Method {
  /** Warm-up lasts at least this long (the first run included), then until run times are steady. */
  minWarmupMs: number;
  /** Warm-up never lasts longer than this. */
  maxWarmupMs: number;
  minRuns: number;
  minTimedMs: number;
  /** Budget for warm-up plus timed runs; when it binds, fewer runs are reported and the cell is marked. */
  maxCellMs: number;
}

export interface ModelInput {
  name: string;
  dims: number[];
}

export interface CellRequest {
  kind?: 'model';
  modelId: string;
  modelPath: string;
  /** onnxruntime-node's outputs on the seeded feeds (see outputs-file.ts). */
  expectedPath: string;
  inputs: ModelInput[];
  seed: number;
  contestant: ContestantSpec;
  method: Method;
  /** Also run once with per-node profiling (lastmile contestants only). */
  profile: boolean;
  /** Where lastmile backends are resolved from. */
  projectRoot: string;
}

/** The model id of the OCR pipeline's cells (and its id in `--models`). */
export const OCR_SUBJECT = 'ocr-pipeline';

/** One cell of the OCR pipeline: apps/ocr's whole pipeline on one image, end to end, on one contestant. */
export interface OcrCellRequest {
  kind: 'ocr';
  imagePath: string;
  /** The lines onnxruntime-node's engine reads off the image: what every contestant must read. */
  expectedLines: string[];
  contestant: ContestantSpec;
  method: Method;
  /** Where lastmile backends are resolved from. */
  projectRoot: string;
}

/** What the parent can ask a child to measure. */
export type AnyCellRequest = CellRequest | OcrCellRequest;

export type CellStatus = 'ok' | 'wrong' | 'failed';

/** The median time of one part of a pipeline over a cell's timed runs. */
export interface StageMedian {
  stage: string;
  ms: number;
}

/** What a child measured. Times are milliseconds. */
export interface CellResult {
  status: CellStatus;
  /** Why the cell failed or is wrong. */
  reason?: string;
  verdict?: Verdict;
  createMs?: number;
  firstRunMs?: number;
  /** Warm-up runs and time after the first run (which also warms up). */
  warmupRuns?: number;
  warmupMs?: number;
  samples?: number[];
  summary?: Summary;
  /** The time budget cut the timed runs short of `minRuns` / `minTimedMs`. */
  budgetBound?: boolean;
  /** CPU time of the cell's process per wall second during the timed runs: the cores it kept busy. */
  ownCores?: number;
  /** CPU time of everything else on the machine per wall second during the timed runs (Linux only). */
  foreignCores?: number;
  profile?: ProfileSummary;
  /** Why the profiled run failed, when it did. */
  profileError?: string;
  /** Pipeline cells: the median of each part over the timed runs. */
  stages?: StageMedian[];
}
