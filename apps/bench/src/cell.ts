/**
 * One cell, measured inside its child process: session creation and first run timed on their own, the
 * outputs checked against onnxruntime-node (a wrong contestant is never timed), a warm-up until run times
 * are steady, then the timed runs, within the cell's time budget.
 */
import { readFile } from 'node:fs/promises';
import type { ProfileEntry } from '@lastmile/core';
import { FLOAT_TOLERANCE, compareOutputs } from './compare.js';
import { coresBusy, cpuSnapshot } from './cpu-load.js';
import { makeFeeds } from './feeds.js';
import { readOutputs } from './outputs-file.js';
import { medianProfile, summarizeProfile } from './profile.js';
import type { CellRequest, CellResult, Method } from './protocol.js';
import { createRunner as createDefaultRunner, type Runner } from './runners.js';
import { isSteady, summarize } from './stats.js';

/** Nodes listed in a cell's profile. */
export const PROFILE_TOP_N = 10;

export interface CellDeps {
  createRunner: typeof createDefaultRunner;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

/** Steadiness is judged over windows of about half a second of runs (1 to 5 runs). */
const steadyWindow = (lastMs: number) => Math.min(5, Math.max(1, Math.round(500 / Math.max(lastMs, 1e-3))));

/** Anything run repeatedly: a model's runner, or a whole pipeline. */
export interface Repeatable {
  run(): Promise<unknown>;
}

/** Runs until warm: at least `minWarmupMs` since the first run began, then until steady, within its caps. */
async function warmUp(
  runner: Repeatable,
  method: Method,
  firstRunMs: number,
  budgetEnd: number,
): Promise<{ runs: number; ms: number }> {
  const start = performance.now();
  const cap = start + Math.min(method.maxWarmupMs, method.maxCellMs / 4);
  const times = [firstRunMs];
  const elapsed = () => firstRunMs + performance.now() - start;
  while (elapsed() < method.minWarmupMs || !isSteady(times, steadyWindow(times[times.length - 1]))) {
    const last = times[times.length - 1];
    if (performance.now() + last > Math.min(cap, budgetEnd)) break;
    times.push((await timed(() => runner.run()))[1]);
  }
  return { runs: times.length - 1, ms: performance.now() - start };
}

/** Timed runs: at least `minRuns` and `minTimedMs`, cut short (and marked) when the budget binds; never fewer than one. */
async function timedRuns(
  runner: Repeatable,
  method: Method,
  budgetEnd: number,
): Promise<{ samples: number[]; budgetBound: boolean }> {
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < method.minRuns || performance.now() - start < method.minTimedMs) {
    const last = samples[samples.length - 1];
    if (last !== undefined && performance.now() + last > budgetEnd) return { samples, budgetBound: true };
    samples.push((await timed(() => runner.run()))[1]);
  }
  return { samples, budgetBound: false };
}

/**
 * The timed part of a cell whose first run passed: warm-up, then the timed runs within the cell's budget,
 * with the cores they kept busy; the fields of an 'ok' result from firstRunMs on.
 */
export async function measureRuns(runner: Repeatable, method: Method, firstRunMs: number) {
  const budgetEnd = performance.now() + method.maxCellMs;
  const warm = await warmUp(runner, method, firstRunMs, budgetEnd);
  const before = cpuSnapshot();
  const { samples, budgetBound } = await timedRuns(runner, method, budgetEnd);
  const cores = coresBusy(before, cpuSnapshot());
  return {
    firstRunMs,
    warmupRuns: warm.runs,
    warmupMs: warm.ms,
    samples,
    summary: summarize(samples),
    budgetBound,
    ownCores: cores.own,
    foreignCores: cores.foreign,
  };
}

/**
 * The profile comes from warm runs: a first run is cold (baseline-compiled code, caches, threads
 * starting) and would blame the wrong layers. Up to PROFILE_RUNS runs warm up and as many are profiled,
 * each batch within PROFILE_BATCH_MS (at least one run each, so slow contestants cost two runs).
 */
const PROFILE_RUNS = 5;
const PROFILE_BATCH_MS = 1000;

async function profileWarm(request: CellRequest, bytes: Uint8Array, deps: CellDeps): Promise<CellResult['profile']> {
  const feeds = makeFeeds(request.inputs, request.seed);
  const runner = await deps.createRunner(request.contestant, bytes, feeds, {
    profiling: true,
    projectRoot: request.projectRoot,
  });
  const batch = async (each: () => void) => {
    const end = performance.now() + PROFILE_BATCH_MS;
    for (let i = 0; i < PROFILE_RUNS && (i === 0 || performance.now() < end); i++) {
      await runner.run();
      each();
    }
  };
  try {
    await batch(() => undefined);
    const runs: ProfileEntry[][] = [];
    await batch(() => runs.push(runner.profile?.() ?? []));
    const entries = medianProfile(runs);
    return entries.length > 0 ? summarizeProfile(entries, PROFILE_TOP_N) : undefined;
  } finally {
    await runner.dispose();
  }
}

export async function measureCell(
  request: CellRequest,
  deps: CellDeps = { createRunner: createDefaultRunner },
): Promise<CellResult> {
  const { method } = request;
  const bytes = new Uint8Array(await readFile(request.modelPath));
  const expected = await readOutputs(request.expectedPath);
  const feeds = makeFeeds(request.inputs, request.seed);
  let runner: Runner;
  let createMs: number;
  try {
    [runner, createMs] = await timed(() =>
      deps.createRunner(request.contestant, bytes, feeds, { projectRoot: request.projectRoot }),
    );
  } catch (error) {
    return { status: 'failed', reason: `session creation failed: ${message(error)}` };
  }
  let result: CellResult;
  try {
    const [outputs, firstRunMs] = await timed(() => runner.run());
    const verdict = compareOutputs(expected, outputs, FLOAT_TOLERANCE);
    if (!verdict.ok) return { status: 'wrong', reason: verdict.problems.join('; '), verdict, createMs, firstRunMs };
    result = { status: 'ok', verdict, createMs, ...(await measureRuns(runner, method, firstRunMs)) };
  } catch (error) {
    return { status: 'failed', reason: `run failed: ${message(error)}` };
  } finally {
    await runner.dispose();
  }
  if (request.profile && request.contestant.family === 'lastmile') {
    // A profile that cannot be taken leaves the timings standing.
    try {
      result.profile = await profileWarm(request, bytes, deps);
    } catch (error) {
      result.profileError = message(error);
    }
  }
  return result;
}
