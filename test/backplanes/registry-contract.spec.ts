// The contract every ConnectionRegistry keeps (src/backplanes/connection-registry.ts),
// table-driven: the same cases against the in-process registry, the cluster IPC
// registry client talking to a real ClusterIpcRelay over a fake channel (JSON
// round trip, answers on a later turn, as node:cluster's IPC does), and Redis.
import type { Worker } from 'node:cluster';
import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import { decodePrimaryMessage } from '../../src/backplanes/cluster-ipc-message';
import { IpcRegistryClient } from '../../src/backplanes/cluster-ipc-registry';
import type { ConnectionRegistry } from '../../src/backplanes/connection-registry';
import { InProcessRegistry } from '../../src/backplanes/in-process-registry';
import { connectionRecord } from '../support/connection-record';
import { RedisKeys } from '../../src/backplanes/redis-keys';
import { RedisRegistry } from '../../src/backplanes/redis-registry';
import { RedisRegistryAccess } from '../../src/backplanes/redis-registry-access';
import { ClusterIpcRelay } from '../../src/cluster/ipc-relay';
import { RuntimeErrorCode } from '../../src/protocol/runtime-error-codes';
import { deleteKeysUnder, testRedis } from '../support/redis-server';
import { testPrefix } from '../support/test-prefix';

interface OpenRegistry {
  readonly registry: ConnectionRegistry;
  close(): Promise<void>;
}

/** A worker's registry client wired to a primary's relay; every message crosses as JSON, on a later turn. */
function ipcRegistry(): OpenRegistry {
  const source = new EventEmitter();
  const relay = new ClusterIpcRelay(source as never);
  relay.attach();
  let client: IpcRegistryClient;
  const worker = {
    isDead: () => false,
    isConnected: () => true,
    process: { pid: 1 },
    send: (reply: unknown) => {
      const copy: unknown = JSON.parse(JSON.stringify(reply));
      setImmediate(() => {
        const message = decodePrimaryMessage(copy);
        if (message?.type === 'result') client.settle(message.seq, { value: message.value });
        if (message?.type === 'error') client.settle(message.seq, { error: message.error });
      });
    },
  } as unknown as Worker;
  client = new IpcRegistryClient({
    nodeId: 'n1',
    requestTimeout: 5000,
    isOpen: () => true,
    post: (message) => {
      const copy: unknown = JSON.parse(JSON.stringify(message));
      setImmediate(() => source.emit('message', worker, copy));
    },
  });
  return {
    registry: client,
    close: async () => {
      client.failPending(RuntimeErrorCode.BACKPLANE_STOPPED, 'the test ended');
      relay.detach();
    },
  };
}

let redis: { url: string; stop(): Promise<void> } | undefined;
let redisClient: Redis | undefined;

async function redisRegistry(): Promise<OpenRegistry> {
  redis ??= await testRedis();
  redisClient ??= new Redis(redis.url);
  const prefix = testPrefix('registry-contract');
  const store = new RedisRegistry(redisClient, new RedisKeys(prefix));
  const registry = new RedisRegistryAccess(store, { nodeId: 'n1', isOnline: () => true, localConnections: () => [], requestTimeout: 5000 });
  return { registry, close: () => deleteKeysUnder(redis!.url, prefix) };
}

afterAll(async () => {
  redisClient?.disconnect();
  await redis?.stop();
});

const ids = async (list: Promise<{ id: string }[]> | { id: string }[]): Promise<string[]> => (await list).map((c) => c.id).sort();

describe.each([
  ['in-process', async (): Promise<OpenRegistry> => ({ registry: new InProcessRegistry(), close: async () => undefined })],
  ['cluster IPC (client + relay)', async () => ipcRegistry()],
  ['Redis', redisRegistry],
])('ConnectionRegistry contract: %s', (_name, open) => {
  let opened: OpenRegistry;
  let registry: ConnectionRegistry;
  beforeEach(async () => {
    opened = await open();
    registry = opened.registry;
  });
  afterEach(() => opened.close());

  it('lists what was added, with no rooms and its metadata, and forgets what was removed', async () => {
    await registry.add(connectionRecord('n1.1', { user: 'ada', n: 1 }));
    await registry.add(connectionRecord('n2.1'));
    expect(await registry.get('n1.1')).toEqual({ ...connectionRecord('n1.1', { user: 'ada', n: 1 }), rooms: [] });
    expect(await ids(registry.all())).toEqual(['n1.1', 'n2.1']);
    await registry.remove('n1.1');
    expect(await registry.get('n1.1')).toBeNull();
    expect(await ids(registry.all())).toEqual(['n2.1']);
    await registry.remove('n1.404');
  });

  it('counts one version per join, leave and patch, from 0, across rooms and metadata', async () => {
    await registry.add(connectionRecord('n1.1'));
    expect(await registry.join('n1.1', 'a')).toBe(1);
    expect(await registry.join('n1.1', 'b')).toBe(2);
    expect(await registry.patch('n1.1', { k: 'v' })).toEqual({ metadata: { k: 'v' }, version: 3 });
    expect(await registry.leave('n1.1', 'a')).toBe(4);
    expect((await registry.get('n1.1'))?.rooms).toEqual(['b']);
  });

  it('keeps a room while members remain, and forgets a removed connection’s memberships', async () => {
    for (const id of ['n1.1', 'n1.2', 'n2.1']) {
      await registry.add(connectionRecord(id));
      await registry.join(id, 'lobby');
    }
    await registry.leave('n1.2', 'lobby');
    expect((await registry.members('lobby')).sort()).toEqual(['n1.1', 'n2.1']);
    await registry.remove('n1.1');
    expect(await registry.members('lobby')).toEqual(['n2.1']);
    await registry.leave('n2.1', 'lobby');
    expect(await registry.members('lobby')).toEqual([]);
    expect(await registry.members('never')).toEqual([]);
  });

  it('merges patches: keys set to null are removed, others kept or replaced, values of any JSON shape', async () => {
    await registry.add(connectionRecord('n1.1', { name: 'ann', role: 'user' }));
    expect(await registry.patch('n1.1', { role: 'admin', tags: ['a', 1], nested: { deep: [true, null] } })).toEqual({
      metadata: { name: 'ann', role: 'admin', tags: ['a', 1], nested: { deep: [true, null] } },
      version: 1,
    });
    expect((await registry.patch('n1.1', { name: null, gone: null }))?.metadata).toEqual({
      role: 'admin',
      tags: ['a', 1],
      nested: { deep: [true, null] },
    });
    expect((await registry.get('n1.1'))?.metadata).toEqual({ role: 'admin', tags: ['a', 1], nested: { deep: [true, null] } });
  });

  it('never sets a prototype through a patch', async () => {
    await registry.add(connectionRecord('n1.1'));
    const patch = JSON.parse('{"__proto__":{"isAdmin":true},"constructor":1,"prototype":2,"ok":true}') as Record<string, unknown>;
    const update = await registry.patch('n1.1', patch);
    expect(update?.metadata).toEqual({ ok: true });
    const stored = (await registry.get('n1.1'))!.metadata as Record<string, unknown>;
    expect(stored.isAdmin).toBeUndefined();
    expect(Object.keys(stored)).toEqual(['ok']);
  });

  it('changes nothing for an unknown connection: 0 for a room change, null for a patch or a look-up', async () => {
    expect(await registry.join('n1.404', 'lobby')).toBe(0);
    expect(await registry.leave('n1.404', 'lobby')).toBe(0);
    expect(await registry.patch('n1.404', { k: 1 })).toBeNull();
    expect(await registry.get('n1.404')).toBeNull();
    expect(await registry.members('lobby')).toEqual([]);
  });

  it('counts connections per route and client address, never lists the address, and forgets it with the connection', async () => {
    const from = (id: string, address: string, route = '/ws') => ({ ...connectionRecord(id), route, address });
    await registry.add(from('n1.1', '10.0.0.1'));
    await registry.add(from('n2.1', '10.0.0.1'));
    await registry.add(from('n2.2', '10.0.0.1', '/ws/other'));
    await registry.add(from('n2.3', '2001:db8::1'));
    await registry.add(connectionRecord('n2.4'));
    expect(await registry.countFrom!('/ws', '10.0.0.1')).toBe(2);
    expect(await registry.countFrom!('/ws/other', '10.0.0.1')).toBe(1);
    expect(await registry.countFrom!('/ws', '2001:db8::1')).toBe(1);
    expect(await registry.countFrom!('/ws', '10.0.0.2')).toBe(0);
    // The address is kept for counting only: what the registry lists is the connection as before.
    expect(await registry.get('n1.1')).toEqual({ ...connectionRecord('n1.1'), rooms: [] });
    expect((await registry.all()).every((c) => !('address' in c))).toBe(true);
    await registry.remove('n1.1');
    expect(await registry.countFrom!('/ws', '10.0.0.1')).toBe(1);
    // Added again from elsewhere: counted where it is now, no longer where it was.
    await registry.add(from('n2.1', '10.0.0.9'));
    expect(await registry.countFrom!('/ws', '10.0.0.1')).toBe(0);
    expect(await registry.countFrom!('/ws', '10.0.0.9')).toBe(1);
  });

  it('replaces a connection added again: its rooms go and its version starts over', async () => {
    await registry.add(connectionRecord('n1.1'));
    await registry.join('n1.1', 'lobby');
    await registry.add(connectionRecord('n1.1', { again: true }));
    expect(await registry.get('n1.1')).toEqual({ ...connectionRecord('n1.1', { again: true }), rooms: [] });
    expect(await registry.members('lobby')).toEqual([]);
    expect(await registry.join('n1.1', 'lobby')).toBe(1);
  });
});
