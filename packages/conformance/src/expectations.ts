/**
 * Expectation lists: per backend, the cases expected not to pass, each with its status and the reason
 * (like onnxruntime-web's suite-test-list). A run fails only where the outcome differs from the list,
 * so a regression and an unexpected pass are both loud.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, type Precision } from '@lastmile/core';
import { CASE_STATUSES, type CaseStatus, type SuiteResult } from './results.js';

/** One entry: the status a case (or every case matching a pattern) is expected to end in, and why. */
export interface Expectation {
  status: CaseStatus;
  reason: string;
}

/**
 * A backend's list: keys are case names, or patterns where `*` matches any run of characters. A case
 * not listed is expected to pass; an exact name wins over patterns, a longer pattern over a shorter.
 */
export type ExpectationList = Readonly<Record<string, Expectation>>;

/** Where a run's outcome differs from the list. */
export interface ExpectationDifference {
  suite: string;
  name: string;
  expected: CaseStatus;
  got: CaseStatus;
  /** `regression`: worse than expected; `unexpected-pass`: it passes now (update the list). */
  kind: 'regression' | 'unexpected-pass' | 'changed';
  /** The listed reason, when there was one. */
  reason?: string;
  message?: string;
}

/** The folder of the expectation lists shipped with this package. */
export const EXPECTATIONS_DIR = fileURLToPath(new URL('../expectations/', import.meta.url));

/**
 * The file name of a backend's list: scoped names become `scope__name`; what differs at a precision is
 * listed in `<name>.<precision>.json` (`gpu-opencl.fp16.json`).
 */
export function expectationFileName(backend: string, precision?: Precision): string {
  return `${backend.replace(/^@/, '').replace(/\//g, '__')}${precision !== undefined ? `.${precision}` : ''}.json`;
}

/** The list files of a run in `dir` that exist: the backend's, then its precision's (whose entries win). */
export function expectationFiles(dir: string, backend: string, precision?: Precision): string[] {
  const names = [
    expectationFileName(backend),
    ...(precision !== undefined ? [expectationFileName(backend, precision)] : []),
  ];
  return names.map((name) => join(dir, name)).filter((path) => existsSync(path));
}

/** The list of a run: the backend's list with its precision's entries over it (a case listed in both: the precision's). */
export function loadRunExpectations(dir: string, backend: string, precision?: Precision): ExpectationList {
  return Object.assign(
    {},
    ...expectationFiles(dir, backend, precision).map((path) => loadExpectations(path, true)),
  ) as ExpectationList;
}

/** A run a list file stands for: a backend, and the precision its name carries. */
export interface ListedRun {
  backend: string;
  precision?: Precision;
}

const PRECISION_SUFFIX = /\.(auto|fp32|fp16|int8)$/;

/** Every run that has a list in `dir` (the inverse of {@link expectationFileName}), by backend, then precision. */
export function listedRuns(dir: string): ListedRun[] {
  const key = (r: ListedRun) => `${r.backend}\0${r.precision ?? ''}`;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f): ListedRun => {
      const stem = f.slice(0, -'.json'.length);
      const precision = PRECISION_SUFFIX.exec(stem)?.[1] as Precision | undefined;
      const name = precision === undefined ? stem : stem.slice(0, -precision.length - 1);
      const backend = name.includes('__') ? `@${name.replace('__', '/')}` : name;
      return precision === undefined ? { backend } : { backend, precision };
    })
    .sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
}

/** Checks a parsed list: every entry has a known status and a non-empty reason. `source` names it in errors. */
export function parseExpectations(value: unknown, source: string): ExpectationList {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(`expectation list ${source} must be an object of case name -> { status, reason }`, {
      path: source,
      got: typeof value,
    });
  }
  const list: Record<string, Expectation> = {};
  for (const [name, entry] of Object.entries(value as Record<string, unknown>)) {
    if (name === '$comment') continue;
    const e = entry as Partial<Expectation> | null;
    if (typeof e !== 'object' || e === null || !CASE_STATUSES.includes(e.status as CaseStatus)) {
      throw new InputError(`expectation list ${source}: '${name}' needs a status, one of ${CASE_STATUSES.join(', ')}`, {
        path: source,
        case: name,
        expected: CASE_STATUSES,
        got: e?.status,
      });
    }
    if (typeof e.reason !== 'string' || e.reason.trim() === '') {
      throw new InputError(`expectation list ${source}: '${name}' needs a reason saying why it does not pass`, {
        path: source,
        case: name,
      });
    }
    list[name] = { status: e.status as CaseStatus, reason: e.reason };
  }
  return list;
}

/** Reads a list file; a backend without a file (`required` false) expects every case to pass. */
export function loadExpectations(path: string, required = false): ExpectationList {
  if (!existsSync(path)) {
    if (required) throw new InputError(`expectation list '${path}' does not exist`, { path });
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new InputError(`expectation list '${path}' is not valid JSON`, { path }, { cause });
  }
  return parseExpectations(parsed, `'${path}'`);
}

const patternOf = (key: string) =>
  new RegExp(
    `^${key
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );

/** The entry that applies to case `name`, or undefined (expected to pass). */
export function expectationFor(list: ExpectationList, name: string): Expectation | undefined {
  if (Object.hasOwn(list, name)) return list[name];
  const patterns = Object.keys(list)
    .filter((k) => k.includes('*') && patternOf(k).test(name))
    .sort((x, y) => y.length - x.length);
  return patterns.length > 0 ? list[patterns[0]] : undefined;
}

/** Every case whose status differs from its expectation. */
export function compareWithExpectations(
  results: readonly SuiteResult[],
  list: ExpectationList,
): ExpectationDifference[] {
  const differences: ExpectationDifference[] = [];
  for (const suite of results) {
    for (const c of suite.cases) {
      const entry = expectationFor(list, c.name);
      const expected = entry?.status ?? 'pass';
      if (c.status === expected) continue;
      const kind =
        c.status === 'pass'
          ? 'unexpected-pass'
          : expected === 'pass' || c.status === 'fail' || c.status === 'error'
            ? 'regression'
            : 'changed';
      differences.push({
        suite: suite.suite,
        name: c.name,
        expected,
        got: c.status,
        kind,
        ...(entry ? { reason: entry.reason } : {}),
        ...(c.message ? { message: c.message } : {}),
      });
    }
  }
  return differences;
}
