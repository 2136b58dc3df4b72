/**
 * A mistake the user can fix (bad name, existing file, not inside an app).
 * The CLI prints its message, without a stack, and exits with `exitCode`.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
