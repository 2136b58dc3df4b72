import { run } from '../../../cli/program';

/** What one in-process CLI run printed and its exit code. */
export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/**
 * Runs the CLI in this process, as `switchboard <args>` started in `cwd`,
 * capturing its output. `cliRoot` pretends the CLI runs from another folder
 * (default: this checkout's cli/).
 */
export async function cli(args: readonly string[], cwd: string, cliRoot?: string): Promise<CliResult> {
  let out = '';
  let err = '';
  const code = await run(args, {
    cwd,
    cliRoot,
    output: {
      out: (text) => (out += text.endsWith('\n') ? text : `${text}\n`),
      err: (text) => (err += text.endsWith('\n') ? text : `${text}\n`),
    },
  });
  return { code, out, err };
}
