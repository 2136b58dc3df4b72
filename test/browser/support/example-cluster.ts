import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../fixtures/cluster-redis';
import { eventually, within } from '../../support/wait';

const ROOT = join(__dirname, '../../..');

/** The example app as `npm start` runs it (examples/chat/cluster.ts, from source), with two workers. */
export interface ExampleCluster {
  readonly port: number;
  /** SIGTERM, then waits for the primary to exit (SIGKILL if it does not). */
  stop(): Promise<void>;
}

export async function startExampleCluster(): Promise<ExampleCluster> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), NO_COLOR: '1' };
  delete env.REDIS_URL;
  delete env.WORKERS;
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(ROOT, 'examples/chat/cluster.ts'), '--workers', '2'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await within(exited, 8000, () => `the example cluster to exit; output:\n${output}`).catch((error: unknown) => {
      child.kill('SIGKILL');
      throw error;
    });
  };
  try {
    await eventually(() => output.includes(`cluster ready: 2 workers share port ${port}`), 20_000, () => `the example cluster to be ready; output:\n${output}`);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return { port, stop };
}
