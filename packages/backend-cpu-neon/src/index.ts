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
import { createRequire } from 'node:module';
import { arch, cpus } from 'node:os';
import {
  type Backend,
  type CompileOptions,
  type Executable,
  findOp,
  graphOfArtifact,
  type Partition,
} from '@lastmile/core';
import { compileFor, featuresOf } from './build.js';
import { detectFeatures, type Features } from './wasm/features.js';

export type { CpuNeonExecutable, StepDescription } from './executable.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** The cpu-neon backend descriptor. */
export const backend: Backend = {
  apiVersion: 2,
  name: 'cpu-neon',
  version,
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
  compile: (partition: Partition, options: CompileOptions) => compileFor(partition.model, detectFeatures(), options),
  /** Compiles the artifact's graph again for the target it names, so its bits are the ones exported. */
  async load(artifact, options): Promise<Executable> {
    const features = featuresOf(artifact.header.target);
    const model = graphOfArtifact(
      artifact,
      'cpu-neon',
      () => features !== undefined,
      'this engine has no relaxed-SIMD FMA, or the target is not a cpu-neon one',
    );
    return compileFor(model, features as Features, options);
  },
};
