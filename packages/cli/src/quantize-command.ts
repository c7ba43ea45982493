/**
 * `lastmile quantize <model> --calibration <dir|file>... -o <model.qdq.onnx>`: calibrates the model on
 * images (or .npy / .pb tensors) streamed one at a time (an image resized to the input, RGB in 0..1, then
 * `--mean` / `--std`), each value's range chosen by the method's observer, and writes the QDQ model that
 * onnxruntime runs and, with `--table`, the calibration table. It then runs the first sample through the
 * float model and the QDQ model's integer kernels and prints how close each output stays.
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import {
  CALIBRATION_METHODS,
  type CalibrationMethod,
  evaluateGraph,
  optimize,
  type Tensor,
  writeCalibrationTable,
} from '@lastmile/core';
import { saveModel } from '@lastmile/onnx';
import { calibrateModel, qdqModel } from '@lastmile/quantize';
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
}

/** How one output of the first sample compares with the float model's. */
export interface OutputAgreement {
  name: string;
  cosine: number;
  sqnrDb: number;
}

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
  agreement: OutputAgreement[];
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

function agreement(name: string, float: Tensor, quantized: Tensor): OutputAgreement {
  const [x, y] = [float.data as Float32Array, quantized.data as Float32Array];
  let [dot, xx, yy, noise] = [0, 0, 0, 0];
  for (let i = 0; i < x.length; i++) {
    dot += x[i] * y[i];
    xx += x[i] * x[i];
    yy += y[i] * y[i];
    noise += (x[i] - y[i]) ** 2;
  }
  return { name, cosine: xx > 0 && yy > 0 ? dot / Math.sqrt(xx * yy) : 0, sqnrDb: 10 * Math.log10(xx / noise) };
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
  return { method, type: options.type as 'int8' | 'uint8', percentile, normalization };
}

export async function quantizeCommand(path: string, options: QuantizeOptions, ctx: CommandContext): Promise<void> {
  const { method, type, percentile, normalization } = choices(options);
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
  const quantized = qdqModel(model, table);
  await saveModel(quantized, options.output);
  if (options.table !== undefined) await writeCalibrationTable(options.table, table);

  const first = await read(files[0]);
  const float = evaluateGraph(model, first);
  const integer = evaluateGraph(optimize(quantized), first);
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
    agreement: model.graph.outputs
      .filter((o) => float[o.name]?.type === 'float32')
      .map((o) => agreement(o.name, float[o.name], integer[o.name])),
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
  ctx.out(`agreement    first sample, fp32 against the QDQ model's integer kernels (reference):`);
  for (const a of result.agreement)
    ctx.out(`  ${a.name}  cosine ${a.cosine.toFixed(5)}  SQNR ${a.sqnrDb.toFixed(1)} dB`);
}
