import { spawn, type ChildProcess } from 'node:child_process';
import { within } from './wait';

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

/**
 * Runs `npm <args>` to completion, failing with its output when it exits
 * non-zero or outlives `ms`. Inherited npm_config_* variables (from the
 * `npm test` running us) would steer a scratch app's install, so they are dropped.
 */
export async function runNpm(args: readonly string[], cwd: string, ms: number): Promise<ProcessResult> {
  const env = Object.fromEntries(Object.entries(childEnv()).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
  const child = spawn('npm', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = collect(child);
  const exited = new Promise<number | null>((resolve, reject) => child.once('error', reject).once('close', resolve));
  const code = await within(exited, ms, `"npm ${args.join(' ')}" in ${cwd} to finish`).catch((error: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${error.message}\nstdout:\n${output.stdout}\nstderr:\n${output.stderr}`);
  });
  if (code !== 0) throw new Error(`npm ${args.join(' ')} in ${cwd} exited with ${code}\nstdout:\n${output.stdout}\nstderr:\n${output.stderr}`);
  return { code, ...output };
}
