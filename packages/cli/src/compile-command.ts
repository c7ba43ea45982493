/**
 * `lastmile compile <model> -o <bundle>`: compiles the model for its input shapes on the chosen
 * backends, and writes every compiled partition, the plan and the assignment as one bundle that
 * `lastmile run <bundle>` (or `Session.load`) runs without the model. Backends that compile without
 * their device (a simulator's toolchain on a host) are used even where the device is absent.
 */
import { Session } from '@lastmile/core';
import { type CommandContext, parseBackendList, partitionOption, sessionOptions } from './context.js';
import { toJson } from './json-output.js';
import { loadModelFile } from './model-file.js';
import { compileProgress } from './progress.js';
import { concreteShape, parseShapeOptions } from './shape-options.js';
import { formatDims } from './text.js';

/** Options of `lastmile compile`, as commander parses them. */
export interface CompileOptions {
  output: string;
  shape: string[];
  backends?: string;
  fallback: boolean;
  minPartitionNodes?: string;
}

/** The --json result of `lastmile compile`. */
export interface CompileResult {
  model: string;
  bundle: string;
  bytes: number;
  inputs: { name: string; shape: number[] }[];
  partitions: { id: number; backend: string; nodeCount: number }[];
  compileMs: number;
}

export async function compileCommand(path: string, options: CompileOptions, ctx: CommandContext): Promise<void> {
  const backends = options.backends === undefined ? undefined : parseBackendList(options.backends);
  const model = await loadModelFile(path, ctx);
  const given = parseShapeOptions(options.shape, model.graph.inputs);
  const shapes = model.graph.inputs.map((info) => ({ name: info.name, shape: concreteShape(info, given, ctx.notice) }));
  const started = performance.now();
  const compiling = compileProgress(ctx);
  const session = await Session.init(
    model,
    sessionOptions(ctx, {
      purpose: 'compile',
      ...(backends !== undefined ? { backends } : {}),
      fallback: options.fallback,
      ...partitionOption(options.minPartitionNodes),
      onEvent: compiling.onEvent,
    }),
  );
  try {
    try {
      await session.prepare(Object.fromEntries(shapes.map((s) => [s.name, s.shape])));
    } finally {
      compiling.stop();
    }
    const bytes = await session.export(options.output);
    const result: CompileResult = {
      model: path,
      bundle: options.output,
      bytes: bytes.length,
      inputs: shapes,
      partitions: session.partitions.map((p) => ({ id: p.id, backend: p.backend, nodeCount: p.nodeCount })),
      compileMs: performance.now() - started,
    };
    ctx.out(ctx.json ? toJson(result) : formatCompile(result));
  } finally {
    await session.destroy();
  }
}

function formatCompile(r: CompileResult): string {
  const parts = r.partitions.map((p) => `${p.backend} (${p.nodeCount} node${p.nodeCount === 1 ? '' : 's'})`);
  return [
    `model       ${r.model}`,
    ...r.inputs.map((i) => `input       ${i.name}  [${formatDims(i.shape)}]`),
    `partitions  ${parts.join(' -> ') || '-'}`,
    `bundle      ${r.bundle}  (${r.bytes} bytes, compiled in ${r.compileMs.toFixed(1)} ms)`,
  ].join('\n');
}
