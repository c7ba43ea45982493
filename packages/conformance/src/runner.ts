/**
 * runConformance: every case of every suite on one backend, each in its own worker thread, several at
 * a time. The run itself never throws for a case; it reports.
 */
import { availableParallelism } from 'node:os';
import { basename, resolve } from 'node:path';
import { defaultProjectRoot, InputError, parseBackendSpec, type Precision } from '@lastmile/core';
import { listSuite, type SuiteCase } from './layout.js';
import type { CaseResult, SuiteResult } from './results.js';
import { runCase } from './run-case.js';

/** The default per-case time limit. */
export const DEFAULT_CASE_TIMEOUT_MS = 30_000;

/** Progress, reported instead of printed. */
export type ConformanceEvent =
  | { type: 'suite-start'; suite: string; cases: number }
  | { type: 'case-done'; suite: string; result: CaseResult };

/** Options of {@link runConformance}. */
export interface ConformanceOptions {
  /** The backend under test, by name (short name or package name), resolved from `projectRoot`. */
  backend: string;
  /** Suite folders in the ONNX backend-test layout. */
  suites: readonly string[];
  /** Only cases whose name matches (a RegExp or its source). */
  filter?: RegExp | string;
  /** Let nodes the backend declines run on `reference` (status `fallback`); default false (status `unsupported`). */
  fallback?: boolean;
  /**
   * The precision the backend is asked for (Session option `precision`); absent: its default. At fp16,
   * float outputs are compared at the fp16 tolerance.
   */
  precision?: Precision;
  /**
   * The artifact round trip: every case that passes is also exported as a bundle, loaded in a fresh
   * worker without its model and run again, and must give the same bits; a backend that cannot export
   * has its cases `unsupported`.
   */
  artifacts?: boolean;
  /**
   * Also stop a prepare and runs of every case (an aborted signal, and one that fires in flight): each
   * must fail with CancelledError or finish, and leave its session giving the same bits.
   */
  abort?: boolean;
  /**
   * Also run every case cut into several partitions of a backend with a device context: the session
   * must open the context once and close it once, and the outputs must stay within the case's tolerance.
   */
  contexts?: boolean;
  /** Per-case time limit in ms (default 30 000). */
  timeoutMs?: number;
  /** Where the backend is looked up; see core's `defaultProjectRoot`. */
  projectRoot?: string;
  /** Cases run at once (default: the CPU count, at most 8). */
  concurrency?: number;
  onEvent?: (event: ConformanceEvent) => void;
}

function filterOf(filter: RegExp | string | undefined): RegExp | undefined {
  if (filter === undefined || filter instanceof RegExp) return filter;
  try {
    return new RegExp(filter);
  } catch (cause) {
    throw new InputError(`--filter '${filter}' is not a valid regular expression`, { got: filter }, { cause });
  }
}

/** Runs `work` over `items` with at most `limit` in flight, keeping the order of results. */
export async function mapPooled<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return results;
}

/** Every precision a run may ask for. */
export const PRECISIONS: readonly Precision[] = ['auto', 'fp32', 'fp16', 'int8'];

/** Checks a precision given from outside (an option, a flag). */
export function checkPrecision(value: string): Precision {
  if (!(PRECISIONS as readonly string[]).includes(value))
    throw new InputError(`precision '${value}' is not one of ${PRECISIONS.join(', ')}`, {
      expected: PRECISIONS,
      got: value,
    });
  return value as Precision;
}

/** Runs the suites on the backend; one {@link SuiteResult} per suite, cases in name order. */
export async function runConformance(options: ConformanceOptions): Promise<SuiteResult[]> {
  parseBackendSpec(options.backend); // refuses paths and URLs before any worker starts
  const filter = filterOf(options.filter);
  const timeoutMs = options.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS;
  if (!(timeoutMs > 0))
    throw new InputError(`the case time limit must be positive, got ${timeoutMs}`, { expected: '> 0', got: timeoutMs });
  const precision = options.precision === undefined ? undefined : checkPrecision(options.precision);
  const run = {
    backend: options.backend,
    projectRoot: resolve(options.projectRoot ?? defaultProjectRoot()),
    fallback: options.fallback ?? false,
    artifacts: options.artifacts ?? false,
    abort: options.abort ?? false,
    contexts: options.contexts ?? false,
    timeoutMs,
    ...(precision !== undefined ? { precision } : {}),
  };
  const concurrency = options.concurrency ?? Math.min(8, availableParallelism());
  const emit = options.onEvent ?? (() => undefined);
  const results: SuiteResult[] = [];
  for (const suiteDir of options.suites) {
    const suite = basename(resolve(suiteDir));
    const cases: SuiteCase[] = listSuite(suiteDir).filter((c) => filter === undefined || filter.test(c.name));
    emit({ type: 'suite-start', suite, cases: cases.length });
    const done = await mapPooled(cases, concurrency, async (c) => {
      const result = await runCase(c, run);
      emit({ type: 'case-done', suite, result });
      return result;
    });
    results.push({ backend: options.backend, ...(precision !== undefined ? { precision } : {}), suite, cases: done });
  }
  return results;
}
