import { Redis } from 'ioredis';
import { settle } from '../support/node-calls';
import { deleteKeysUnder, testRedis } from '../support/redis-server';
import type { TestClient } from '../support/test-client';
import { testPrefix } from '../support/test-prefix';
import { eventually } from '../support/wait';
import {
  RECONNECT_MAX_MS,
  RedisNodes,
  SLACK_MS,
  backplaneStatus,
  resumeWithin,
  seqOf,
  sequenceFaults,
  untilHealthy,
  untilKnows,
} from './redis-nodes';

/** The connections the registry counts under any client address (the `maxConnectionsPerIp` index). */
async function countedByAddress(url: string, prefix: string): Promise<string[]> {
  const client = new Redis(url);
  try {
    const keys = await client.keys(`${prefix}addr:*`);
    return (await Promise.all(keys.map((key) => client.smembers(key)))).flat().sort();
  } finally {
    client.disconnect();
  }
}

/**
 * What a node does when Redis is reachable again, one part per test. Each
 * fault is made by a `RedisProxy` under one node, so Redis keeps its data and
 * the other nodes carry on: what a test sees comes from that node alone.
 */
describe('Redis backplane: back from an outage', () => {
  let redis: { url: string; stop(): Promise<void> };
  let prefix: string;
  let nodes: RedisNodes | undefined;

  beforeAll(async () => {
    redis = await testRedis();
  });
  beforeEach(() => {
    prefix = testPrefix('reconnect');
    nodes = undefined;
  });
  afterEach(async () => {
    await nodes?.close();
    await deleteKeysUnder(redis.url, prefix);
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('writes back its connections, rooms and metadata, and removes those closed meanwhile, with no heartbeat to help', async () => {
    // No heartbeat runs during the test, and none would find the node's heartbeat expired (it outlives the
    // test), so only the write-back on reconnect can bring the registry up to date.
    const heartbeatInterval = 60_000;
    const cluster = (nodes = await RedisNodes.start(redis.url, prefix, [
      { proxied: true, heartbeatInterval, heartbeatTtl: 3 * heartbeatInterval },
    ]));
    const realtime = cluster.realtime(0);
    const [leaving, staying] = [await cluster.connect(0), await cluster.connect(0)];
    await staying.request('joinRoom', 'before');

    await cluster.proxy(0).refuse();
    await untilHealthy(staying, false, SLACK_MS, cluster.logs[0]);
    await leaving.close();
    await eventually(() => realtime.getLocalConnections().every((c) => c.id !== leaving.id), SLACK_MS, `node 0 has dropped ${leaving.id}`);
    await staying.request('joinRoom', 'during');
    await staying.request('leaveRoom', 'before');
    expect(await realtime.updateConnectionMetadata(staying.id, { role: 'stayed' })).toBe(true);

    await cluster.proxy(0).restore();
    expect(resumeWithin()).toBeLessThan(heartbeatInterval);
    await untilHealthy(staying, true, resumeWithin(), cluster.logs[0]);
    // Healthy, the node asks Redis, on the connection that carried its write-back first.
    const stayed = await realtime.getConnectionInfo(staying.id);
    expect({
      'the connection closed meanwhile': await realtime.getConnectionInfo(leaving.id),
      'the open one': { rooms: stayed?.rooms, metadata: stayed?.metadata },
      'the room it left': await realtime.getRoomMembers('before'),
      'the room it joined': await realtime.getRoomMembers('during'),
      'counted by client address': await countedByAddress(redis.url, prefix),
    }).toEqual({
      'the connection closed meanwhile': null,
      'the open one': { rooms: ['during'], metadata: { role: 'stayed' } },
      'the room it left': [],
      'the room it joined': [staying.id],
      'counted by client address': [staying.id],
    });
    expect(cluster.logs[0].find('Redis reachable again')?.line).toMatch('wrote back 1 connections (1 gone meanwhile)');
  });

  it('drops the copy of a publish that ioredis resent after a reconnect: the receiver gets it once', async () => {
    const cluster = (nodes = await RedisNodes.start(redis.url, prefix, [{ proxied: true }, {}]));
    const [sender, receiver] = [await cluster.connect(0), await cluster.connect(1)];
    const text = `once-${Date.now()}`;
    // Every copy Redis carries to the receiver's node, seen by a subscriber of the test's own.
    const copies: string[] = [];
    const watcher = new Redis(redis.url);
    try {
      await watcher.subscribe(`${prefix}to:${cluster.nodeId(1)}`);
      watcher.on('message', (_channel: string, message: string) => {
        if (message.includes(text)) copies.push(message);
      });

      // Redis runs the publish and delivers it, but its reply never reaches node 0 ...
      cluster.proxy(0).mute();
      sender.send({ event: 'direct', message: { to: receiver.id, text } });
      await receiver.next((f) => f.event === 'direct' && f.message === text, SLACK_MS, 'the direct frame');
      // ... and node 0's connection drops with the publish unanswered, so ioredis sends it again once reconnected.
      cluster.proxy(0).cut();
      await eventually(
        () => copies.length >= 2,
        resumeWithin(),
        () => `ioredis has resent the unanswered publish (copies so far: ${copies.length}); node 0 log: ${cluster.logs[0]}`,
      );
      await untilHealthy(sender, true, resumeWithin(), cluster.logs[0]);
      await settle(sender, [receiver]);

      expect(new Set(copies).size).toBe(1); // the same numbered message twice, not two publishes
      expect(receiver.framesOf('direct').map((f) => f.message)).toEqual([text]);
    } finally {
      watcher.disconnect();
    }
  });

  describe('peerWait', () => {
    // Frequent heartbeats, so node 0 soon lists node 1 among the peers it waits for.
    const heartbeatInterval = 100;
    const held = 5;

    /** Node 0 holds `held` frames for a room it shares with node 1; both are cut off from Redis, and node 0 knows node 1. */
    async function bothCutOff(peerWait: number): Promise<{ cluster: RedisNodes; sender: TestClient; peer: TestClient }> {
      const cluster = (nodes = await RedisNodes.start(redis.url, prefix, [
        { proxied: true, heartbeatInterval, peerWait },
        { proxied: true, heartbeatInterval },
      ]));
      const [sender, peer] = [await cluster.connect(0), await cluster.connect(1)];
      for (const client of [sender, peer]) await client.request('joinRoom', 'held');
      await untilKnows(sender, cluster.nodeId(1), heartbeatInterval);
      await Promise.all([cluster.proxy(0).refuse(), cluster.proxy(1).refuse()]);
      await untilHealthy(sender, false, SLACK_MS, cluster.logs[0]);
      await untilHealthy(peer, false, SLACK_MS, cluster.logs[1]);
      for (let n = 0; n < held; n++) sender.send({ event: 'seq', message: { room: 'held', n } });
      // The emit that delivered a frame here also handed it to the backplane.
      await eventually(
        () => seqOf(sender).length === held,
        SLACK_MS,
        () => `the ${held} frames have reached their sender (${seqOf(sender).length} so far)`,
      );
      expect((await backplaneStatus(sender)).detail).toMatch(`${held} messages waiting, 0 lost`);
      return { cluster, sender, peer };
    }

    it('a node knows the nodes already running as soon as it starts; later ones at its next heartbeat', async () => {
      // No heartbeat runs during the test: only the start can have told node 1 about node 0.
      const quiet = { heartbeatInterval: 60_000, heartbeatTtl: 180_000 };
      const cluster = (nodes = await RedisNodes.start(redis.url, prefix, [quiet, quiet]));
      const [first, second] = [await cluster.connect(0), await cluster.connect(1)];
      expect((await backplaneStatus(second)).peers).toEqual([cluster.nodeId(0)]);
      expect((await backplaneStatus(first)).peers).toEqual([]);
    });

    it('holds the publishes until a peer that was there before the outage is subscribed again, so it gets them all', async () => {
      // Far longer than node 1 takes to come back: only its return can end the wait.
      const { cluster, sender, peer } = await bothCutOff(10_000);
      const proxy = cluster.proxy(0);
      const before = proxy.accepted.length;
      await proxy.restore();
      // Node 1 comes back after node 0 has both its connections again.
      await eventually(
        () => proxy.accepted.length >= before + 2,
        RECONNECT_MAX_MS + SLACK_MS,
        'node 0 has reconnected both its Redis clients',
      );
      await cluster.proxy(1).restore();
      for (const [node, client] of [sender, peer].entries())
        await untilHealthy(client, true, RECONNECT_MAX_MS + SLACK_MS, cluster.logs[node]);
      await settle(sender, [peer]);
      const faults = sequenceFaults(seqOf(peer), held);
      if (faults.length > 0) {
        // What each node counted shows whether the frames never left node 0 or were dropped at node 1.
        const counted = `node 0 ${JSON.stringify(await backplaneStatus(sender))}, node 1 ${JSON.stringify(await backplaneStatus(peer))}`;
        throw new Error(`${faults.join('; ')}; ${counted}; node 0 log: ${cluster.logs[0]}; node 1 log: ${cluster.logs[1]}`);
      }
    });

    it('sends the held publishes when peerWait has passed if a peer stays away: not before, and not much after', async () => {
      // Above the 1 s default, so a node that used the default instead would send too early.
      const peerWait = 1500;
      const { cluster } = await bothCutOff(peerWait);
      await cluster.proxy(0).restore(); // node 1 stays cut off
      const resumed = await cluster.logs[0].waitFor(
        'Redis reachable again',
        RECONNECT_MAX_MS + peerWait + SLACK_MS,
        `node 0 sends its held publishes within peerWait (${peerWait} ms) of reconnecting`,
      );
      expect(resumed.line).toMatch(`sent ${held} held messages, 0 lost`);
      // The wait begins once both clients are connected again, so not before the later one was accepted.
      const waitedMs = resumed.at - Math.max(...cluster.proxy(0).accepted.filter((at) => at <= resumed.at));
      // Sooner: node 0 did not wait peerWait for node 1.
      expect(waitedMs).toBeGreaterThanOrEqual(peerWait);
      // Much later: node 0 waited past peerWait.
      expect(waitedMs).toBeLessThan(peerWait + SLACK_MS);
    });
  });
});
