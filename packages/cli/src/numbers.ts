/**
 * Whole-number options (`--runs 10`, `--seed 0`), refused as usage errors unless they are plain integers.
 */
import { UsageError } from './exit-codes.js';

/** Parses a non-negative integer option of at least `min`. */
export function parseCount(text: string, option: string, min = 0): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min)
    throw new UsageError(`${option} must be an integer >= ${min}, got '${text}'`);
  return value;
}
