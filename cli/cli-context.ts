/** Where the CLI writes what it has to say; a test passes its own to capture it. */
export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

/** What a command runs against: the directory it was started in and where its output goes. */
export interface CliContext {
  readonly cwd: string;
  readonly output: CliOutput;
  /**
   * Root of the `@switchboard/cli` package that runs: `new` tells from it where
   * the app gets Switchboard (its checkout, or the registry at its version).
   * Default: found by walking up from the CLI's own files.
   */
  readonly cliRoot?: string;
}

/** Output to the process's stdout and stderr. */
export const processOutput: CliOutput = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};
