import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { childEnv, collect } from '../support/run-process';
import { eventually, within } from '../support/wait';

const ROOT = join(__dirname, '../..');
const MAIN = join(ROOT, 'test/fixtures/backplane-warning-cluster.ts');
const WARNING = 'WARN [MemoryBackplane] The memory backplane is running in a cluster worker';

/** Forks a one-worker cluster on `backplane`, waits until the worker listens, stops it and returns all it printed. */
async function bootOutput(backplane: 'default' | 'env'): Promise<string> {
  const env = childEnv({ BACKPLANE: backplane, NO_COLOR: '1' });
  delete env.REDIS_URL;
  const child = spawn(process.execPath, ['-r', '@swc-node/register', MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = collect(child);
  const printed = () => `${output.stdout}${output.stderr}`;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await eventually(() => output.stdout.includes('@@listening') || child.exitCode !== null, 20_000, `the worker to listen; output:\n${printed()}`);
    if (!output.stdout.includes('@@listening')) throw new Error(`the cluster exited before its worker listened:\n${printed()}`);
    child.kill('SIGTERM');
    expect(await within(exited, 10_000, `the cluster to exit after SIGTERM; output:\n${printed()}`)).toBe(0);
    return printed();
  } finally {
    child.kill('SIGKILL');
  }
}

describe('a memory backplane in a cluster worker', () => {
  it('logs a warning at boot: nothing is shared with the other workers, and what to use instead', async () => {
    const output = await bootOutput('default');
    expect(output).toContain(WARNING);
    expect(output).toMatch(/rooms, broadcasts and the connection registry are NOT shared[^\n]*backplaneFromEnv\(\)[^\n]*ClusterIpcBackplane/);
  }, 30_000);

  it('is not logged on the cluster IPC backplane (backplaneFromEnv() in a worker)', async () => {
    const output = await bootOutput('env');
    expect(output).toContain('@@listening');
    expect(output).not.toContain('MemoryBackplane');
  }, 30_000);
});
