/**
 * Entry of `pnpm bench`; with `--cell` it is instead the child process that measures one cell. Each mode
 * imports only its own modules, so a cell's process loads no charting or model-building code.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CELL_FLAG } from './spawn-cell.js';

const entry = fileURLToPath(import.meta.url);

if (process.argv[2] === CELL_FLAG) {
  const { serveOneCell } = await import('./child.js');
  serveOneCell();
} else {
  const { runCli } = await import('./cli.js');
  process.exitCode = await runCli(process.argv.slice(2), {
    entry,
    benchRoot: resolve(dirname(entry), '..'),
    stdout: process.stdout,
    stderr: process.stderr,
    ci: Boolean(process.env.CI),
  });
}
