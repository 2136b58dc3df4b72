import type { CliErrorCode } from './cli-error-codes';

/**
 * A mistake the user can fix (bad name, existing file, not inside an app).
 * The CLI prints `error <code>: <message>`, without a stack, and exits with `exitCode`.
 */
export class CliError extends Error {
  constructor(
    /** Which mistake: stable, for scripts to switch on; see docs/reference/errors.md. */
    readonly code: CliErrorCode,
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
