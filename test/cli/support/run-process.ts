import { spawn, type ChildProcess } from 'node:child_process';
import { within } from '../../support/wait';

/** What a finished process printed and how it ended. */
export interface ProcessResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment for child processes: without the variables that make a child think it is a Jest worker. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.JEST_WORKER_ID;
  return env;
}

/** Runs `node <args>` to completion; a process still running after `ms` is killed and the wait fails, showing its output. */
export async function runNode(args: readonly string[], cwd: string, ms: number, env = childEnv()): Promise<ProcessResult> {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = collect(child);
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  try {
    const code = await within(exited, ms, `"node ${args.join(' ')}" in ${cwd} to finish`);
    return { code, ...output };
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\nstdout:\n${output.stdout}\nstderr:\n${output.stderr}`);
  }
}

/** Live views of a child's stdout and stderr. */
export function collect(child: ChildProcess): { readonly stdout: string; readonly stderr: string } {
  const chunks = { stdout: '', stderr: '' };
  child.stdout?.on('data', (d: Buffer) => (chunks.stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (chunks.stderr += d.toString()));
  return chunks;
}
