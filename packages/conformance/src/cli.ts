#!/usr/bin/env node
/**
 * The `lastmile-conformance` command.
 *
 *   --suite <dir> --backend <name> [--json <file>] [--filter <re>] [--precision fp16] [--artifacts] [--abort] [--contexts]   run suites (default: generate ours)
 *   --compare-to reference --model x.onnx [--seed n] [--shape in=1x3x8x8]   backend vs reference
 *   --report [--backend a --backend b] [--report-file CONFORMANCE.md]  ops x backends table
 *   --generate <dir> [--ops Relu,Add] [--no-models]                    write the generated suites
 *
 * Exit status: 0 when every case matches the backend's expectation list, 1 when one differs, 2 on misuse.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isLastmileError, parseDims } from '@lastmile/core';
import { compareToReference } from './compare-to.js';
import {
  compareWithExpectations,
  expectationFiles,
  EXPECTATIONS_DIR,
  listedRuns,
  loadExpectations,
  loadRunExpectations,
  type ExpectationDifference,
  type ListedRun,
} from './expectations.js';
import { generateSuites } from './generate/generate-suites.js';
import { formatReport, writeReport } from './report.js';
import type { SuiteResult } from './results.js';
import { summarize } from './results.js';
import { checkPrecision, runConformance, type ConformanceEvent } from './runner.js';

const USAGE = `usage: lastmile-conformance [--suite <dir>]... --backend <name> [--json <file>] [--filter <re>] [--fallback] [--artifacts] [--abort] [--contexts]
                            [--precision <auto|fp32|fp16|int8>] [--timeout <ms>] [--expectations <file>] [--project-root <dir>]
                            [--ops <Op,Op>] [--no-models]   (without --suite: the generated suites, these ops only, no model cases)
       lastmile-conformance --backend <name> --compare-to reference --model <x.onnx> [--seed <n>] [--shape <input>=1x3x224x224]...
       lastmile-conformance --report [--backend <name>]... [--precision <p>] [--report-file <CONFORMANCE.md>]
       lastmile-conformance --generate <dir> [--ops <Op,Op>] [--no-models]`;

function parse() {
  return parseArgs({
    options: {
      suite: { type: 'string', multiple: true },
      backend: { type: 'string', multiple: true },
      json: { type: 'string' },
      filter: { type: 'string' },
      fallback: { type: 'boolean', default: false },
      artifacts: { type: 'boolean', default: false },
      abort: { type: 'boolean', default: false },
      contexts: { type: 'boolean', default: false },
      precision: { type: 'string' },
      timeout: { type: 'string' },
      expectations: { type: 'string' },
      'project-root': { type: 'string' },
      'compare-to': { type: 'string' },
      model: { type: 'string' },
      seed: { type: 'string', default: '0' },
      shape: { type: 'string', multiple: true },
      report: { type: 'boolean', default: false },
      'report-file': { type: 'string', default: 'CONFORMANCE.md' },
      generate: { type: 'string' },
      ops: { type: 'string' },
      'no-models': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  }).values;
}

type Args = ReturnType<typeof parse>;

const progress = (e: ConformanceEvent) => {
  if (e.type === 'suite-start') process.stderr.write(`suite ${e.suite}: ${e.cases} cases\n`);
};

function printResults(results: readonly SuiteResult[]): void {
  for (const r of results) {
    const counts = summarize([r]);
    console.log(
      `\n${r.backend}${r.precision !== undefined ? ` (${r.precision})` : ''} on ${r.suite}: ${Object.entries(counts)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ')}`,
    );
    for (const c of r.cases)
      if (c.status !== 'pass')
        console.log(`  ${c.status.padEnd(11)} ${c.name}${c.message ? `: ${indentLines(c.message)}` : ''}`);
  }
}

function printDifferences(differences: readonly ExpectationDifference[], source: string): void {
  if (differences.length === 0) {
    console.log(`\nall cases match the expectations (${source})`);
    return;
  }
  console.log(`\n!!! ${differences.length} case(s) differ from the expectations (${source}):`);
  for (const d of differences) {
    const why = d.kind === 'unexpected-pass' ? 'now passes: remove it from the expectation list' : (d.message ?? '');
    console.log(
      `!!! ${d.kind.toUpperCase()} ${d.suite}/${d.name}: expected ${d.expected}, got ${d.got}${why ? ` - ${indentLines(why)}` : ''}`,
    );
  }
}

// A reason of several lines (every declined node, say) is printed whole, its later lines indented under the case.
const indentLines = (text: string) => text.split('\n').join('\n      ');

/** `--shape input=1x3x224x224` (commas also accepted), as the lastmile CLI takes it. */
function parseShapes(specs: readonly string[] = []): Record<string, number[]> {
  return Object.fromEntries(
    specs.map((spec) => {
      const at = spec.indexOf('=');
      if (at <= 0) throw new UsageError(`--shape '${spec}' must name the input, like x=1x3x224x224`);
      try {
        return [spec.slice(0, at), parseDims(spec.slice(at + 1))];
      } catch (error) {
        throw new UsageError(`--shape '${spec}': ${(error as Error).message}`);
      }
    }),
  );
}

/** What `--ops` and `--no-models` ask of the generated suites. */
function generateOptions(args: Args): { ops?: string[]; models: boolean } {
  const ops = args.ops?.split(',').map((op) => op.trim());
  if (ops?.some((op) => op === ''))
    throw new UsageError(`--ops '${args.ops}' must be op names separated by commas, like Relu,Add`);
  return { ...(ops !== undefined ? { ops } : {}), models: !args['no-models'] };
}

class UsageError extends Error {}

/** Runs `work` on the given suites, or on freshly generated ones in a temporary folder. */
async function withSuites<T>(args: Args, work: (suites: string[]) => Promise<T>): Promise<T> {
  if (args.suite && args.suite.length > 0) return work([...args.suite]);
  const dir = mkdtempSync(join(tmpdir(), 'lastmile-conformance-'));
  try {
    process.stderr.write(`generating the suites in ${dir} ...\n`);
    return await work(await generateSuites(dir, generateOptions(args)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The --precision flag, checked. */
function precisionOf(args: Args): Pick<ListedRun, 'precision'> {
  if (args.precision === undefined) return {};
  try {
    return { precision: checkPrecision(args.precision) };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function runSuites(args: Args, backend: string): Promise<number> {
  const { precision } = precisionOf(args);
  const results = await withSuites(args, (suites) =>
    runConformance({
      backend,
      suites,
      ...(args.filter !== undefined ? { filter: args.filter } : {}),
      ...(precision !== undefined ? { precision } : {}),
      fallback: args.fallback,
      artifacts: args.artifacts,
      abort: args.abort,
      contexts: args.contexts,
      ...(args.timeout !== undefined ? { timeoutMs: Number(args.timeout) } : {}),
      ...(args['project-root'] !== undefined ? { projectRoot: args['project-root'] } : {}),
      onEvent: progress,
    }),
  );
  printResults(results);
  if (args.json !== undefined)
    writeFileSync(args.json, `${JSON.stringify(results.length === 1 ? results[0] : results, null, 2)}\n`);
  const list =
    args.expectations !== undefined
      ? loadExpectations(args.expectations, true)
      : loadRunExpectations(EXPECTATIONS_DIR, backend, precision);
  const files =
    args.expectations !== undefined ? [args.expectations] : expectationFiles(EXPECTATIONS_DIR, backend, precision);
  const differences = compareWithExpectations(results, list);
  printDifferences(differences, files.length > 0 ? files.join(' + ') : 'no list: every case must pass');
  return differences.length === 0 ? 0 : 1;
}

async function report(args: Args): Promise<number> {
  const listed = listedRuns(EXPECTATIONS_DIR);
  // Every run with an expectation list, reference first; or the named backends at --precision.
  const runs = args.backend?.map((backend) => ({ backend, ...precisionOf(args) })) ?? [
    ...listed.filter((r) => r.backend === 'reference'),
    ...listed.filter((r) => r.backend !== 'reference'),
  ];
  const all = await withSuites(args, async (suites) => {
    const results: SuiteResult[] = [];
    for (const run of runs) {
      process.stderr.write(`${run.backend}${run.precision !== undefined ? ` at ${run.precision}` : ''}:\n`);
      results.push(...(await runConformance({ ...run, suites, fallback: args.fallback, onEvent: progress })));
    }
    return results;
  });
  const table = formatReport(all);
  console.log(table);
  writeReport(resolve(args['report-file']), table);
  console.log(`\nwritten into ${resolve(args['report-file'])}`);
  return 0;
}

async function main(): Promise<number> {
  const args = parse();
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  if (args.generate !== undefined) {
    const suites = await generateSuites(resolve(args.generate), generateOptions(args));
    console.log(`wrote ${suites.join(', ')}`);
    return 0;
  }
  if (args.report) return report(args);
  const backends = args.backend ?? [];
  if (backends.length !== 1) throw new UsageError('give one --backend <name>');
  if (args['compare-to'] !== undefined) {
    if (args.model === undefined) throw new UsageError('--compare-to needs --model <x.onnx>');
    const result = await compareToReference({
      backend: backends[0],
      reference: args['compare-to'],
      model: args.model,
      seed: Number(args.seed),
      shapes: parseShapes(args.shape),
      fallback: args.fallback,
      ...(args.timeout !== undefined ? { timeoutMs: Number(args.timeout) } : {}),
      ...(args['project-root'] !== undefined ? { projectRoot: args['project-root'] } : {}),
    });
    printResults([result]);
    if (args.json !== undefined) writeFileSync(args.json, `${JSON.stringify(result, null, 2)}\n`);
    return result.cases.every((c) => c.status === 'pass') ? 0 : 1;
  }
  return runSuites(args, backends[0]);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (
      error instanceof UsageError ||
      (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      console.error(`${error.message}\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    console.error(isLastmileError(error) ? `${error.name} (${error.code}): ${error.message}` : error);
    process.exitCode = 2;
  },
);
