/**
 * The CPU backend: WebAssembly SIMD128 kernels emitted by TypeScript at compile time (V8 lowers them to
 * NEON on arm64 and to SSE/AVX on x86), NHWC activations in one static arena, weights packed once, and
 * core's reference kernels on the host for the ops without a SIMD kernel. It runs every op core knows,
 * as the fallback of every other device.
 *
 * @packageDocumentation
 */
import { arch, cpus } from 'node:os';
import { BACKEND_API_VERSION, type Backend, type CompileOptions, type Executable, findOp, type Partition } from '@lastmile/core';
import { compileProgram } from './compile/compile.js';
import { CpuNeonExecutable } from './executable.js';
import { detectFeatures } from './wasm/features.js';

export { CpuNeonExecutable } from './executable.js';

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
    if (context.opset < op.sinceVersion) return { supported: false, reason: `${node.opType} needs opset >= ${op.sinceVersion}` };
    return { supported: true };
  },
  async compile(partition: Partition, options: CompileOptions): Promise<Executable> {
    const program = await compileProgram(partition.model, { features: detectFeatures() });
    return new CpuNeonExecutable(program, options.profiling === true);
  },
};
