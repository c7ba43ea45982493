/**
 * What every command gets: the global options and where to write. Results go to stdout (as JSON with
 * --json), notices and progress to stderr.
 */
import type { PackageSearch, SessionEvent, SessionOptions } from '@lastmile/core';
import { UsageError } from './exit-codes.js';
import { parseCount } from './numbers.js';
import { oneLine } from './text.js';

/** Options shared by every command. */
export interface GlobalOptions {
  json?: boolean;
  verbose?: boolean;
  projectRoot?: string;
}

/** A command's view of the terminal and the global options. */
export interface CommandContext {
  readonly json: boolean;
  /** --verbose: progress as notices too (compiled partitions), for logs where no bar is drawn. */
  readonly verbose: boolean;
  /** Where backends are looked up; undefined: core's default (see `defaultProjectRoot`). */
  readonly projectRoot: string | undefined;
  /** Writes a result line (or text) to stdout. */
  out(text: string): void;
  /** Writes `notice: ...` to stderr. */
  notice(text: string): void;
}

/** A context writing to this process's streams. */
export function processContext(options: GlobalOptions): CommandContext {
  return {
    json: options.json === true,
    verbose: options.verbose === true,
    projectRoot: options.projectRoot,
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    notice: (text) => process.stderr.write(`notice: ${text}\n`),
  };
}

/** `--min-partition-nodes n` as a session option (absent: the library's default). */
export function partitionOption(text: string | undefined): Pick<SessionOptions, 'minPartitionNodes'> {
  return text === undefined ? {} : { minPartitionNodes: parseCount(text, '--min-partition-nodes', 1) };
}

/** Parses `--backends a,b`: names in priority order, at least one, none twice. */
export function parseBackendList(text: string): string[] {
  const names = text.split(',').map((s) => s.trim());
  if (names.length === 0 || names.some((n) => n === ''))
    throw new UsageError(`--backends '${text}' must be names separated by commas, like cpu-neon,reference`);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new UsageError(`--backends names '${twice}' twice`);
  return names;
}

/**
 * Where the commands look for backends and importers: the project root, then the CLI's own install, so
 * the packages installed with it are found however it was installed (npm, pnpm, npx, globally).
 */
export function packageSearch(ctx: CommandContext): PackageSearch {
  return { ...(ctx.projectRoot !== undefined ? { projectRoot: ctx.projectRoot } : {}), resolveFrom: [import.meta.url] };
}

/** Session options common to the commands: where packages are found, and session events shown as notices. */
export function sessionOptions(ctx: CommandContext, extra: SessionOptions = {}): SessionOptions {
  const onEvent = (event: SessionEvent) => {
    if (event.type === 'backend-skipped') ctx.notice(`backend ${event.backend} skipped: ${oneLine(event.reason)}`);
    extra.onEvent?.(event);
  };
  return { ...packageSearch(ctx), ...extra, onEvent };
}
