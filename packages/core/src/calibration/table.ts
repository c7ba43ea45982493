/**
 * The calibration table: for one model (by hash), the range every float value took over a set of
 * samples and the int8/uint8 parameters chosen from it. It is built once, streaming the samples through
 * the reference interpreter, kept as a versioned JSON file, and given to sessions (`calibrationTable`),
 * whose quantizing backends then take their parameters from it instead of calibrating again.
 */
import { sha256 } from '../artifact/container.js';
import { FieldReader } from '../artifact/field-reader.js';
import { encodeModel } from '../artifact/model-image.js';
import { ArtifactMismatchError, SerializationError } from '../errors.js';
import type { Model, Quantization } from '../ir/graph.js';
import { evaluateGraphUntil } from '../ir/interpret.js';
import { readRegularFile, writeFileAtomic } from '../files.js';
import { EIGHT_BIT_RANGE, type Tensor } from '../tensor.js';

const FORMAT = 'lastmile-calibration';
const VERSION = 1;

/** What one value did over the samples, and the parameters chosen for it. */
export interface CalibrationEntry {
  /** The smallest and largest finite value seen. */
  min: number;
  max: number;
  /** Values seen that were NaN or infinite (left out of the range). */
  nonFinite: number;
  quant: Quantization;
}

/**
 * How a table's ranges were chosen from what the values did: `minmax` takes the extremes; the others
 * (observers of @lastmile/quantize) clip outliers: a moving average of per-sample extremes, a percentile,
 * the entropy (KL divergence) threshold of TensorRT, the range of least quantization error (MSE).
 */
export const CALIBRATION_METHODS = ['minmax', 'moving-average', 'percentile', 'entropy', 'mse'] as const;
export type CalibrationMethod = (typeof CALIBRATION_METHODS)[number];

/**
 * Watches one value over the samples and chooses the range its parameters cover: `observe` gets each
 * sample's finite values, `range` answers once all were seen.
 */
export interface ValueObserver {
  observe(values: Float32Array): void;
  range(): { min: number; max: number };
}

/** A calibration table (see the module comment). */
export interface CalibrationTable {
  /** SHA-256 of the model's image, as the session holds it (optimized). */
  modelHash: string;
  /** How the ranges were chosen; the parameters are asymmetric (or symmetric) over them, zero exact. */
  method: CalibrationMethod;
  /** Parameters symmetric around zero (zero point 0 for int8, 128 for uint8). */
  symmetric?: boolean;
  type: 'int8' | 'uint8';
  /** Samples the statistics come from. */
  samples: number;
  values: Map<string, CalibrationEntry>;
}

/** The hash a table records for `model`. */
export function modelHash(model: Model): string {
  return sha256(encodeModel(model));
}

/** Refuses (ArtifactMismatchError) a table computed for another model than `model`. */
export function checkTableFor(table: CalibrationTable, model: Model): void {
  const hash = modelHash(model);
  if (table.modelHash !== hash)
    throw new ArtifactMismatchError(
      `the calibration table was computed for model ${table.modelHash.slice(0, 12)}, this one is ${hash.slice(0, 12)}: calibrate this model`,
      { field: 'modelHash', expected: hash, got: table.modelHash },
    );
}

/**
 * Parameters covering [min, max] and zero, with a float32 scale: asymmetric, or symmetric around zero
 * (the range widened to [-m, m], m the larger magnitude).
 */
export function minMaxQuantization(min: number, max: number, type: 'int8' | 'uint8', symmetric = false): Quantization {
  const [qmin, qmax] = EIGHT_BIT_RANGE[type];
  const m = Math.max(Math.abs(min), Math.abs(max));
  const lo = symmetric ? -m : Math.min(min, 0);
  const hi = symmetric ? m : Math.max(max, 0);
  const scale = Math.fround(hi > lo ? (hi - lo) / (qmax - qmin) : 1);
  const zeroPoint = Math.min(qmax, Math.max(qmin, Math.round(qmin - lo / scale)));
  return { scale: [scale], zeroPoint: [zeroPoint] };
}

/** Options of {@link calibrate}. */
export interface CalibrateOptions {
  /** The integer type parameters are chosen for (default int8). */
  type?: 'int8' | 'uint8';
  /** Parameters symmetric around zero (default: asymmetric). */
  symmetric?: boolean;
  /**
   * How ranges are chosen: a method name and an observer per value (from @lastmile/quantize's
   * observers); default `minmax`, the extremes.
   */
  observer?: { method: CalibrationMethod; create: (value: string) => ValueObserver };
  signal?: AbortSignal;
}

/**
 * Runs `model` on every sample in turn (an async iterable streams them: hundreds of images need only
 * one in memory) and tabulates the range of every float value: graph inputs and every node output.
 */
export async function calibrate(
  model: Model,
  samples: AsyncIterable<Record<string, Tensor>> | Iterable<Record<string, Tensor>>,
  options: CalibrateOptions = {},
): Promise<CalibrationTable> {
  const type = options.type ?? 'int8';
  const symmetric = options.symmetric === true;
  const ranges = new Map<string, { min: number; max: number; nonFinite: number; observer?: ValueObserver }>();
  const observe = (name: string, value: Tensor) => {
    if (value.type !== 'float32') return;
    let r = ranges.get(name);
    if (r === undefined) {
      r = { min: Infinity, max: -Infinity, nonFinite: 0, observer: options.observer?.create(name) };
      ranges.set(name, r);
    }
    const data = value.data as Float32Array;
    let finite = 0;
    for (const v of data) {
      if (!Number.isFinite(v)) r.nonFinite++;
      else {
        finite++;
        if (v < r.min) r.min = v;
        if (v > r.max) r.max = v;
      }
    }
    r.observer?.observe(finite === data.length ? data : data.filter(Number.isFinite));
  };
  let count = 0;
  for await (const feeds of samples) {
    for (const input of model.graph.inputs) if (feeds[input.name]) observe(input.name, feeds[input.name]);
    await evaluateGraphUntil(options.signal, model, { ...feeds }, { onValue: observe });
    count++;
  }
  if (count === 0) throw new SerializationError('calibration needs at least one sample, got none', { samples: 0 });
  const values = new Map<string, CalibrationEntry>();
  for (const [name, r] of ranges) {
    const [min, max] = r.min <= r.max ? [r.min, r.max] : [0, 0];
    const chosen = r.observer && r.min <= r.max ? r.observer.range() : { min, max };
    values.set(name, {
      min,
      max,
      nonFinite: r.nonFinite,
      quant: minMaxQuantization(chosen.min, chosen.max, type, symmetric),
    });
  }
  return {
    modelHash: modelHash(model),
    method: options.observer?.method ?? 'minmax',
    ...(symmetric ? { symmetric } : {}),
    type,
    samples: count,
    values,
  };
}

/** The table as its JSON file's text. */
export function encodeCalibrationTable(table: CalibrationTable): string {
  const { values, ...rest } = table;
  return `${JSON.stringify({ format: FORMAT, version: VERSION, ...rest, values: Object.fromEntries(values) }, null, 1)}\n`;
}

/** A table from its file's text: SerializationError naming the first field that is wrong. */
export function decodeCalibrationTable(text: string, what = 'calibration table'): CalibrationTable {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SerializationError(`${what}: not JSON: ${(error as Error).message}`, { what });
  }
  const r = new FieldReader(what);
  const o = r.object(json, 'table');
  if (o.format !== FORMAT) r.fail('format', `'${FORMAT}'`, o.format);
  if (o.version !== VERSION) r.fail('version', `${VERSION} (this core reads no other)`, o.version);
  if (!(CALIBRATION_METHODS as readonly unknown[]).includes(o.method))
    r.fail('method', CALIBRATION_METHODS.map((m) => `'${m}'`).join(', '), o.method);
  if (o.symmetric !== undefined && typeof o.symmetric !== 'boolean') r.fail('symmetric', 'a boolean', o.symmetric);
  if (o.type !== 'int8' && o.type !== 'uint8') r.fail('type', "'int8' or 'uint8'", o.type);
  const number = (v: unknown, path: string) =>
    typeof v === 'number' && Number.isFinite(v) ? v : r.fail(path, 'a finite number', v);
  const values = new Map(
    Object.entries(r.object(o.values, 'values')).map(([name, v]) => {
      const e = r.object(v, `values.${name}`);
      const entry: CalibrationEntry = {
        min: number(e.min, `values.${name}.min`),
        max: number(e.max, `values.${name}.max`),
        nonFinite: r.int(e.nonFinite, `values.${name}.nonFinite`),
        quant: r.quantization(e.quant, `values.${name}.quant`),
      };
      return [name, entry];
    }),
  );
  return {
    modelHash: r.string(o.modelHash, 'modelHash'),
    method: o.method as CalibrationMethod,
    ...(o.symmetric === true ? { symmetric: true } : {}),
    type: o.type as 'int8' | 'uint8',
    samples: r.int(o.samples, 'samples'),
    values,
  };
}

/** Writes the table to `path` (atomically). */
export async function writeCalibrationTable(path: string, table: CalibrationTable): Promise<void> {
  await writeFileAtomic(path, new TextEncoder().encode(encodeCalibrationTable(table)));
}

/** Reads a table written by {@link writeCalibrationTable}. */
export async function readCalibrationTable(path: string): Promise<CalibrationTable> {
  const bytes = await readRegularFile(path, 'calibration table');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new SerializationError(`calibration table '${path}' is not UTF-8 text`, { path });
  }
  return decodeCalibrationTable(text, `calibration table '${path}'`);
}
