/**
 * Vitest global setup: cases run in worker threads from the compiled worker script, so the package
 * (and the example backend, when it was never built) is built once before the tests.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const tsup = (cwd: string) => execFileSync('npx', ['--no-install', 'tsup'], { cwd, stdio: 'ignore' });

export function setup(): void {
  const exampleBackend = fileURLToPath(new URL('../../../examples/example-backend/', import.meta.url));
  if (!existsSync(`${exampleBackend}dist/index.js`)) tsup(exampleBackend);
  tsup(fileURLToPath(new URL('..', import.meta.url)));
}
