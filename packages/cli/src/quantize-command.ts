/**
 * `lastmile quantize <model> --calibration <dir|file>... -o <model.qdq.onnx>`: calibrates the model on
 * images (or .npy / .pb tensors) streamed one at a time (an image resized to the input, RGB in 0..1, then
 * `--mean` / `--std`), each value's range chosen by the method's observer, and writes the QDQ model that
 * onnxruntime runs and, with `--table`, the calibration table. The first samples then run through the
 * float model and the QDQ model's integer kernels: how close each output and each activation stays.
 * With `--min-sqnr`, activations are kept in float, one at a time, until every output meets it.
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { CALIBRATION_METHODS, type CalibrationMethod, optimize, writeCalibrationTable } from '@lastmile/core';
import { saveModel } from '@lastmile/onnx';
import {
  type Agreement,
  type AgreementReport,
  agreementOf,
  calibrateModel,
  chooseMixedPrecision,
  type PrecisionStep,
  qdqModel,
} from '@lastmile/quantize';
import type { CommandContext } from './context.js';
import { ExitCode, failingWith, UsageError } from './exit-codes.js';
import type { ImageNormalization } from './image-input.js';
import { toJson } from './json-output.js';
import { loadModelFile } from './model-file.js';
import { readInputTensor } from './model-inputs.js';
import { parseNumberList } from './numbers.js';
import { startProgress } from './progress.js';
import { parseShapeOptions } from './shape-options.js';

/** Options of `lastmile quantize`, as commander parses them. */
export interface QuantizeOptions {
  calibration: string[];
  output: string;
  table?: string;
  method: string;
  percentile?: string;
  type: string;
  symmetric: boolean;
  mean?: string;
  std?: string;
  shape: string[];
  minSqnr?: string;
}

/** Samples the agreement (and the mixed-precision search) runs: the first ones. */
const CHECK_SAMPLES = 4;

/** The --json result of `lastmile quantize`. */
export interface QuantizeResult {
  model: string;
  output: string;
  table?: string;
  method: CalibrationMethod;
  type: 'int8' | 'uint8';
  symmetric: boolean;
  samples: number;
  values: number;
  quantizeNodes: number;
  /** Activations kept in float to meet --min-sqnr, in the order chosen. */
  float: PrecisionStep[];
  /** fp32 against the QDQ model's integer kernels over the first samples: each output, each value. */
  agreement: AgreementReport;
}

/** Files a calibration set is read from. */
const IMAGE_FILES = new Set(['.png', '.jpg', '.jpeg']);
const SAMPLE_FILES = new Set([...IMAGE_FILES, '.npy', '.pb']);

/** The calibration files: each file given, and the sample files of each folder given, in name order. */
export function calibrationFiles(entries: readonly string[]): string[] {
  const files: string[] = [];
  for (const entry of entries) {
    let folder = false;
    try {
      folder = statSync(entry).isDirectory();
    } catch {
      throw new UsageError(`--calibration '${entry}' does not exist`);
    }
    if (!folder) files.push(entry);
    else
      files.push(
        ...readdirSync(entry)
          .filter((name) => SAMPLE_FILES.has(extname(name).toLowerCase()))
          .sort()
          .map((name) => join(entry, name)),
      );
  }
  if (files.length === 0)
    throw new UsageError(`--calibration ${entries.join(', ')} holds no .png, .jpg, .npy or .pb file`);
  return files;
}

function choices(options: QuantizeOptions) {
  const method = options.method as CalibrationMethod;
  if (!CALIBRATION_METHODS.includes(method))
    throw new UsageError(`--method must be one of ${CALIBRATION_METHODS.join(', ')}, got '${options.method}'`);
  if (options.type !== 'int8' && options.type !== 'uint8')
    throw new UsageError(`--type must be int8 or uint8, got '${options.type}'`);
  const percentile = options.percentile === undefined ? undefined : Number(options.percentile);
  if (percentile !== undefined && !(percentile > 50 && percentile <= 100))
    throw new UsageError(`--percentile must be a number in (50, 100], got '${options.percentile}'`);
  if ((options.mean === undefined) !== (options.std === undefined))
    throw new UsageError('--mean and --std go together');
  const normalization: ImageNormalization | undefined =
    options.mean === undefined
      ? undefined
      : { mean: parseNumberList(options.mean, '--mean'), std: parseNumberList(options.std as string, '--std') };
  if (normalization?.std.some((s) => s === 0)) throw new UsageError('--std must not hold a 0');
  const minSqnrDb = options.minSqnr === undefined ? undefined : Number(options.minSqnr);
  if (minSqnrDb !== undefined && !Number.isFinite(minSqnrDb))
    throw new UsageError(`--min-sqnr must be a number of dB, got '${options.minSqnr}'`);
  return { method, type: options.type as 'int8' | 'uint8', percentile, normalization, minSqnrDb };
}

export async function quantizeCommand(path: string, options: QuantizeOptions, ctx: CommandContext): Promise<void> {
  const { method, type, percentile, normalization, minSqnrDb } = choices(options);
  const files = calibrationFiles(options.calibration);
  const model = optimize(await loadModelFile(path, ctx));
  const inputs = model.graph.inputs;
  if (inputs.length !== 1)
    throw new UsageError(`lastmile quantize calibrates one-input models; this one takes ${inputs.length}`);
  const [info] = inputs;
  const shape = parseShapeOptions(options.shape, inputs).get(info.name);
  // --shape sizes images; a tensor file's shape is its own.
  const isImage = (file: string) => IMAGE_FILES.has(extname(file).toLowerCase());
  const read = (file: string) =>
    failingWith(ExitCode.Usage, () =>
      readInputTensor(file, info, isImage(file) ? shape : undefined, normalization),
    ).then((t) => ({
      [info.name]: t,
    }));
  const progress = startProgress('calibrating', files.length);
  async function* samples() {
    for (const file of files) {
      yield await read(file);
      progress.tick();
    }
  }
  let table: Awaited<ReturnType<typeof calibrateModel>>;
  try {
    table = await calibrateModel(model, samples(), {
      method,
      type,
      symmetric: options.symmetric,
      ...(percentile !== undefined ? { percentile } : {}),
    });
  } finally {
    progress.stop();
  }
  const checks = await Promise.all(files.slice(0, CHECK_SAMPLES).map(read));
  const mixed = minSqnrDb === undefined ? undefined : chooseMixedPrecision(model, table, checks, { minSqnrDb });
  if (mixed && !mixed.met)
    ctx.notice(
      `--min-sqnr ${minSqnrDb} dB is not met with ${mixed.float.length} activations in float; writing that model`,
    );
  const quantized = qdqModel(model, table, { float: mixed?.float ?? [] });
  const report = mixed?.report ?? agreementOf(model, quantized, checks);
  await saveModel(quantized, options.output);
  if (options.table !== undefined) await writeCalibrationTable(options.table, table);
  const result: QuantizeResult = {
    model: path,
    output: options.output,
    ...(options.table !== undefined ? { table: options.table } : {}),
    method,
    type,
    symmetric: options.symmetric,
    samples: table.samples,
    values: table.values.size,
    quantizeNodes: quantized.graph.nodes.filter((n) => n.opType === 'QuantizeLinear').length,
    float: mixed?.steps ?? [],
    agreement: report,
  };
  if (ctx.json) {
    ctx.out(toJson(result));
    return;
  }
  const form = `${type}${options.symmetric ? ' symmetric' : ''}`;
  ctx.out(`model        ${path}`);
  ctx.out(`calibration  ${table.samples} samples, method ${method}, ${form}; ${table.values.size} values`);
  ctx.out(
    `wrote        ${options.output} (${result.quantizeNodes} QuantizeLinear)${options.table ? `, ${options.table}` : ''}`,
  );
  for (const step of result.float)
    ctx.out(`float        ${step.value} (${step.op}): outputs at ${step.outputSqnrDb.toFixed(1)} dB after`);
  const line = (a: Agreement) =>
    `  ${a.value}${a.op ? ` (${a.op})` : ''}  cosine ${a.cosine.toFixed(5)}  SQNR ${a.sqnrDb.toFixed(1)} dB`;
  ctx.out(`agreement    fp32 against the QDQ model's integer kernels (reference), ${checks.length} samples:`);
  for (const a of report.outputs) ctx.out(line(a));
  ctx.out('lowest       the activations of lowest SQNR:');
  for (const a of [...report.values].sort((x, y) => x.sqnrDb - y.sqnrDb).slice(0, 5)) ctx.out(line(a));
}
