/**
 * What the engine offers: relaxed SIMD's fused multiply-add (behind a V8 flag on Node 20, which
 * `v8.setFlagsFromString` can still turn on before the first compile) and the CPU architecture, which
 * picks tile shapes.
 */
import { arch } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { ModuleBuilder, V128 } from './module-builder.js';

/** The machine the kernels are generated for. */
export interface Features {
  /** `f32x4.relaxed_madd` validates (a real FMA on x64 and arm64). */
  relaxedSimd: boolean;
  arch: string;
}

function relaxedProbe(): Uint8Array {
  const m = new ModuleBuilder();
  const f = m.add('madd', [V128], [V128]);
  f?.get(0).get(0).get(0).op('f32x4.relaxed_madd');
  return m.encode({ pages: 1 });
}

let detected: Features | undefined;

/** Detects features once per process. `relaxed: false` forces the mul+add kernels (tests, comparisons). */
export function detectFeatures(): Features {
  if (detected) return detected;
  const probe = relaxedProbe();
  let relaxedSimd = WebAssembly.validate(probe);
  if (!relaxedSimd) {
    // Node 20 ships relaxed SIMD behind a flag; NODE_OPTIONS refuses it, but this works before compiling.
    setFlagsFromString('--experimental-wasm-relaxed-simd');
    relaxedSimd = WebAssembly.validate(probe);
  }
  detected = { relaxedSimd, arch: arch() };
  return detected;
}
