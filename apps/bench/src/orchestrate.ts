/**
 * The bench run: prepare every model (and the OCR pipeline's reference reading), find the contestants,
 * then run the cells pass by pass, contestants interleaved (their order rotates each pass), each cell in
 * its own process; the OCR pipeline's cells come after the models' in each pass. The machine's load is
 * read before and after each cell; the best pass of each (subject, contestant) is kept, and noisy cells
 * marked.
 */
import { loadavg } from 'node:os';
import { discoverBackends, PEERS, selectContestants, type Skipped } from './contestants.js';
import { type ModelSpec, type PreparedModel, prepareModel } from './models.js';
import { OCR_PARTS, ocrContestants, ocrReference } from './ocr-pipeline.js';
import {
  type AnyCellRequest,
  type CellResult,
  type CellStatus,
  type ContestantSpec,
  type Method,
  OCR_SUBJECT,
} from './protocol.js';

export interface BenchConfig {
  models: readonly ModelSpec[];
  contestants?: readonly string[];
  method: Method;
  passes: number;
  seed: number;
  /** Take per-node profiles of lastmile contestants (first pass). */
  profile: boolean;
  /** Where lastmile backends are resolved from. */
  projectRoot: string;
  workDir: string;
  cores: number;
  /**
   * Also run apps/ocr's whole pipeline on this image (`label`: its name in the reports); `onePerEngine`
   * keeps one cell per engine (quick runs).
   */
  ocr?: { imagePath: string; label: string; onePerEngine: boolean };
}

export type ProgressEvent =
  | { type: 'preparing'; model: string }
  | { type: 'cell'; model: string; contestant: string; pass: number; done: number; total: number }
  | {
      type: 'cell-done';
      model: string;
      contestant: string;
      pass: number;
      status: CellStatus;
      done: number;
      total: number;
    };

export interface BenchDeps {
  runCell(request: AnyCellRequest): Promise<CellResult>;
  onProgress?(event: ProgressEvent): void;
}

/** One pass of one cell, as the parent saw it. */
export interface PassRecord {
  pass: number;
  status: CellStatus;
  median?: number;
  runs?: number;
  budgetBound?: boolean;
  /** 1-minute load average before and after the cell. */
  loadBefore: number;
  loadAfter: number;
  foreignCores?: number;
}

export interface CellOutcome {
  model: string;
  contestant: string;
  status: CellStatus;
  reason?: string;
  /** The pass with the lowest median (the first failing one, when none passed). */
  best: CellResult & { pass: number };
  passes: PassRecord[];
  /** Why the timings may not be trusted; empty when the cell looks clean. */
  noise: string[];
}

export interface ModelRecord {
  id: string;
  label: string;
  inputs?: PreparedModel['inputs'];
  macs?: number;
  macsError?: string;
  /** Why the model could not be prepared. */
  error?: string;
}

/** The OCR pipeline's part of a run; its cells name the model {@link OCR_SUBJECT}. */
export interface OcrRecord {
  /** The image, as the reports name it. */
  image: string;
  width?: number;
  height?: number;
  /** The text onnxruntime-node's engine reads, which every contestant must read. */
  lines?: string[];
  /** Why the pipeline could not be prepared. */
  error?: string;
  /** The parts each cell's run is split into, in order. */
  parts: string[];
  contestants: string[];
  skipped: Skipped[];
  cells: CellOutcome[];
}

export interface BenchRun {
  models: ModelRecord[];
  contestants: ContestantSpec[];
  skipped: Skipped[];
  cells: CellOutcome[];
  ocr?: OcrRecord;
}

/** Thresholds for calling a cell noisy. */
export const NOISE = {
  /** Cores other processes kept busy during the timed runs. */
  foreignCores: 0.25,
  /** p90 / p10 of the timed runs. */
  spread: 1.25,
} as const;

/** Why a cell's timings may not be trusted: other load on the machine, or a wide spread of run times. */
export function noiseReasons(result: CellResult, load: number, cores: number): string[] {
  const reasons: string[] = [];
  if (result.foreignCores !== undefined && result.foreignCores > NOISE.foreignCores)
    reasons.push(`other processes kept ${result.foreignCores.toFixed(2)} cores busy`);
  if (result.foreignCores === undefined && load > cores)
    reasons.push(`load average ${load.toFixed(2)} on ${cores} cores`);
  const s = result.summary;
  if (s !== undefined && s.runs >= 5 && s.p10 > 0 && s.p90 / s.p10 > NOISE.spread)
    reasons.push(`wide spread (p90/p10 = ${(s.p90 / s.p10).toFixed(2)})`);
  return reasons;
}

/** The contestants in pass `pass`'s order: rotated by one each pass, so none always runs first or last. */
export function rotate<T>(items: readonly T[], pass: number): T[] {
  if (items.length === 0) return [];
  const k = pass % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

function bestPass(results: readonly (CellResult & { pass: number })[]): CellResult & { pass: number } {
  const ok = results.filter((r) => r.status === 'ok' && r.summary !== undefined);
  if (ok.length === 0) return results.find((r) => r.status !== 'ok') ?? results[0];
  return ok.reduce((a, b) => ((b.summary?.median ?? Infinity) < (a.summary?.median ?? Infinity) ? b : a));
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function runBench(config: BenchConfig, deps: BenchDeps): Promise<BenchRun> {
  const discovered = await discoverBackends(config.projectRoot);
  const contestants = selectContestants([...discovered.contestants, ...PEERS], config.contestants, discovered.skipped);
  const skipped = discovered.skipped.filter(
    (s) => config.contestants === undefined || config.contestants.length === 0 || config.contestants.includes(s.id),
  );

  const models: ModelRecord[] = [];
  const prepared: PreparedModel[] = [];
  for (const spec of config.models) {
    deps.onProgress?.({ type: 'preparing', model: spec.id });
    try {
      const model = await prepareModel(spec, config.workDir, config.seed);
      prepared.push(model);
      models.push({
        id: model.id,
        label: model.label,
        inputs: model.inputs,
        macs: model.macs,
        macsError: model.macsError,
      });
    } catch (error) {
      models.push({ id: spec.id, label: spec.label, error: message(error) });
    }
  }

  let ocr: OcrRecord | undefined;
  const subjects: Subject[] = prepared.map((model) => ({
    kind: 'model',
    id: model.id,
    contestants,
    request: (contestant, pass) => ({
      modelId: model.id,
      modelPath: model.path,
      expectedPath: model.expectedPath,
      inputs: model.inputs,
      seed: config.seed,
      contestant,
      method: config.method,
      profile: config.profile && pass === 0,
      projectRoot: config.projectRoot,
    }),
  }));
  if (config.ocr !== undefined) {
    const { imagePath, label, onePerEngine } = config.ocr;
    deps.onProgress?.({ type: 'preparing', model: OCR_SUBJECT });
    const chosen = ocrContestants(contestants, onePerEngine);
    ocr = {
      image: label,
      parts: OCR_PARTS.map((p) => p.part),
      contestants: chosen.contestants.map((c) => c.id),
      skipped: chosen.skipped,
      cells: [],
    };
    try {
      const reference = await ocrReference(imagePath);
      Object.assign(ocr, reference);
      subjects.push({
        kind: 'ocr',
        id: OCR_SUBJECT,
        contestants: chosen.contestants,
        request: (contestant) => ({
          kind: 'ocr',
          imagePath,
          expectedLines: reference.lines,
          contestant,
          method: config.method,
          projectRoot: config.projectRoot,
        }),
      });
    } catch (error) {
      ocr.error = message(error);
    }
  }

  const results = new Map<string, (CellResult & { pass: number })[]>();
  const records = new Map<string, PassRecord[]>();
  const key = (subject: Subject, contestant: string) => `${subject.kind}\u0000${subject.id}\u0000${contestant}`;
  // A cell that is wrong, failed, or already used its whole time budget is not run again.
  const finished = new Set<string>();
  let total = subjects.reduce((n, s) => n + s.contestants.length, 0) * config.passes;
  let done = 0;
  for (let pass = 0; pass < config.passes; pass++) {
    for (const subject of subjects) {
      for (const contestant of rotate(subject.contestants, pass)) {
        const k = key(subject, contestant.id);
        if (finished.has(k)) {
          total--;
          continue;
        }
        deps.onProgress?.({ type: 'cell', model: subject.id, contestant: contestant.id, pass, done, total });
        const loadBefore = loadavg()[0];
        const result = await deps.runCell(subject.request(contestant, pass));
        const loadAfter = loadavg()[0];
        done++;
        deps.onProgress?.({
          type: 'cell-done',
          model: subject.id,
          contestant: contestant.id,
          pass,
          status: result.status,
          done,
          total,
        });
        if (result.status !== 'ok' || result.budgetBound) finished.add(k);
        results.set(k, [...(results.get(k) ?? []), { ...result, pass }]);
        records.set(k, [
          ...(records.get(k) ?? []),
          {
            pass,
            status: result.status,
            median: result.summary?.median,
            runs: result.summary?.runs,
            budgetBound: result.budgetBound,
            loadBefore,
            loadAfter,
            foreignCores: result.foreignCores,
          },
        ]);
      }
    }
  }

  const outcomes = (subject: Subject): CellOutcome[] => {
    const cells: CellOutcome[] = [];
    for (const contestant of subject.contestants) {
      const k = key(subject, contestant.id);
      const passResults = results.get(k) ?? [];
      if (passResults.length === 0) continue;
      const best = bestPass(passResults);
      // The profile is taken on the first pass; keep it whichever pass was fastest.
      const profile = passResults.find((r) => r.profile !== undefined)?.profile;
      const passRecords = records.get(k) ?? [];
      const record = passRecords.find((r) => r.pass === best.pass);
      cells.push({
        model: subject.id,
        contestant: contestant.id,
        status: best.status,
        reason: best.reason,
        best: profile === undefined ? best : { ...best, profile },
        passes: passRecords,
        noise:
          best.status === 'ok'
            ? noiseReasons(best, Math.max(record?.loadBefore ?? 0, record?.loadAfter ?? 0), config.cores)
            : [],
      });
    }
    return cells;
  };
  const cells = subjects.filter((s) => s.kind === 'model').flatMap(outcomes);
  if (ocr !== undefined) ocr.cells = subjects.filter((s) => s.kind === 'ocr').flatMap(outcomes);
  return { models, contestants, skipped, cells, ...(ocr === undefined ? {} : { ocr }) };
}

/** What the passes run: a model, or the OCR pipeline, with its contestants and each cell's request. */
interface Subject {
  kind: 'model' | 'ocr';
  id: string;
  contestants: readonly ContestantSpec[];
  request(contestant: ContestantSpec, pass: number): AnyCellRequest;
}
