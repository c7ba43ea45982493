/**
 * The bench command: parse options, run every cell, print the table and write JSON, Markdown and the SVG
 * chart. The exit code is 1 when a model or a contestant failed or gave wrong outputs, so `--quick` in CI
 * fails on any regression.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { isLastmileError } from '@lastmile/core';
import { sampleImagePath } from '@lastmile/ocr';
import { type BenchOptions, parseBenchArgs, USAGE } from './args.js';
import { latencyChartSvg } from './chart.js';
import { describeMachine } from './machine.js';
import { markdownReport } from './markdown.js';
import { runBench } from './orchestrate.js';
import { createProgress } from './progress.js';
import type { BenchReport } from './report.js';
import { spawnCell } from './spawn-cell.js';
import { terminalReport } from './terminal.js';

export interface CliContext {
  /** The script children are forked from (the built main.js). */
  entry: string;
  /** The bench package folder: lastmile backends resolve from here; results/ lives here. */
  benchRoot: string;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  ci: boolean;
}

async function writeOutputs(report: BenchReport, options: BenchOptions, context: CliContext): Promise<string[]> {
  const out = resolve(options.out ?? join(context.benchRoot, 'results'));
  await mkdir(out, { recursive: true });
  const svg = await latencyChartSvg(report);
  const written = [join(out, 'results.json'), join(out, 'report.md'), join(out, 'latency.svg')];
  await writeFile(written[0], `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(written[1], markdownReport(report, { chart: 'latency.svg' }));
  await writeFile(written[2], svg);
  if (options.publish) {
    const repoRoot = resolve(context.benchRoot, '..', '..');
    const chart = join(context.benchRoot, 'latency.svg');
    const benchmarks = join(repoRoot, 'BENCHMARKS.md');
    await writeFile(chart, svg);
    await writeFile(benchmarks, markdownReport(report, { chart: relative(repoRoot, chart) }));
    written.push(benchmarks, chart);
  }
  return written;
}

/** Exit status of a finished run: 1 when a model or cell failed or was wrong. */
const exitCode = (report: BenchReport) =>
  report.cells.some((c) => c.status !== 'ok') || report.models.some((m) => m.error) ? 1 : 0;

async function rewriteReports(path: string, options: BenchOptions, context: CliContext): Promise<number> {
  let report: BenchReport;
  try {
    report = JSON.parse(await readFile(path, 'utf8')) as BenchReport;
  } catch (error) {
    context.stderr.write(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const written = await writeOutputs(report, options, context);
  context.stdout.write(`${terminalReport(report)}\n\nwrote ${written.join(', ')}\n`);
  return exitCode(report);
}

export async function runCli(argv: readonly string[], context: CliContext): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseBenchArgs(argv);
  } catch (error) {
    context.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    context.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (options.reportFrom !== undefined) return rewriteReports(options.reportFrom, options, context);
  const machine = describeMachine();
  const workDir = await mkdtemp(join(tmpdir(), 'lastmile-bench-'));
  const progress = createProgress({ stream: context.stderr, ci: context.ci });
  const started = Date.now();
  try {
    const run = await runBench(
      {
        models: options.models,
        ocr: options.ocr
          ? {
              imagePath: sampleImagePath(),
              label: relative(resolve(context.benchRoot, '..', '..'), sampleImagePath()),
              onePerEngine: options.quick,
            }
          : undefined,
        contestants: options.contestants,
        method: options.method,
        passes: options.passes,
        seed: options.seed,
        profile: options.profile,
        projectRoot: context.benchRoot,
        workDir,
        cores: machine.cores,
      },
      {
        runCell: (request) => spawnCell(context.entry, request, options.cellTimeoutMs),
        onProgress: (e) => progress.onProgress(e),
      },
    );
    progress.stop();
    const report: BenchReport = {
      command: `pnpm bench${argv.length > 0 ? ` ${argv.join(' ')}` : ''}`,
      date: new Date(started).toISOString(),
      durationS: (Date.now() - started) / 1000,
      quick: options.quick,
      machine,
      method: options.method,
      passes: options.passes,
      seed: options.seed,
      ...run,
    };
    const written = await writeOutputs(report, options, context);
    context.stdout.write(`${terminalReport(report)}\n\nwrote ${written.join(', ')}\n`);
    return exitCode(report);
  } catch (error) {
    progress.stop();
    context.stderr.write(
      isLastmileError(error)
        ? `error ${error.code}: ${error.message}\n`
        : `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
