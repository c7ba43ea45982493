/**
 * What a conformance run reports: a status per case, and the results of a suite as the JSON output holds them.
 */
import type { Precision } from '@lastmile/core';

/**
 * `pass`: outputs match. `fail`: they differ (max errors and where). `unsupported`: the backend declined
 * a node and fallback was off. `error`: it threw, hung or crashed (the typed error). `fallback`: outputs
 * match, but some nodes ran on the reference backend because this one declined them.
 */
export type CaseStatus = 'pass' | 'fail' | 'unsupported' | 'error' | 'fallback';

/** Every status, in the order reports list them. */
export const CASE_STATUSES: readonly CaseStatus[] = ['pass', 'fallback', 'unsupported', 'fail', 'error'];

/** One case's outcome. */
export interface CaseResult {
  name: string;
  status: CaseStatus;
  maxAbsError?: number;
  maxRelError?: number;
  /** Why it is not a pass: the worst element of a fail, the backend's reason, the typed error. */
  message?: string;
  /** The error code of an `error` (LM_TIMEOUT for a hang, LM_BACKEND_CRASHED for a crash, ...). */
  code?: string;
  /** The op the case exercises (from its case.json), for the report. */
  op?: string;
}

/** One suite run on one backend: the `--json` output. */
export interface SuiteResult {
  backend: string;
  /** The precision the backend ran at, when the run asked for one. */
  precision?: Precision;
  suite: string;
  cases: CaseResult[];
}

/** How many cases ended in each status. */
export function summarize(results: readonly SuiteResult[]): Record<CaseStatus, number> {
  const counts = Object.fromEntries(CASE_STATUSES.map((s) => [s, 0])) as Record<CaseStatus, number>;
  for (const r of results) for (const c of r.cases) counts[c.status]++;
  return counts;
}
