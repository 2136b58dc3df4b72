import { run } from '../../../cli/program';

/** What one in-process CLI run printed and its exit code. */
export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs the CLI in this process, as `switchboard <args>` started in `cwd`, capturing its output. */
export async function cli(args: readonly string[], cwd: string, packageRoot?: string): Promise<CliResult> {
  let out = '';
  let err = '';
  const code = await run(args, {
    cwd,
    packageRoot,
    output: { out: (text) => (out += text.endsWith('\n') ? text : `${text}\n`), err: (text) => (err += text.endsWith('\n') ? text : `${text}\n`) },
  });
  return { code, out, err };
}
