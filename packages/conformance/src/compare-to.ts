/**
 * Backend-vs-reference mode: run any model on a backend and on another (the reference backend by
 * default) with the same seeded random inputs, no goldens needed.
 */
import { basename, resolve } from 'node:path';
import { defaultProjectRoot, InputError, SeededRandom, sizeOf, Tensor, type ValueInfo } from '@lastmile/core';
import { loadModel } from '@lastmile/onnx';
import type { SuiteResult } from './results.js';
import { resultOf, errorResult } from './run-case.js';
import { DEFAULT_CASE_TIMEOUT_MS } from './runner.js';
import { runInWorker } from './run-in-worker.js';
import { fromWire } from './worker-protocol.js';

/** Options of {@link compareToReference}. */
export interface CompareToOptions {
  backend: string;
  /** The backend taken as truth (default `reference`). */
  reference?: string;
  /** Path of an ONNX model. */
  model: string;
  /** Seed of the random inputs (default 0). */
  seed?: number;
  /** Dims for inputs with symbolic dims, by input name; symbolic dims not given are 1. */
  shapes?: Readonly<Record<string, readonly number[]>>;
  rtol?: number;
  atol?: number;
  fallback?: boolean;
  timeoutMs?: number;
  projectRoot?: string;
}

/** A seeded random value for input `info`: floats in [-1, 1), integers in [0, 4), random booleans. */
export function randomInput(info: ValueInfo, rng: SeededRandom, dims: readonly number[]): Tensor {
  const n = sizeOf(dims);
  switch (info.type) {
    case 'float32':
      return rng.floatTensor(dims);
    case 'int64':
      return new Tensor(
        'int64',
        Array.from({ length: n }, () => BigInt(rng.int(0, 3))),
        dims,
      );
    case 'bool':
      return new Tensor(
        'bool',
        Array.from({ length: n }, () => rng.int(0, 1)),
        dims,
      );
    case 'float16':
      throw new InputError(`input '${info.name}' is float16: give inputs of this model as a suite instead`, {
        input: info.name,
        got: info.type,
      });
    default:
      return new Tensor(
        info.type,
        Array.from({ length: n }, () => rng.int(0, 3)),
        dims,
      );
  }
}

function inputDims(info: ValueInfo, shapes: Readonly<Record<string, readonly number[]>>): number[] {
  const given = shapes[info.name];
  if (given !== undefined) return [...given];
  if (info.shape === undefined)
    throw new InputError(
      `input '${info.name}' has no declared shape: give its dims (--shape ${info.name}=1,3,224,224)`,
      { input: info.name },
    );
  return info.shape.map((d) => (typeof d === 'number' ? d : 1));
}

/** Runs `model` on `backend` and on the reference; one case named after the model file. */
export async function compareToReference(options: CompareToOptions): Promise<SuiteResult> {
  const modelPath = resolve(options.model);
  const name = basename(modelPath);
  const model = await loadModel(modelPath);
  const rng = new SeededRandom(options.seed ?? 0);
  const runtimeInputs = model.graph.inputs.filter((i) => !model.graph.initializers.has(i.name));
  const feeds = runtimeInputs.map((info) => randomInput(info, rng, inputDims(info, options.shapes ?? {})));
  const base = {
    modelPath,
    projectRoot: resolve(options.projectRoot ?? defaultProjectRoot()),
    feeds: [feeds],
  };
  const timeoutMs = options.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS;
  const reference = options.reference ?? 'reference';
  const [truth, tested] = await Promise.all([
    runInWorker({ ...base, backend: reference, fallback: false }, timeoutMs),
    runInWorker({ ...base, backend: options.backend, fallback: options.fallback ?? false }, timeoutMs),
  ]);
  const suite = `compare-to ${reference}`;
  if (truth.kind === 'error') {
    const failed = errorResult(name, truth.error);
    return {
      backend: options.backend,
      suite,
      cases: [
        {
          ...failed,
          status: 'error',
          message: `the reference '${reference}' could not run the model: ${failed.message}`,
        },
      ],
    };
  }
  const expected = truth.outputs.map((set) => set.map(fromWire));
  const declared = {
    ...(options.rtol !== undefined ? { rtol: options.rtol } : {}),
    ...(options.atol !== undefined ? { atol: options.atol } : {}),
  };
  return { backend: options.backend, suite, cases: [resultOf(name, tested, expected, declared)] };
}
