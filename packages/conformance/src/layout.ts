/**
 * The ONNX backend-test layout, as onnxruntime's onnx_test_runner reads it: a folder per case holding
 * `model.onnx` and `test_data_set_N/input_K.pb` / `output_K.pb` (TensorProto files), plus lastmile's
 * optional `case.json` declaring tolerances.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { InputError, type Tensor } from '@lastmile/core';
import { decodeTensor, encodeTensor } from '@lastmile/onnx';
import type { Tolerance } from './compare.js';

/** What a case may declare in its `case.json`. */
export interface CaseSettings {
  rtol?: number;
  atol?: number;
  /** The op the case exercises, for the ops x backends report. */
  op?: string;
  /**
   * Where the expected outputs come from when not onnxruntime-node: lastmile's numerics policy, with
   * why onnxruntime's answer is not used (docs/numerics.md).
   */
  expected?: string;
}

/** One case folder. */
export interface SuiteCase {
  name: string;
  dir: string;
  modelPath: string;
  /** The `test_data_set_N` folders, in numeric order. */
  dataSets: string[];
  settings: CaseSettings;
}

/** The tensors of one data set, in K order, with the names their files carry. */
export interface DataSet {
  inputs: { name: string; tensor: Tensor }[];
  outputs: { name: string; tensor: Tensor }[];
}

const numbered = (prefix: string) => (file: string) => new RegExp(`^${prefix}_(\\d+)(\\.pb)?$`).exec(file);
const byIndex = (re: (f: string) => RegExpExecArray | null) => (x: string, y: string) =>
  Number(re(x)?.[1]) - Number(re(y)?.[1]);

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function readSettings(dir: string): CaseSettings {
  const path = join(dir, 'case.json');
  if (!existsSync(path)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new InputError(`case.json of case '${basename(dir)}' is not valid JSON`, { path }, { cause });
  }
  const settings = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  for (const key of ['rtol', 'atol'] as const) {
    const v = settings[key];
    if (v !== undefined && !(typeof v === 'number' && v >= 0 && Number.isFinite(v))) {
      throw new InputError(`case.json of case '${basename(dir)}': ${key} must be a non-negative number`, {
        path,
        expected: 'number >= 0',
        got: v,
      });
    }
  }
  return settings as CaseSettings;
}

/** The cases of a suite folder (sub-folders holding a model.onnx), sorted by name. */
export function listSuite(suiteDir: string): SuiteCase[] {
  const root = resolve(suiteDir);
  if (!isDir(root)) throw new InputError(`suite folder '${suiteDir}' does not exist`, { path: root });
  return readdirSync(root)
    .filter((name) => isDir(join(root, name)) && existsSync(join(root, name, 'model.onnx')))
    .sort()
    .map((name) => {
      const dir = join(root, name);
      const isSet = numbered('test_data_set');
      const dataSets = readdirSync(dir)
        .filter((f) => isSet(f) && isDir(join(dir, f)))
        .sort(byIndex(isSet))
        .map((f) => join(dir, f));
      return { name, dir, modelPath: join(dir, 'model.onnx'), dataSets, settings: readSettings(dir) };
    });
}

function readTensors(dir: string, prefix: 'input' | 'output'): { name: string; tensor: Tensor }[] {
  const re = numbered(prefix);
  return readdirSync(dir)
    .filter((f) => re(f) !== null)
    .sort(byIndex(re))
    .map((f) => decodeTensor(readFileSync(join(dir, f))));
}

/** Reads the input_K.pb and output_K.pb files of a data set folder. */
export function readDataSet(dir: string): DataSet {
  return { inputs: readTensors(dir, 'input'), outputs: readTensors(dir, 'output') };
}

/** What {@link writeCase} writes. */
export interface CaseFiles {
  model: Uint8Array;
  dataSets: DataSet[];
  settings?: CaseSettings;
}

/** Writes one case folder `suiteDir/name` in the layout. */
export function writeCase(suiteDir: string, name: string, files: CaseFiles): void {
  const dir = join(suiteDir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.onnx'), files.model);
  if (files.settings && Object.keys(files.settings).length > 0)
    writeFileSync(join(dir, 'case.json'), `${JSON.stringify(files.settings, null, 2)}\n`);
  files.dataSets.forEach((set, n) => {
    const setDir = join(dir, `test_data_set_${n}`);
    mkdirSync(setDir, { recursive: true });
    set.inputs.forEach((x, k) => writeFileSync(join(setDir, `input_${k}.pb`), encodeTensor(x.tensor, x.name)));
    set.outputs.forEach((y, k) => writeFileSync(join(setDir, `output_${k}.pb`), encodeTensor(y.tensor, y.name)));
  });
}

/** The declared tolerance of a case, over the per-dtype default. */
export function declaredTolerance(settings: CaseSettings): Partial<Tolerance> {
  return {
    ...(settings.rtol !== undefined ? { rtol: settings.rtol } : {}),
    ...(settings.atol !== undefined ? { atol: settings.atol } : {}),
  };
}
