#!/usr/bin/env node
import { processOutput } from './cli-context';
import { run } from './program';

run(process.argv.slice(2), { cwd: process.cwd(), output: processOutput }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Not a user mistake: a bug, shown in full so it can be reported.
    process.stderr.write(`switchboard: unexpected error\n${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 70;
  },
);
