/**
 * The CPU backend: WebAssembly SIMD128 kernels emitted by TypeScript at compile time (V8 lowers them to
 * NEON on arm64 and to SSE/AVX on x86), NHWC activations in one static arena, weights packed once, and
 * core's reference kernels on the host for the ops without a SIMD kernel. It runs every op core knows,
 * as the fallback of every other device.
 *
 * @packageDocumentation
 */
// @types/node 20 declares no WebAssembly global; packages that typecheck this source need the declarations too.
/// <reference path="./wasm/webassembly.d.ts" />
import { arch, availableParallelism, cpus } from 'node:os';
import {
  BACKEND_API_VERSION,
  type Backend,
  type CompileOptions,
  type Executable,
  findOp,
  InputError,
  type Partition,
} from '@lastmile/core';
import { compileProgram } from './compile/compile.js';
import { NeonExecutable } from './executable.js';
import { detectFeatures } from './wasm/features.js';

export type { CpuNeonExecutable, StepDescription } from './executable.js';

/** The cpu-neon backend descriptor. */
export const backend: Backend = {
  apiVersion: BACKEND_API_VERSION,
  name: 'cpu-neon',
  probe() {
    const features = detectFeatures();
    const cpu = cpus()[0]?.model ?? 'unknown CPU';
    const isa = arch() === 'arm64' ? 'NEON' : 'SSE/AVX';
    return {
      available: typeof WebAssembly === 'object',
      kind: 'hardware',
      device: `${cpu} (${arch()}): WebAssembly SIMD128 as ${isa}${features.relaxedSimd ? ', relaxed-SIMD FMA' : ''}`,
      details: { arch: arch(), relaxedSimd: features.relaxedSimd, cores: cpus().length },
    };
  },
  supports(node, context) {
    const op = findOp(node.domain, node.opType);
    if (!op) return { supported: false, reason: `no kernel for ${node.domain ? `${node.domain}.` : ''}${node.opType}` };
    if (context.opset < op.sinceVersion)
      return { supported: false, reason: `${node.opType} needs opset >= ${op.sinceVersion}` };
    return { supported: true };
  },
  async compile(partition: Partition, options: CompileOptions): Promise<Executable> {
    const program = await compileProgram(partition.model, { features: detectFeatures() }, threadCount(options.threads));
    return new NeonExecutable(program, options.profiling === true);
  },
};

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
