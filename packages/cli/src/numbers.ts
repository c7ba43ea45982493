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

/** Parses a comma-separated list of finite numbers (`0.485,0.456,0.406`). */
export function parseNumberList(text: string, option: string): number[] {
  const values = text.split(',').map((part) => (part.trim() === '' ? Number.NaN : Number(part)));
  if (values.some((v) => !Number.isFinite(v)))
    throw new UsageError(`${option} must be finite numbers separated by commas, got '${text}'`);
  return values;
}
