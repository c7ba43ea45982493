/**
 * What every command gets: the global options and where to write. Results go to stdout (as JSON with
 * --json), notices and progress to stderr.
 */
import type { SessionEvent, SessionOptions } from '@lastmile/core';
import { UsageError } from './exit-codes.js';
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
    projectRoot: options.projectRoot,
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    notice: (text) => process.stderr.write(`notice: ${text}\n`),
  };
}

/** Parses `--backends a,b`: names in priority order, at least one, none twice. */
export function parseBackendList(text: string): string[] {
  const names = text.split(',').map((s) => s.trim());
  if (names.length === 0 || names.some((n) => n === '')) throw new UsageError(`--backends '${text}' must be names separated by commas, like cpu-neon,reference`);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new UsageError(`--backends names '${twice}' twice`);
  return names;
}

/** Session options common to the commands: project root, and session events shown as notices. */
export function sessionOptions(ctx: CommandContext, extra: SessionOptions = {}): SessionOptions {
  const onEvent = (event: SessionEvent) => {
    if (event.type === 'backend-skipped') ctx.notice(`backend ${event.backend} skipped: ${oneLine(event.reason)}`);
  };
  return { ...(ctx.projectRoot !== undefined ? { projectRoot: ctx.projectRoot } : {}), onEvent, ...extra };
}
