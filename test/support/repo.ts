import { join } from 'node:path';

/** The repository root: where child processes run, and what the tests that pack or link it take it from. */
export const REPO = join(__dirname, '..', '..');
