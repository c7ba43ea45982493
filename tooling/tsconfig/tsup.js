// One tsup setup for every package: ESM, .d.ts, sourcemaps, entry src/index.ts.
import { defineConfig } from 'tsup';

export function packageConfig(extra = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    ...extra,
  });
}
