// Tests import workspace packages from their sources (the "@lastmile/source" export condition),
// so `pnpm test` needs no build of the package under test.
import { defineConfig } from 'vitest/config';

export function packageTestConfig(extra = {}) {
  return defineConfig({
    resolve: { conditions: ['@lastmile/source'] },
    ssr: { resolve: { conditions: ['@lastmile/source'] } },
    test: {
      include: ['src/**/*.test.ts'],
      testTimeout: 60_000,
      hookTimeout: 60_000,
      ...extra,
    },
  });
}
