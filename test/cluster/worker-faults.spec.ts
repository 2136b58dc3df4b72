import type { ConnectionInfo } from '../../src';
import { ownerOf } from '../../src/protocol/connection-id';
import { startCluster, type ClusterRun, type ContractCluster } from '../support/cluster-process';
import { freePort } from '../support/free-port';
import { call } from '../support/node-calls';
import { deleteKeysUnder, testRedis } from '../support/redis-server';
import { TestClient } from '../support/test-client';
import { testPrefix } from '../support/test-prefix';
import { clusterNodes, type TwoNodes } from '../support/two-nodes';
import { eventually, within } from '../support/wait';

/**
 * SIGKILL one of two workers while its clients sit in a room with a client
 * of the survivor; the dead worker's entries must leave the registry within
 * `bound` ms, and the worker started in its place must serve new clients.
 */
interface Scenario {
  readonly cluster: ClusterRun;
  /** How long the dead worker's entries may stay, in ms. */
  readonly bound: number;
  /** Entries the primary itself removes when the worker exits (cluster IPC: all of them; Redis: none, survivors reap). */
  readonly purgedByPrimary: number;
  readonly cleanup?: () => Promise<void>;
}

function killWorkerScenario(name: string, run: () => Promise<Scenario>): void {
  describe(`a worker killed with SIGKILL (${name})`, () => {
    let cluster: ContractCluster;
    let nodes: TwoNodes & { owners: string[] };
    let setup: Scenario;
    const open: TestClient[] = [];

    beforeAll(async () => {
      setup = await run();
      cluster = await startCluster(setup.cluster);
      nodes = await clusterNodes(cluster);
    }, 30_000);
    afterAll(async () => {
      await Promise.all(open.map((c) => c.close()));
      await cluster?.stop();
      await setup?.cleanup?.();
    }, 20_000);

    it(`vanishes from the registry and room members within its bound, and its replacement serves new clients`, async () => {
      const room = 'survivors';
      const survivor = await nodes.connect(0);
      const doomed = [await nodes.connect(1), await nodes.connect(1)];
      open.push(survivor, ...doomed);
      for (const client of [survivor, ...doomed]) await client.request('joinRoom', room);
      expect((await call<string[]>(survivor, 'getRoomMembers', room)).sort()).toEqual([survivor.id, ...doomed.map((c) => c.id)].sort());
      const { pid } = (await doomed[0].request('status')).message as { pid: number };

      const killedAt = Date.now();
      process.kill(pid, 'SIGKILL');
      const gone = async (): Promise<boolean> => {
        const members = await call<string[]>(survivor, 'getRoomMembers', room);
        const all = await call<ConnectionInfo[]>(survivor, 'getAllConnections');
        return members.length === 1 && !all.some((c) => c.serverInstanceId === nodes.owners[1]);
      };
      const { bound } = setup;
      await eventually(gone, bound, `the killed worker's connections left the registry (bound ${bound} ms)`);
      const vanishedMs = Date.now() - killedAt;
      process.stdout.write(
        `[figures] ${name}: a SIGKILLed worker's entries vanished ${vanishedMs} ms after the kill (bound ${bound} ms)\n`,
      );
      expect(await call(survivor, 'getRoomMembers', room)).toEqual([survivor.id]);
      for (const client of doomed) expect((await within(client.closed, 3000, "the killed worker's socket to drop")).code).toBe(1006);

      const exit = await cluster.waitFor('exit', (e) => e.pid === pid);
      expect(exit).toMatchObject({ signal: 'SIGKILL', draining: false, purged: setup.purgedByPrimary });
      await cluster.waitFor('listening', (e) => e.slot === exit.slot && e.pid !== pid);
      expect(cluster.output()).toMatch(
        new RegExp(`worker ${pid} died \\(SIGKILL\\) after \\d+ ms; removed its \\d+ registry entries; restarting in \\d+ ms`),
      );

      // Connections go to the workers in turn; a few tries reach the new one.
      let fresh: TestClient | undefined;
      for (let attempt = 0; attempt < 6 && !fresh; attempt++) {
        const client = await TestClient.connect(cluster.ws('/ws'));
        open.push(client);
        if (!nodes.owners.includes(ownerOf(client.id)!)) fresh = client;
      }
      if (!fresh) throw new Error(`no connection reached the restarted worker in 6 tries; output:\n${cluster.output()}`);
      await fresh.request('joinRoom', room);
      await survivor.request('room', { room, text: 'welcome back' });
      expect(await fresh.next((f) => f.event === 'room')).toEqual({ event: 'room', message: 'welcome back', sender: survivor.id, room });
      // The waits above are bounded one by one (the restart: 10 s); the test as a whole gets their sum.
    }, 40_000);

    it('a history room member whose worker was SIGKILLed rejoins on another worker and gets every frame published meanwhile', async () => {
      // Two clients on two different workers (after the test above, worker 1 is its replacement).
      const clients: TestClient[] = [];
      for (let attempt = 0; attempt < 8 && new Set(clients.map((c) => ownerOf(c.id))).size < 2; attempt++) {
        const client = await TestClient.connect(cluster.ws('/ws'));
        open.push(client);
        if (!clients.some((c) => ownerOf(c.id) === ownerOf(client.id))) clients.push(client);
      }
      if (clients.length < 2) throw new Error(`no two workers reached in 8 tries; output:\n${cluster.output()}`);
      const [publisher, member] = clients;
      const room = 'h:sigkill';
      const { epoch } = (await member.request('joinRoom', room)).message;
      await publisher.request('joinRoom', room);
      for (let n = 1; n <= 5; n++) await publisher.request('seq', { room, n });
      await member.next((f) => f.event === 'seq' && f.message === 5, 3000, 'seq 5 on the member');
      const { pid } = (await member.request('status')).message as { pid: number };
      process.kill(pid, 'SIGKILL');
      await within(member.closed, 3000, "the killed worker's socket to drop");
      for (let n = 6; n <= 15; n++) await publisher.request('seq', { room, n });

      let back: TestClient | undefined;
      for (let attempt = 0; attempt < 8 && !back; attempt++) {
        const client = await TestClient.connect(cluster.ws('/ws'));
        open.push(client);
        if (ownerOf(client.id) === ownerOf(publisher.id)) back = client;
      }
      if (!back) throw new Error(`no connection reached the surviving worker in 8 tries; output:\n${cluster.output()}`);
      const reply = await back.request('joinRoom', room, { since: { epoch, offset: 5 }, previous: member.id });
      expect(reply.message).toEqual({ room, epoch, offset: 15, recovered: true, missed: 10 });
      await back.next((f) => f.event === 'seq' && f.message === 15, 3000, 'seq 15 on the rejoined client');
      expect(back.framesOf('seq').map((f) => [f.message, f.offset])).toEqual(Array.from({ length: 10 }, (_, i) => [i + 6, i + 6]));
    }, 30_000);
  });
}

killWorkerScenario('cluster IPC', async () => ({
  cluster: { workers: 2 },
  // The primary removes a dead worker's entries as soon as it sees the exit.
  bound: 1000,
  purgedByPrimary: 2,
}));

killWorkerScenario('Redis', async () => {
  const redis = await testRedis();
  const prefix = testPrefix('sigkill');
  const heartbeatInterval = 200;
  const heartbeatTtl = 800;
  return {
    cluster: { workers: 2, redisUrl: redis.url, prefix, heartbeatInterval, heartbeatTtl },
    // Documented bound: heartbeatTtl + heartbeatInterval (1,000 ms here), whose best case is close to it
    // (the last heartbeat can be just before the kill). Twice the bound: every timer involved (the
    // survivor's reaper, the registry queries here) runs on the same 2 cores as a second suite may.
    bound: 2 * (heartbeatTtl + heartbeatInterval),
    purgedByPrimary: 0,
    cleanup: async () => {
      await deleteKeysUnder(redis.url, prefix);
      await redis.stop();
    },
  };
});

describe('a cluster whose only worker dies', () => {
  let cluster: ContractCluster | undefined;
  afterAll(() => cluster?.stop(), 20_000);

  it('keeps the primary alive and restarts the worker, which serves clients', async () => {
    // With its only worker gone the cluster listens anew, so a fixed port, as in production.
    cluster = await startCluster({ workers: 1, port: await freePort() });
    const first = await TestClient.connect(cluster.ws('/ws'));
    const { pid } = (await first.request('status')).message as { pid: number };
    process.kill(pid, 'SIGKILL');
    const exit = await cluster.waitFor('exit', (e) => e.pid === pid);
    await cluster.waitFor('listening', (e) => e.slot === exit.slot && e.pid !== pid);
    const next = await TestClient.connect(cluster.ws('/ws'));
    expect(((await next.request('status')).message as { pid: number }).pid).not.toBe(pid);
    await next.close();
  }, 30_000);
});
