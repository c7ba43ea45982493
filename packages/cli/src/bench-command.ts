/**
 * `lastmile bench <model>`: quick latency per backend. Each backend gets its own session (so its time is
 * its own, with no fallback): session creation (init + prepare), the first run, warm-up runs for a time
 * budget, then N timed runs reported as median, p10 and p90.
 */
import { DEFAULT_BACKENDS, type Model, Session, isLastmileError } from '@lastmile/core';
import { type CommandContext, parseBackendList, sessionOptions } from './context.js';
import { toJson } from './json-output.js';
import { exitCodeFor } from './exit-codes.js';
import { type LatencyStats, latencyStats } from './latency.js';
import { loadModelFile } from './model-file.js';
import { type FedInput, loadInputs } from './model-inputs.js';
import { parseCount } from './numbers.js';
import { startProgress } from './progress.js';
import { formatDims, oneLine } from './text.js';
import { parseShapeOptions } from './shape-options.js';

/** Options of `lastmile bench`, as commander parses them. */
export interface BenchOptions {
  input: string[];
  shape: string[];
  backends?: string;
  runs: string;
  warmupMs: string;
  threads?: string;
  seed: string;
}

/** One backend's numbers, or why it could not be measured. */
export type BenchRow =
  | ({
      backend: string;
      ok: true;
      device: string;
      kind: string;
      sessionMs: number;
      firstRunMs: number;
      warmupRuns: number;
    } & LatencyStats)
  | { backend: string; ok: false; code: string; error: string };

/** The --json result of `lastmile bench`. */
export interface BenchResult {
  model: string;
  inputs: { name: string; dtype: string; shape: number[]; source: string }[];
  threads: number | null;
  results: BenchRow[];
}

export async function benchCommand(modelPath: string, options: BenchOptions, ctx: CommandContext): Promise<number> {
  const backends = options.backends === undefined ? [...DEFAULT_BACKENDS] : parseBackendList(options.backends);
  const runs = parseCount(options.runs, '--runs', 1);
  const warmupMs = parseCount(options.warmupMs, '--warmup-ms');
  const threads = options.threads === undefined ? undefined : parseCount(options.threads, '--threads', 1);
  const seed = parseCount(options.seed, '--seed');
  const model = await loadModelFile(modelPath, ctx);
  const fed = await loadInputs(model.graph.inputs, {
    specs: options.input,
    shapes: parseShapeOptions(options.shape, model.graph.inputs),
    seed,
    notice: ctx.notice,
  });

  const results: BenchRow[] = [];
  let firstFailure: unknown;
  for (const backend of backends) {
    try {
      results.push(await benchOne(model, backend, fed, { runs, warmupMs, threads }, ctx));
    } catch (error) {
      // One backend failing (not installed, op unsupported) does not stop the others from being measured.
      firstFailure ??= error;
      const code = isLastmileError(error) ? error.code : 'ERROR';
      const message = error instanceof Error ? error.message : String(error);
      ctx.notice(`backend ${backend}: ${code}: ${oneLine(message)}`);
      results.push({ backend, ok: false, code, error: message });
    }
  }
  const result: BenchResult = {
    model: modelPath,
    inputs: fed.map((f) => ({ name: f.name, dtype: f.tensor.type, shape: [...f.tensor.dims], source: f.source })),
    threads: threads ?? null,
    results,
  };
  ctx.out(ctx.json ? toJson(result) : formatBench(result));
  // Exit status: success when at least one backend was measured, else what stopped the first one.
  return results.some((r) => r.ok) ? 0 : exitCodeFor(firstFailure);
}

interface Budget {
  runs: number;
  warmupMs: number;
  threads: number | undefined;
}

async function benchOne(
  model: Model,
  backend: string,
  fed: readonly FedInput[],
  budget: Budget,
  ctx: CommandContext,
): Promise<BenchRow> {
  const feeds = Object.fromEntries(fed.map((f) => [f.name, f.tensor]));
  let started = performance.now();
  const session = await Session.init(
    model,
    sessionOptions(ctx, { backends: [backend], ...(budget.threads !== undefined ? { threads: budget.threads } : {}) }),
  );
  try {
    await session.prepare(Object.fromEntries(fed.map((f) => [f.name, [...f.tensor.dims]])));
    const sessionMs = performance.now() - started;
    const probe = await session.backends[0].probe();
    started = performance.now();
    await session.run(feeds);
    const firstRunMs = performance.now() - started;
    let warmupRuns = 0;
    const warmupEnd = performance.now() + budget.warmupMs;
    while (performance.now() < warmupEnd) {
      await session.run(feeds);
      warmupRuns++;
    }
    const progress = startProgress(`bench ${backend}`, budget.runs);
    const times: number[] = [];
    try {
      for (let i = 0; i < budget.runs; i++) {
        started = performance.now();
        await session.run(feeds);
        times.push(performance.now() - started);
        progress.tick();
      }
    } finally {
      progress.stop();
    }
    return {
      backend: session.backends[0].name,
      ok: true,
      device: probe.device,
      kind: probe.kind,
      sessionMs,
      firstRunMs,
      warmupRuns,
      ...latencyStats(times),
    };
  } finally {
    await session.destroy();
  }
}

const ms = (v: number) => v.toFixed(2);

function formatBench(r: BenchResult): string {
  const width = Math.max(7, ...r.results.map((x) => x.backend.length));
  const lines = [
    `model   ${r.model}`,
    ...r.inputs.map((i) => `input   ${i.name}  ${i.dtype}[${formatDims(i.shape)}]  from ${i.source}`),
    '',
    `${'backend'.padEnd(width)}  ${['session ms', 'first ms', 'median ms', 'p10 ms', 'p90 ms'].map((h) => h.padStart(10)).join('  ')}  runs  device`,
  ];
  for (const x of r.results) {
    if (!x.ok) {
      lines.push(`${x.backend.padEnd(width)}  failed: ${x.code}: ${oneLine(x.error)}`);
      continue;
    }
    const kind =
      x.kind === 'simulator' ? 'SIMULATED (host time of the simulator): ' : x.kind === 'emulated' ? 'EMULATED: ' : '';
    const cells = [x.sessionMs, x.firstRunMs, x.medianMs, x.p10Ms, x.p90Ms].map((v) => ms(v).padStart(10));
    lines.push(`${x.backend.padEnd(width)}  ${cells.join('  ')}  ${String(x.runs).padStart(4)}  ${kind}${x.device}`);
  }
  return lines.join('\n');
}
