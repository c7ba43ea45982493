/**
 * The command line: `pnpm bench [--quick] [--models ids] [--contestants ids] [--model file.onnx --shape
 * name=1x3x224x224] [--passes n] [--max-cell-seconds s] [--out dir] [--publish]`.
 */
import { parseArgs } from 'node:util';
import { InputError } from '@lastmile/core';
import { builtinModels, fileModel, type ModelSpec } from './models.js';
import { type Method, OCR_SUBJECT } from './protocol.js';

export interface BenchOptions {
  quick: boolean;
  models: ModelSpec[];
  /** Run apps/ocr's whole pipeline on its sample image too (model id 'ocr-pipeline'). */
  ocr: boolean;
  contestants?: string[];
  method: Method;
  passes: number;
  seed: number;
  profile: boolean;
  out?: string;
  publish: boolean;
  /** Rewrite the reports from this results.json instead of running. */
  reportFrom?: string;
  cellTimeoutMs: number;
  help: boolean;
}

export const USAGE = `usage: pnpm bench [options]
  --quick                  smoke run for CI: small inputs, few runs, one pass (checks every contestant runs and agrees)
  --models a,b             built-in models to run (default all): mobilenetV2, resnet18, squeezenet11, ppocr-det, ppocr-rec, ppocr-cls,
                           and ocr-pipeline (apps/ocr's whole pipeline on its sample image); 'none' for none
  --model file.onnx        add an ONNX model (repeatable)
  --shape name=1x3x224x224 dims of a symbolic model input (repeatable)
  --contestants a,b        contestants by id (reference, ort-node-1t, ...) or family (ort-web = both thread counts)
  --passes n               passes over all cells; the fastest counts (default 3, quick 1)
  --max-cell-seconds s     time budget of a cell's warm-up and timed runs (default 60, quick 15)
  --min-runs n             timed runs per cell at least (default 20, quick 3)
  --min-seconds s          timed seconds per cell at least (default 2, quick 0)
  --seed n                 seed of the input values (default 7)
  --no-profile             skip the per-layer profiles of lastmile backends
  --out dir                where results.json, report.md and latency.svg go (default apps/bench/results)
  --publish                also write BENCHMARKS.md at the repository root and its chart apps/bench/latency.svg
  --report-from file.json  rewrite the reports (and with --publish BENCHMARKS.md) from a results.json, running nothing
  --help`;

function positiveNumber(option: string, text: string | undefined, fallback: number, integer = false): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new InputError(
      `--${option} must be a ${integer ? 'non-negative integer' : 'non-negative number'}, got '${text}'`,
      { option, got: text },
    );
  }
  return value;
}

/** `name=1x3x224x224` pairs. */
export function parseShapes(texts: readonly string[]): Record<string, number[]> {
  const shapes: Record<string, number[]> = {};
  for (const text of texts) {
    const match = /^([^=]+)=(\d+(?:x\d+)*)$/.exec(text.trim());
    const dims = match?.[2].split('x').map(Number);
    if (match === null || dims === undefined || dims.some((d) => d < 1)) {
      throw new InputError(`--shape '${text}' is not name=DIMxDIM... with positive dims (e.g. x=1x3x224x224)`, {
        option: 'shape',
        got: text,
      });
    }
    shapes[match[1]] = dims;
  }
  return shapes;
}

const list = (text: string | undefined) =>
  text
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      quick: { type: 'boolean', default: false },
      models: { type: 'string' },
      model: { type: 'string', multiple: true, default: [] },
      shape: { type: 'string', multiple: true, default: [] },
      contestants: { type: 'string' },
      passes: { type: 'string' },
      'max-cell-seconds': { type: 'string' },
      'min-runs': { type: 'string' },
      'min-seconds': { type: 'string' },
      seed: { type: 'string' },
      'no-profile': { type: 'boolean', default: false },
      out: { type: 'string' },
      publish: { type: 'boolean', default: false },
      'report-from': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (positionals.length > 0)
    throw new InputError(`unexpected argument '${positionals[0]}' (models are added with --model)`, {
      got: positionals,
    });
  const quick = values.quick;
  const builtins = builtinModels(quick);
  const wanted = list(values.models);
  if (wanted !== undefined) {
    const unknown = wanted.filter((id) => id !== 'none' && id !== OCR_SUBJECT && !builtins.some((m) => m.id === id));
    if (unknown.length > 0)
      throw new InputError(`--models: unknown ${unknown.map((id) => `'${id}'`).join(', ')}`, {
        got: unknown,
        expected: [...builtins.map((m) => m.id), OCR_SUBJECT],
      });
  }
  const models = wanted === undefined ? builtins : builtins.filter((m) => wanted.includes(m.id));
  const ocr = wanted === undefined || wanted.includes(OCR_SUBJECT);
  const shapes = parseShapes(values.shape);
  for (const path of values.model) models.push(fileModel(path, shapes, new Set(models.map((m) => m.id))));
  if (models.length === 0 && !ocr)
    throw new InputError('no models to run: --models none needs at least one --model file.onnx', { option: 'models' });

  const maxCellMs = positiveNumber('max-cell-seconds', values['max-cell-seconds'], quick ? 15 : 60) * 1000;
  return {
    quick,
    models,
    ocr,
    contestants: list(values.contestants),
    method: {
      minWarmupMs: quick ? 0 : 1000,
      maxWarmupMs: quick ? 0 : 10_000,
      minRuns: Math.max(1, positiveNumber('min-runs', values['min-runs'], quick ? 3 : 20, true)),
      minTimedMs: positiveNumber('min-seconds', values['min-seconds'], quick ? 0 : 2) * 1000,
      maxCellMs,
    },
    passes: Math.max(1, positiveNumber('passes', values.passes, quick ? 1 : 3, true)),
    seed: positiveNumber('seed', values.seed, 7, true),
    profile: !values['no-profile'] && !quick,
    out: values.out,
    publish: values.publish,
    reportFrom: values['report-from'],
    // Session creation, the first run and the profiled run come on top of the budget: slow backends need room.
    cellTimeoutMs: Math.max(10 * 60_000, 4 * maxCellMs),
    help: values.help,
  };
}
