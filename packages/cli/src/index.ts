/**
 * The `lastmile` command (`run`, `inspect`, `devices`, `bench`) and the pieces it is made of that are
 * useful on their own: the .npy reader and writer, and the CLI entry for embedding.
 *
 * @packageDocumentation
 */
export { main, createProgram } from './program.js';
export { ExitCode, UsageError, exitCodeFor } from './exit-codes.js';
export { decodeNpy, encodeNpy, isNpy } from './npy.js';
export type { RunResult } from './run-command.js';
export type { InspectResult } from './inspect-command.js';
export type { DevicesResult, DeviceReport } from './devices-command.js';
export type { BenchResult, BenchRow } from './bench-command.js';
export type { TensorSummary } from './tensor-summary.js';
export type { LatencyStats } from './latency.js';
export type { ModelSummary } from './model-summary.js';
export type { Coverage, Declined } from './backend-coverage.js';
