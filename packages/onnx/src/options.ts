/**
 * Loader options and the limits that bound the work a hostile model can cause.
 */
import { DEFAULT_MAX_TENSOR_BYTES, ModelLimitError } from '@lastmile/core';

/** Options of {@link loadModel} and {@link decodeModel}. */
export interface LoadOptions {
  /**
   * Folder that external-data locations are relative to. Defaults to the model file's folder for
   * `loadModel(path)`; a model decoded from bytes has none, and external data is then refused.
   */
  baseDir?: string;
  /** Largest model file accepted, in bytes (default 2 GiB - 1, protobuf's own limit). Bigger weights belong in external data. */
  maxFileBytes?: number;
  /** Deepest nesting of subgraphs (If/Loop/Scan bodies) accepted (default 32). */
  maxSubgraphDepth?: number;
  /**
   * Largest single tensor accepted, in bytes, checked before its data is read (default core's
   * `DEFAULT_MAX_TENSOR_BYTES`, 2 GiB, the limit a session applies; sparse tensors count dense).
   */
  maxTensorBytes?: number;
}

/** The default limits. */
export const DEFAULT_LIMITS = {
  maxFileBytes: 2 ** 31 - 1,
  maxSubgraphDepth: 32,
  maxTensorBytes: DEFAULT_MAX_TENSOR_BYTES,
} as const;

/** Options with defaults filled in. */
export interface ResolvedOptions {
  baseDir?: string;
  maxFileBytes: number;
  maxSubgraphDepth: number;
  maxTensorBytes: number;
}

function limit(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ModelLimitError(`option ${name} must be a non-negative integer, got ${value}`, {
      option: name,
      got: value,
    });
  }
  return value;
}

/** Fills in the defaults and checks the limits are sane numbers. */
export function resolveOptions(options: LoadOptions = {}): ResolvedOptions {
  return {
    ...(options.baseDir !== undefined ? { baseDir: options.baseDir } : {}),
    maxFileBytes: limit('maxFileBytes', options.maxFileBytes, DEFAULT_LIMITS.maxFileBytes),
    maxSubgraphDepth: limit('maxSubgraphDepth', options.maxSubgraphDepth, DEFAULT_LIMITS.maxSubgraphDepth),
    maxTensorBytes: limit('maxTensorBytes', options.maxTensorBytes, DEFAULT_LIMITS.maxTensorBytes),
  };
}
