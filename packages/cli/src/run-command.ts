/**
 * `lastmile run <model|bundle>`: feeds the model (files or seeded random data), runs it once on the
 * chosen backends, or a bundle on the backends it was compiled for, prints each output's shape, dtype,
 * first values and min/max/mean, and saves them as .npy.
 */
import { type AssignmentReport, Session, type Tensor, type ValueInfo } from '@lastmile/core';
import { isBundleFile } from './bundle-file.js';
import { type CommandContext, parseBackendList, partitionOption, sessionOptions } from './context.js';
import { ExitCode, UsageError, failingWith } from './exit-codes.js';
import { toJson } from './json-output.js';
import { loadModelFile } from './model-file.js';
import { loadInputs } from './model-inputs.js';
import { checkOutputDir, saveTensors } from './output-files.js';
import { parseShapeOptions } from './shape-options.js';
import { parseCount } from './numbers.js';
import { compileProgress } from './progress.js';
import { formatDims } from './text.js';
import { formatTensorSummary, summarizeTensor, type TensorSummary } from './tensor-summary.js';

/** Options of `lastmile run`, as commander parses them. */
export interface RunOptions {
  input: string[];
  shape: string[];
  backends?: string;
  fallback: boolean;
  minPartitionNodes?: string;
  outputDir?: string;
  seed: string;
  threads?: string;
}

/** The --json result of `lastmile run`. */
export interface RunResult {
  model: string;
  backends: string[];
  inputs: { name: string; dtype: string; shape: number[]; source: string }[];
  partitions: { id: number; backend: string; nodeCount: number }[];
  /** For a bundle, `initMs` is its load: every partition's artifact loaded, no model compiled. */
  timings: { initMs: number; prepareMs: number; runMs: number };
  outputs: (TensorSummary & { file?: string })[];
}

export async function runCommand(path: string, options: RunOptions, ctx: CommandContext): Promise<void> {
  const seed = parseCount(options.seed, '--seed');
  const threads = options.threads === undefined ? undefined : parseCount(options.threads, '--threads', 1);
  if (options.outputDir !== undefined) await checkOutputDir(options.outputDir);
  const feed = (inputs: readonly ValueInfo[]) =>
    loadInputs(inputs, {
      specs: options.input,
      shapes: parseShapeOptions(options.shape, inputs),
      seed,
      notice: ctx.notice,
    });

  let started = performance.now();
  const compiling = compileProgress(ctx);
  const extra = { ...(threads !== undefined ? { threads } : {}), onEvent: compiling.onEvent };
  let session: Session;
  let fed: Awaited<ReturnType<typeof feed>>;
  if (await isBundleFile(path)) {
    if (options.backends !== undefined || options.minPartitionNodes !== undefined || !options.fallback)
      throw new UsageError('--backends, --min-partition-nodes and --no-fallback shape a compile; a bundle is compiled');
    session = await failingWith(ExitCode.Model, () => Session.load(path, sessionOptions(ctx, extra)));
    fed = await feed(session.inputs).catch(async (error) => {
      await session.destroy();
      throw error;
    });
  } else {
    const backends = options.backends === undefined ? undefined : parseBackendList(options.backends);
    const partitioning = partitionOption(options.minPartitionNodes);
    const model = await loadModelFile(path, ctx);
    fed = await feed(model.graph.inputs);
    session = await Session.init(
      model,
      sessionOptions(ctx, {
        ...(backends !== undefined ? { backends } : {}),
        fallback: options.fallback,
        ...partitioning,
        ...extra,
      }),
    );
  }
  const initMs = performance.now() - started;
  try {
    started = performance.now();
    try {
      await session.prepare(Object.fromEntries(fed.map((f) => [f.name, [...f.tensor.dims]])));
    } finally {
      compiling.stop();
    }
    const prepareMs = performance.now() - started;
    started = performance.now();
    const outputs = await session.run(Object.fromEntries(fed.map((f) => [f.name, f.tensor])));
    const runMs = performance.now() - started;

    const ordered = new Map<string, Tensor>(session.outputs.map((o) => [o.name, outputs[o.name]]));
    const files =
      options.outputDir === undefined ? new Map<string, string>() : await saveTensors(options.outputDir, ordered);
    const result: RunResult = {
      model: path,
      backends: session.backends.map((b) => b.name),
      inputs: fed.map((f) => ({ name: f.name, dtype: f.tensor.type, shape: [...f.tensor.dims], source: f.source })),
      partitions: partitionsOf(session.assignment),
      timings: { initMs, prepareMs, runMs },
      outputs: [...ordered].map(([name, tensor]) => ({
        ...summarizeTensor(name, tensor),
        ...(files.has(name) ? { file: files.get(name) } : {}),
      })),
    };
    ctx.out(ctx.json ? toJson(result) : formatRun(result));
  } finally {
    await session.destroy();
  }
}

function partitionsOf(report: AssignmentReport | undefined): RunResult['partitions'] {
  return (report?.partitions ?? []).map((p) => ({ id: p.id, backend: p.backend, nodeCount: p.nodeCount }));
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

function formatRun(r: RunResult): string {
  const lines = [`model       ${r.model}`, `backends    ${r.backends.join(', ')}`];
  for (const i of r.inputs) lines.push(`input       ${i.name}  ${i.dtype}[${formatDims(i.shape)}]  from ${i.source}`);
  const parts = r.partitions
    .map((p) => `${p.backend} (${p.nodeCount} node${p.nodeCount === 1 ? '' : 's'})`)
    .join(' -> ');
  lines.push(`partitions  ${parts || '-'}`);
  lines.push(
    `time        init ${ms(r.timings.initMs)}, prepare ${ms(r.timings.prepareMs)}, run ${ms(r.timings.runMs)}`,
  );
  lines.push('outputs');
  for (const o of r.outputs) lines.push(`${formatTensorSummary(o)}${o.file ? `\n  saved to ${o.file}` : ''}`);
  return lines.join('\n');
}
