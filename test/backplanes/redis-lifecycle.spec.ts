// A Redis backplane on its own, without Nest: what start, heartbeats and stop leave behind in Redis and on
// the ioredis clients it was given.
import { Redis } from 'ioredis';
import { createServer, type AddressInfo } from 'node:net';
import { REDIS_CLIENT_OPTIONS, RedisBackplane, type LocalConnection } from '../../src';
import { connectionRecord } from '../support/connection-record';
import { deleteKeysUnder, testRedis } from '../support/redis-server';
import { testPrefix } from '../support/test-prefix';
import { eventually } from '../support/wait';
import { LogLines, RECONNECT_MAX_MS, SLACK_MS } from './redis-nodes';

const EVENTS = ['error', 'close', 'ready'] as const;

describe('Redis backplane: start, heartbeat and stop', () => {
  let redis: { url: string; stop(): Promise<void> };
  let plain: Redis;
  let prefix: string;
  const clients: Redis[] = [];
  const running: RedisBackplane[] = [];

  beforeAll(async () => {
    redis = await testRedis();
    plain = new Redis(redis.url);
  });
  beforeEach(() => {
    prefix = testPrefix('lifecycle');
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((b) => b.stop()));
    for (const client of clients.splice(0)) client.disconnect();
    await deleteKeysUnder(redis.url, prefix);
  });
  afterAll(async () => {
    plain.disconnect();
    await redis.stop();
  });

  /** A pair of clients of the test's own, as an app injects them. */
  const injected = (): { publisher: Redis; subscriber: Redis } => {
    const [publisher, subscriber] = [new Redis(redis.url, REDIS_CLIENT_OPTIONS), new Redis(redis.url, REDIS_CLIENT_OPTIONS)];
    clients.push(publisher, subscriber);
    return { publisher, subscriber };
  };
  const listeners = (client: Redis): number[] => [...EVENTS.map((e) => client.listenerCount(e)), client.listenerCount('messageBuffer')];

  it('says it is not started before it starts', () => {
    const backplane = new RedisBackplane({ ...injected(), prefix });
    expect(backplane.status()).toMatchObject({ name: 'redis', healthy: false, detail: 'not started' });
  });

  it('on stop, leaves the registry and its channels, removes its listeners and leaves injected clients open', async () => {
    const given = injected();
    const before = [listeners(given.publisher), listeners(given.subscriber)];
    const backplane = new RedisBackplane({ ...given, prefix, nodeId: 'stopper' });
    await backplane.start(() => undefined);
    await backplane.addConnection(connectionRecord('stopper.1'));
    expect(await plain.smembers(`${prefix}nodes`)).toEqual(['stopper']);
    expect(await plain.pubsub('NUMSUB', `${prefix}to:stopper`)).toEqual([`${prefix}to:stopper`, 1]);

    await backplane.stop();
    expect(await plain.smembers(`${prefix}nodes`)).toEqual([]);
    expect(await plain.exists(`${prefix}conn:stopper.1`, `${prefix}node:stopper`)).toBe(0);
    expect(await plain.pubsub('NUMSUB', `${prefix}to:stopper`, `${prefix}all`)).toEqual([`${prefix}to:stopper`, 0, `${prefix}all`, 0]);
    expect([listeners(given.publisher), listeners(given.subscriber)]).toEqual(before);
    expect([given.publisher.status, given.subscriber.status]).toEqual(['ready', 'ready']);
    expect(backplane.status()).toMatchObject({ healthy: false, detail: 'not started' });
  });

  it('quits the clients fromUrl() made when it stops', async () => {
    // ioredis takes client options from the URL's query: the name finds this node's connections among the suite's.
    const name = prefix.replace(/[^\w]/g, '-');
    const backplane = RedisBackplane.fromUrl(`${redis.url}/?connectionName=${name}`, { prefix, nodeId: 'own-clients' });
    const named = async (): Promise<number> =>
      String(await plain.call('CLIENT', 'LIST'))
        .split('\n')
        .filter((line) => line.includes(`name=${name} `)).length;
    await backplane.start(() => undefined);
    expect(await named()).toBe(2);
    await backplane.stop();
    await eventually(async () => (await named()) === 0, SLACK_MS, 'both of its connections to Redis are closed');
  });

  it('stops the reconnect loop of clients it owns, and removes its listeners, when Redis does not answer at boot', async () => {
    // Something listens where Redis should, and hangs up on every connection: each reconnect attempt shows here.
    let attempts = 0;
    const impostor = createServer((socket) => {
      attempts++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
    try {
      const url = `redis://127.0.0.1:${(impostor.address() as AddressInfo).port}`;
      const [publisher, subscriber] = [new Redis(url, REDIS_CLIENT_OPTIONS), new Redis(url, REDIS_CLIENT_OPTIONS)];
      clients.push(publisher, subscriber);
      const before = [listeners(publisher), listeners(subscriber)];
      const backplane = new RedisBackplane({ publisher, subscriber, prefix, connectTimeout: 300, quitClientsOnStop: true });
      await expect(backplane.start(() => undefined)).rejects.toThrow(
        /^SB_BACKPLANE_UNREACHABLE: RedisBackplane: Redis at 127\.0\.0\.1:\d+ did not answer/,
      );
      expect([listeners(publisher), listeners(subscriber)]).toEqual(before);
      const after = attempts;
      expect(after).toBeGreaterThan(0);
      // Nothing to wait for but the absence of another attempt: two of the longest reconnect delays.
      await new Promise((resolve) => setTimeout(resolve, 2 * RECONNECT_MAX_MS));
      expect(attempts).toBe(after);
    } finally {
      await new Promise((resolve) => impostor.close(resolve));
    }
  });

  it('reaps a node whose heartbeat expired, and logs how many connections went with it', async () => {
    const logs = new LogLines();
    const timing = { heartbeatInterval: 100, heartbeatTtl: 300 };
    const survivor = new RedisBackplane({ ...injected(), prefix, nodeId: 'survivor', logger: logs, ...timing });
    const doomed = injected();
    const dead = new RedisBackplane({ ...doomed, prefix, nodeId: 'dead', ...timing });
    await survivor.start(() => undefined);
    running.push(survivor);
    await dead.start(() => undefined);
    for (const n of [1, 2]) await dead.addConnection(connectionRecord(`dead.${n}`));
    // The node stops renewing its heartbeat as a killed process would: its clients go, nothing is cleaned up.
    doomed.publisher.disconnect();
    doomed.subscriber.disconnect();
    await logs.waitFor(
      'reaped 2 connections of nodes whose heartbeat expired',
      timing.heartbeatTtl + SLACK_MS,
      'the survivor reaps node dead',
    );
    expect(await plain.exists(`${prefix}conn:dead.1`, `${prefix}conn:dead.2`)).toBe(0);
    expect(survivor.status().peers).toEqual([]);
    await dead.stop();
  });

  it('writes its connections back at the next heartbeat when it finds its own heartbeat gone (Redis lost its data)', async () => {
    const logs = new LogLines();
    const held: LocalConnection[] = [{ ...connectionRecord('keeper.1', { role: 'host' }), rooms: ['lobby'], version: 3 }];
    const backplane = new RedisBackplane({ ...injected(), prefix, nodeId: 'keeper', logger: logs, heartbeatInterval: 100 });
    await backplane.start(
      () => undefined,
      () => held,
    );
    running.push(backplane);
    await deleteKeysUnder(redis.url, prefix);
    await logs.waitFor("this node's heartbeat had expired", 100 + SLACK_MS, 'the node notices at its next heartbeat');
    await eventually(async () => (await plain.exists(`${prefix}conn:keeper.1`)) === 1, SLACK_MS, 'the connection is written back');
    expect(await backplane.getConnection('keeper.1')).toMatchObject({ id: 'keeper.1', rooms: ['lobby'], metadata: { role: 'host' } });
    expect(await backplane.getRoomMembers('lobby')).toEqual(['keeper.1']);
  });
});
