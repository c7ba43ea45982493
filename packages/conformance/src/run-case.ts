/**
 * One case on one backend: read its data sets, run them in a worker, compare with the expected outputs.
 */
import { ErrorCodes, type Precision, type Tensor } from '@lastmile/core';
import { compareTensors, toleranceFor } from './compare.js';
import { declaredTolerance, readDataSet, type SuiteCase } from './layout.js';
import type { CaseResult } from './results.js';
import { runInWorker } from './run-in-worker.js';
import { fromWire, toWireError, type WireError, type WorkerReply } from './worker-protocol.js';

/** How cases are run. */
export interface CaseRunOptions {
  backend: string;
  projectRoot: string;
  fallback: boolean;
  timeoutMs: number;
  /** The session's precision (fp16: float outputs compared at the fp16 tolerance). */
  precision?: Precision;
}

/** The result of a worker's error: `unsupported` when the backend declined nodes with fallback off. */
export function errorResult(name: string, error: WireError): CaseResult {
  if (error.code === ErrorCodes.UnsupportedOp && error.details?.fallback === false) {
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
    feeds: sets.map((s) => s.inputs.map((x) => x.tensor)),
  };
  const reply = await runInWorker(task, options.timeoutMs);
  return withOp(
    resultOf(
      c.name,
      reply,
      sets.map((s) => s.outputs.map((y) => y.tensor)),
      declaredTolerance(c.settings),
      options.precision,
    ),
  );
}
