import { join } from 'node:path';
import { REPO } from '../support/repo';
import { childEnv, startNode, TS_NODE } from '../support/run-process';

const MAIN = join(REPO, 'test/fixtures/backplane-warning-cluster.ts');
const WARNING = 'WARN [MemoryBackplane] The memory backplane is running in a cluster worker';

/** Forks a one-worker cluster on `backplane`, waits until the worker listens, stops it and returns all it printed. */
async function bootOutput(backplane: 'default' | 'env'): Promise<string> {
  const env = childEnv({ BACKPLANE: backplane, NO_COLOR: '1' });
  delete env.REDIS_URL;
  const cluster = startNode([...TS_NODE, MAIN], { env });
  try {
    await cluster.waitForOutput(/@@listening/, 20_000, 'the worker to listen');
    expect((await cluster.stop(10_000)).code).toBe(0);
    return cluster.output();
  } finally {
    cluster.kill();
  }
}

describe('a memory backplane in a cluster worker', () => {
  it('logs a warning at boot: nothing is shared with the other workers, and what to use instead', async () => {
    const output = await bootOutput('default');
    expect(output).toContain(WARNING);
    expect(output).toMatch(
      /rooms, broadcasts and the connection registry are NOT shared[^\n]*backplaneFromEnv\(\)[^\n]*ClusterIpcBackplane/,
    );
  }, 30_000);

  it('is not logged on the cluster IPC backplane (backplaneFromEnv() in a worker)', async () => {
    const output = await bootOutput('env');
    expect(output).toContain('@@listening');
    expect(output).not.toContain('MemoryBackplane');
  }, 30_000);
});
