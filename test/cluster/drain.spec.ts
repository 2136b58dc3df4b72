import { Redis } from 'ioredis';
import { startCluster, type ClusterRun } from '../support/cluster-process';
import { openSilentSocket } from '../support/raw-socket';
import { keysUnder, testRedis } from '../support/redis-server';
import { TestClient } from '../support/test-client';
import { testPrefix } from '../support/test-prefix';
import { clusterNodes } from '../support/two-nodes';
import { within } from '../support/wait';

/**
 * SIGTERM to the primary of a cluster with clients on both workers: every
 * client is closed with 1001 (or 1012), every worker removes its own
 * registry entries before it exits (the primary had nothing left to purge),
 * and the primary exits 0 once they all have. Connections that never sent a
 * byte (a browser's preconnect) do not hold a worker up until it is killed.
 */
async function drainScenario(run: ClusterRun, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const cluster = await startCluster(run);
  const nodes = await clusterNodes(cluster);
  const clients: TestClient[] = [];
  try {
    for (const node of [0, 1, 0, 1] as const) {
      const client = await nodes.connect(node);
      await client.request('joinRoom', 'lobby');
      clients.push(client);
    }
    await nodes.connect(1, '/ws/other').then((c) => clients.push(c));
    // The primary hands connections to the workers in turn: two reach both.
    const silent = [await openSilentSocket(cluster.port), await openSilentSocket(cluster.port)];

    cluster.signal(signal);
    for (const client of clients) {
      const { code } = await within(client.closed, 5000, `client ${client.id} to be closed by the drain`);
      expect([1001, 1012]).toContain(code);
    }
    expect(await within(cluster.exited, 8000, 'the primary to exit after the drain')).toEqual({ code: 0, signal: null });
    const exits = cluster.events.filter((e) => e.type === 'exit');
    expect(exits).toHaveLength(2);
    for (const exit of exits) expect(exit).toMatchObject({ draining: true, code: 0, purged: 0 });
    expect(cluster.events.at(-1)).toEqual({ type: 'stopped', killed: 0 });
    await within(Promise.all(silent.map((s) => s.closed)), 1000, 'the silent connections to be closed');
  } finally {
    await cluster.stop();
  }
}

describe('SIGTERM or SIGINT drains the cluster', () => {
  it('on cluster IPC: clients closed with 1001, workers clear their own entries, primary exits 0', async () => {
    await drainScenario({ workers: 2 });
  }, 20_000);

  it('on SIGINT (Ctrl-C) the same as on SIGTERM', async () => {
    await drainScenario({ workers: 2 }, 'SIGINT');
  }, 20_000);

  it('on Redis: the same, and no key of the deployment is left in Redis', async () => {
    const redis = await testRedis();
    const prefix = testPrefix('drain');
    const client = new Redis(redis.url);
    try {
      await drainScenario({ workers: 2, redisUrl: redis.url, prefix });
      expect(await keysUnder(client, prefix)).toEqual([]);
    } finally {
      client.disconnect();
      await redis.stop();
    }
  }, 20_000);
});

describe('a drain that begins while a worker is still starting', () => {
  it('reaches that worker too: it drains once it is up, and none is killed', async () => {
    const cluster = await startCluster({ workers: 2 });
    try {
      const first = await TestClient.connect(cluster.ws('/ws'));
      const { pid } = (await first.request('status')).message as { pid: number };
      process.kill(pid, 'SIGKILL');
      // The replacement is forked, not yet listening, when the drain begins.
      const forked = await cluster.waitFor(
        'forked',
        (e) => e.pid !== pid && cluster.events.some((x) => x.type === 'exit' && x.pid === pid),
      );
      cluster.signal('SIGTERM');
      expect(await within(cluster.exited, 8000, 'the primary to exit after the drain')).toEqual({ code: 0, signal: null });
      expect(cluster.events.find((e) => e.type === 'exit' && e.pid === forked.pid)).toMatchObject({ draining: true, code: 0 });
      expect(cluster.events.at(-1)).toEqual({ type: 'stopped', killed: 0 });
    } finally {
      await cluster.stop();
    }
  }, 20_000);
});
