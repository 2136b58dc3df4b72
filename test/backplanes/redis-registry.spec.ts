import { Redis } from 'ioredis';
import { RedisKeys } from '../../src/backplanes/redis-keys';
import { RedisRegistry } from '../../src/backplanes/redis-registry';
import { deleteKeysUnder, keysUnder, testRedis } from '../support/redis-server';
import { testPrefix } from '../support/test-prefix';
import { eventually } from '../support/wait';
import { SLACK_MS } from './redis-nodes';

const record = (id: string, metadata: Record<string, unknown> = {}) => ({
  id,
  serverInstanceId: id.split('.')[0],
  connectTime: '2026-01-01T00:00:00.000Z',
  route: '/ws',
  metadata,
});

/** The Lua scripts of the Redis registry, against a real Redis. */
describe('the Redis registry', () => {
  let redis: { url: string; stop(): Promise<void> };
  let client: Redis;
  let prefix: string;
  let registry: RedisRegistry;

  beforeAll(async () => {
    redis = await testRedis();
    client = new Redis(redis.url);
  });
  beforeEach(() => {
    prefix = testPrefix('registry');
    registry = new RedisRegistry(client, new RedisKeys(prefix));
  });
  afterEach(() => deleteKeysUnder(redis.url, prefix));
  afterAll(async () => {
    client.disconnect();
    await redis.stop();
  });

  it('merges metadata patches atomically per key, deletes undefined keys, drops prototype keys as every registry does, and counts versions', async () => {
    await registry.add(record('n1.1', { name: 'ann', tags: [] }));
    expect(await registry.patch('n1.1', { role: 'admin', nested: { a: [1, { b: null }] } })).toEqual({
      metadata: { name: 'ann', tags: [], role: 'admin', nested: { a: [1, { b: null }] } },
      version: 1,
    });
    const after = await registry.patch('n1.1', JSON.parse('{"__proto__":{"polluted":true},"constructor":1}') as Record<string, unknown>);
    expect(after?.version).toBe(2);
    expect(Object.keys(after!.metadata).sort()).toEqual(['name', 'nested', 'role', 'tags']);
    expect(await registry.patch('n1.1', { name: undefined })).toEqual({
      metadata: { tags: [], role: 'admin', nested: { a: [1, { b: null }] } },
      version: 3,
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await registry.patch('n1.404', { x: 1 })).toBeNull();
    expect(await registry.get('n1.404')).toBeNull();
  });

  it('does not put an unknown connection in a room, and removing a connection clears its rooms', async () => {
    await registry.join('n1.404', 'lobby');
    expect(await registry.members('lobby')).toEqual([]);
    await registry.add(record('n1.1'));
    await registry.join('n1.1', 'lobby');
    await registry.join('n1.1', 'kitchen');
    expect([...(await registry.get('n1.1'))!.rooms].sort()).toEqual(['kitchen', 'lobby']);
    await registry.remove('n1.1');
    expect(await registry.members('lobby')).toEqual([]);
    expect(await keysUnder(client, prefix)).toEqual([]);
  });

  it('resync writes a node back as it knows itself: new rooms in, left rooms and closed connections out', async () => {
    await registry.add({ ...record('n1.1'), address: '10.0.0.1' });
    await registry.add({ ...record('n1.2'), address: '10.0.0.2' });
    await registry.add(record('n2.1'));
    await registry.join('n1.1', 'old');
    await registry.join('n1.2', 'old');
    const live = { ...record('n1.1', { k: 'v' }), rooms: ['new'] };
    const n3 = { ...record('n1.3'), rooms: [], version: 7, address: '10.0.0.3' };
    expect(await registry.resync('n1', 5000, [{ ...live, version: 0, address: '10.0.0.9' }, n3])).toEqual({ written: 2, removed: 1 });
    expect(await registry.get('n1.1')).toEqual(live);
    // Each connection is counted under the address the node knows it by, and a closed one no more.
    expect(await Promise.all(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.9'].map((a) => registry.countFrom('/ws', a)))).toEqual([
      0, 0, 1, 1,
    ]);
    expect(await registry.get('n1.2')).toBeNull();
    expect(await registry.members('old')).toEqual([]);
    expect(await registry.members('new')).toEqual(['n1.1']);
    expect((await registry.all()).map((c) => c.id).sort()).toEqual(['n1.1', 'n1.3', 'n2.1']);
    // Versions carry on from the higher of the node's and the registry's: never back.
    expect((await registry.patch('n1.3', { k: 1 }))?.version).toBe(8);
    await registry.resync('n1', 5000, [
      { ...live, version: 0 },
      { ...n3, version: 3 },
    ]);
    expect((await registry.patch('n1.3', { k: 2 }))?.version).toBe(9);
  });

  it('a heartbeat reaps nodes whose heartbeat expired, with their connections and rooms, and lists the live ones', async () => {
    // Far longer than the few round trips before n2's heartbeat is made to run out below.
    const ttl = 60_000;
    await registry.resync('n2', ttl, [{ ...record('n2.1'), rooms: ['lobby'], version: 0, address: '10.0.0.1' }]);
    await registry.resync('n1', ttl, [{ ...record('n1.1'), rooms: ['lobby'], version: 0, address: '10.0.0.1' }]);
    expect(await registry.countFrom('/ws', '10.0.0.1')).toBe(2);
    expect([...(await registry.tick('n1', ttl, ttl)).live].sort()).toEqual(['n1', 'n2']);
    // A heartbeat (n2's by resync, n1's by tick) lives `ttl` ms from its renewal.
    for (const node of ['n1', 'n2']) {
      const left = await client.pttl(`${prefix}node:${node}`);
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThanOrEqual(ttl);
    }
    const heartbeat = `${prefix}node:n2`;
    // n2's heartbeat runs out now, expired by Redis itself: no test time rides on a TTL outliving round trips.
    const expireIn = 1;
    await client.pexpire(heartbeat, expireIn);
    const tick = await eventually(
      async () => {
        const result = await registry.tick('n1', ttl, ttl);
        return result.reaped > 0 && result;
      },
      expireIn + SLACK_MS,
      "n2's heartbeat has expired and n2 is reaped",
    );
    expect(tick).toEqual({ wasAlive: true, reaped: 1, live: ['n1'] });
    expect(await registry.members('lobby')).toEqual(['n1.1']);
    // A dead node's connections no longer count against their address.
    expect(await registry.countFrom('/ws', '10.0.0.1')).toBe(1);
    expect((await registry.all()).map((c) => c.id)).toEqual(['n1.1']);
    await registry.removeNode('n1');
    expect(await keysUnder(client, prefix)).toEqual([]);
  });

  it("a node whose own previous beat is older than the reap gap by Redis' clock reaps nobody, and reaps at its next beat", async () => {
    const ttl = 60_000;
    const reapGap = 5_000;
    await registry.resync('n2', ttl, [{ ...record('n2.1'), rooms: ['lobby'], version: 0 }]);
    await registry.tick('n1', ttl, reapGap);
    // n2's heartbeat expired, and n1's previous beat is 10 s old by Redis' clock: Redis stalled, or n1 did.
    await client.del(`${prefix}node:n2`);
    const [seconds, micros] = await client.time();
    await client.set(`${prefix}node:n1`, Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - 10_000, 'PX', ttl);
    expect(await registry.tick('n1', ttl, reapGap)).toEqual({ wasAlive: true, reaped: 0, live: ['n1'] });
    expect(await registry.members('lobby')).toEqual(['n2.1']);
    // A beat ago now: n2 is reaped.
    expect(await registry.tick('n1', ttl, reapGap)).toEqual({ wasAlive: true, reaped: 1, live: ['n1'] });
    expect(await registry.members('lobby')).toEqual([]);
    // Right after a write-back, the node has not beaten yet: no reaping either.
    await registry.resync('n3', ttl, [{ ...record('n3.1'), rooms: ['lobby'], version: 0 }]);
    await registry.resync('n1', ttl, []);
    await client.del(`${prefix}node:n3`);
    expect((await registry.tick('n1', ttl, reapGap)).reaped).toBe(0);
    expect((await registry.tick('n1', ttl, reapGap)).reaped).toBe(1);
    for (const node of ['n1', 'n2', 'n3']) await registry.removeNode(node);
  });
});
