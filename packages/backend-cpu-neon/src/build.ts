/**
 * Compiling a partition for a kernel target, and the target's name in artifacts: what `compile` does
 * for this machine and `load` for the machine an artifact names.
 */
import { availableParallelism } from 'node:os';
import { type CompileOptions, InputError, type Model } from '@lastmile/core';
import { compileProgram } from './compile/compile.js';
import { NeonExecutable } from './executable.js';
import { detectFeatures, type Features } from './wasm/features.js';

/**
 * The kernel target as artifacts name it: the tile shapes follow the architecture and the products
 * the FMA, so both change bits. `wasm-simd128 x64` or `wasm-simd128 arm64 relaxed-madd`.
 */
function targetOf(features: Features): string {
  return `wasm-simd128 ${features.arch}${features.relaxedSimd ? ' relaxed-madd' : ''}`;
}

/** The features a target names, when this engine can run them (any engine runs any tile shapes). */
export function featuresOf(target: string): Features | undefined {
  const match = /^wasm-simd128 (\w+)( relaxed-madd)?$/.exec(target);
  if (!match) return undefined;
  const relaxedSimd = match[2] !== undefined;
  if (relaxedSimd && !detectFeatures().relaxedSimd) return undefined;
  return { arch: match[1], relaxedSimd };
}

/** Compiles `model` with the kernels of `features`; its artifact names that target. */
export async function compileFor(model: Model, features: Features, options: CompileOptions): Promise<NeonExecutable> {
  const program = await compileProgram(model, { features }, threadCount(options.threads));
  return new NeonExecutable(program, options.profiling === true, { model, target: targetOf(features) });
}

/** Threads used when the options name none: the machine's, up to this many. */
const DEFAULT_MAX_THREADS = 8;

function threadCount(threads: number | undefined): number {
  if (threads === undefined) return Math.max(1, Math.min(availableParallelism(), DEFAULT_MAX_THREADS));
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
    throw new InputError(`cpu-neon: threads must be an integer from 1 to 256, got ${threads}`, {
      expected: '1..256',
      got: threads,
    });
  }
  return threads;
}
