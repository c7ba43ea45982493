#!/usr/bin/env node
/**
 * The `lastmile` executable.
 */
import { main } from './program.js';

// Through the repository's `pnpm lastmile` script, pnpm runs us from the repository root; relative paths
// the user typed mean the folder they typed them in.
if (process.env.npm_lifecycle_event === 'lastmile' && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `lastmile: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
