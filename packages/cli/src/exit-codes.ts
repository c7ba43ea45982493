/**
 * The exit status of every `lastmile` command, chosen from what went wrong, so scripts can tell a typo
 * from a broken model from a missing device without parsing messages.
 */
import { ErrorCodes, type ErrorCode, isLastmileError } from '@lastmile/core';

/** Exit statuses; part of the CLI's contract (documented in the README). */
export const ExitCode = {
  /** The command did what it was asked. */
  Ok: 0,
  /** Anything else failed while running: a backend crashed, a limit was hit, an unexpected error. */
  Runtime: 1,
  /** The command line or an input file is wrong: unknown option, bad --shape or --input, unreadable .npy. */
  Usage: 2,
  /**
   * The model or bundle cannot be used: missing, corrupt, invalid, built for another backend version,
   * or it has ops no chosen backend runs.
   */
  Model: 3,
  /** No requested backend could be used: not installed, refused name, device absent. */
  BackendUnavailable: 4,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A mistake on the command line, found by the CLI itself. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const BY_CODE: Partial<Record<ErrorCode, ExitCode>> = {
  [ErrorCodes.Input]: ExitCode.Usage,
  [ErrorCodes.ModelFormat]: ExitCode.Model,
  [ErrorCodes.ModelLimit]: ExitCode.Model,
  [ErrorCodes.UnsupportedOpset]: ExitCode.Model,
  [ErrorCodes.ExternalData]: ExitCode.Model,
  [ErrorCodes.Graph]: ExitCode.Model,
  [ErrorCodes.UnsupportedOp]: ExitCode.Model,
  [ErrorCodes.Shape]: ExitCode.Model,
  [ErrorCodes.TensorData]: ExitCode.Model,
  [ErrorCodes.Attribute]: ExitCode.Model,
  [ErrorCodes.QuantParam]: ExitCode.Model,
  [ErrorCodes.Serialization]: ExitCode.Model,
  [ErrorCodes.ArtifactMismatch]: ExitCode.Model,
  [ErrorCodes.Plugin]: ExitCode.BackendUnavailable,
  [ErrorCodes.BackendUnavailable]: ExitCode.BackendUnavailable,
};

// Errors raised while reading the user's input files are usage errors whatever their lastmile code
// (a truncated .npy is a TensorDataError, but the model is not to blame).
const assigned = new WeakMap<object, ExitCode>();

/** Runs `work`; an error it throws leaves the command with `code`. */
export async function failingWith<T>(code: ExitCode, work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (typeof error === 'object' && error !== null && !assigned.has(error)) assigned.set(error, code);
    throw error;
  }
}

/** The exit status for an error that ended a command. */
export function exitCodeFor(error: unknown): ExitCode {
  if (typeof error === 'object' && error !== null) {
    const given = assigned.get(error);
    if (given !== undefined) return given;
  }
  if (error instanceof UsageError) return ExitCode.Usage;
  if (isLastmileError(error)) return BY_CODE[error.code] ?? ExitCode.Runtime;
  return ExitCode.Runtime;
}
