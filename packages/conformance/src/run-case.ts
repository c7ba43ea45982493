/**
 * One case on one backend: read its data sets, run them in a worker, compare with the expected outputs;
 * with `artifacts`, also export the plan, load the bundle in a fresh worker and compare bit for bit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCodes, identicalTensors, type Precision, type Tensor } from '@lastmile/core';
import { compareTensors, toleranceFor } from './compare.js';
import { declaredTolerance, readDataSet, type SuiteCase } from './layout.js';
import type { CaseResult } from './results.js';
import { runInWorker } from './run-in-worker.js';
import { fromWire, toWireError, type WireError, type WireTensor, type WorkerReply } from './worker-protocol.js';

/** How cases are run. */
export interface CaseRunOptions {
  backend: string;
  projectRoot: string;
  fallback: boolean;
  timeoutMs: number;
  /** The session's precision (fp16: float outputs compared at the fp16 tolerance). */
  precision?: Precision;
  /** Also stop a prepare and runs of each case, which must leave its session giving the same bits. */
  abort?: boolean;
  /** Also run each case cut into several partitions, which must share one device context. */
  contexts?: boolean;
  /**
   * The artifact round trip: a case that passes is exported as a bundle, loaded in a fresh worker
   * without the model and run again; its outputs must have the same bits.
   */
  artifacts?: boolean;
}

/** The result of a worker's error: `unsupported` when the backend declined nodes with fallback off. */
export function errorResult(name: string, error: WireError): CaseResult {
  if (error.code === ErrorCodes.UnsupportedOp && error.details?.fallback === false) {
    return { name, status: 'unsupported', message: error.message };
  }
  if (error.code === ErrorCodes.Backend && error.details?.missing === 'serialize') {
    return { name, status: 'unsupported', message: error.message };
  }
  return {
    name,
    status: 'error',
    code: error.code,
    message: `${error.name}${error.code ? ` (${error.code})` : ''}: ${error.message}`,
  };
}

/** Compares outputs per data set with the expected ones; the first failing output gives the message. */
export function compareOutputs(
  name: string,
  got: readonly Tensor[][],
  expected: readonly Tensor[][],
  outputNames: readonly string[],
  declared: { rtol?: number; atol?: number },
  precision?: Precision,
): CaseResult {
  let maxAbsError = 0;
  let maxRelError = 0;
  let message: string | undefined;
  expected.forEach((outputs, set) => {
    if (got[set].length < outputs.length && message === undefined)
      message = `data set ${set}: ${got[set].length} outputs, expected ${outputs.length}`;
    outputs.forEach((e, k) => {
      const g = got[set][k];
      if (g === undefined) return;
      const c = compareTensors(
        g,
        e,
        toleranceFor(e.type, declared, precision),
        `data set ${set}, output ${k} '${outputNames[k] ?? k}'`,
      );
      maxAbsError = Math.max(maxAbsError, c.maxAbsError);
      maxRelError = Math.max(maxRelError, c.maxRelError);
      if (!c.ok && message === undefined) message = c.message;
    });
  });
  return message === undefined
    ? { name, status: 'pass', maxAbsError, maxRelError }
    : { name, status: 'fail', maxAbsError, maxRelError, message };
}

/** The outcome of a finished worker, compared with `expected`. */
export function resultOf(
  name: string,
  reply: WorkerReply,
  expected: readonly Tensor[][],
  declared: { rtol?: number; atol?: number },
  precision?: Precision,
): CaseResult {
  if (reply.kind === 'error') return errorResult(name, reply.error);
  const result = compareOutputs(
    name,
    reply.outputs.map((set) => set.map(fromWire)),
    expected,
    reply.outputNames,
    declared,
    precision,
  );
  if (reply.problem !== undefined && (result.status === 'pass' || result.status === 'fallback'))
    return { ...result, status: 'fail', message: reply.problem };
  if (result.status === 'pass' && reply.fallbackNodes > 0) {
    return { ...result, status: 'fallback', message: `${reply.fallbackNodes} node(s) ran on the reference backend` };
  }
  return result;
}

/** Runs one case of a suite. Never throws: unreadable data sets are an `error` of the case. */
export async function runCase(c: SuiteCase, options: CaseRunOptions): Promise<CaseResult> {
  const op = c.settings.op;
  const withOp = (r: CaseResult): CaseResult => (op === undefined ? r : { ...r, op });
  if (c.dataSets.length === 0)
    return withOp({ name: c.name, status: 'error', message: `case '${c.name}' has no test_data_set_N folder` });
  let sets: ReturnType<typeof readDataSet>[];
  try {
    sets = c.dataSets.map(readDataSet);
  } catch (error) {
    return withOp(errorResult(c.name, toWireError(error)));
  }
  const task = {
    modelPath: c.modelPath,
    backend: options.backend,
    projectRoot: options.projectRoot,
    fallback: options.fallback,
    ...(options.precision !== undefined ? { precision: options.precision } : {}),
    ...(options.abort ? { abort: true } : {}),
    ...(options.contexts ? { contexts: true, tolerance: declaredTolerance(c.settings) } : {}),
    feeds: sets.map((s) => s.inputs.map((x) => x.tensor)),
  };
  if (!options.artifacts) {
    const reply = await runInWorker(task, options.timeoutMs);
    return withOp(resultOf(c.name, reply, expectedOf(sets), declaredTolerance(c.settings), options.precision));
  }
  const folder = mkdtempSync(join(tmpdir(), 'lastmile-kit-'));
  try {
    const bundle = join(folder, 'case.bundle');
    const compiled = await runInWorker({ ...task, exportTo: bundle }, options.timeoutMs);
    const result = resultOf(c.name, compiled, expectedOf(sets), declaredTolerance(c.settings), options.precision);
    if (compiled.kind !== 'done' || (result.status !== 'pass' && result.status !== 'fallback')) return withOp(result);
    const loaded = await runInWorker({ ...task, loadFrom: bundle }, options.timeoutMs);
    return withOp(sameAsCompiled(result, compiled.outputs, loaded, compiled.outputNames));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function expectedOf(sets: readonly ReturnType<typeof readDataSet>[]): Tensor[][] {
  return sets.map((s) => s.outputs.map((y) => y.tensor));
}

/** The loaded bundle's outputs against the compiled run's, bit for bit. */
function sameAsCompiled(
  result: CaseResult,
  compiled: readonly WireTensor[][],
  loaded: WorkerReply,
  names: readonly string[],
): CaseResult {
  if (loaded.kind === 'error') {
    const e = errorResult(result.name, loaded.error);
    return { ...e, message: `the loaded bundle: ${e.message}` };
  }
  for (const [set, outputs] of compiled.entries())
    for (const [k, want] of outputs.entries()) {
      const got = loaded.outputs[set]?.[k];
      if (got === undefined || !identicalTensors(fromWire(got), fromWire(want)))
        return {
          ...result,
          status: 'fail',
          message: `the loaded bundle differs from the compiled run at data set ${set}, output '${names[k] ?? k}'`,
        };
    }
  return result;
}
