// RedisRegistryAccess offline or unanswered, without a Redis: what only Redis
// could answer (another node's connection) is refused with
// SB_REGISTRY_UNREACHABLE or SB_REGISTRY_TIMEOUT; this node's own connections
// are answered from what it holds. A real paused Redis: redis-stall.spec.ts.
import { RuntimeErrorCode, SwitchboardError } from '../../src';
import type { LocalConnection } from '../../src/backplanes/connection-info';
import type { RedisRegistry } from '../../src/backplanes/redis-registry';
import { RedisRegistryAccess } from '../../src/backplanes/redis-registry-access';

const own: LocalConnection = {
  id: 'n1.1',
  serverInstanceId: 'n1',
  connectTime: '2024-01-01T00:00:00.000Z',
  route: '/ws',
  rooms: ['lobby'],
  metadata: {},
  version: 0,
  address: '10.0.0.1',
};

/** Offline, the access never touches the registry: every call on it is recorded, and the test expects none. */
const touched: string[] = [];
const untouchable = new Proxy({} as RedisRegistry, {
  get: (_, name) => () => {
    touched.push(String(name));
    return Promise.reject(new Error(`the registry was called (${String(name)}) while Redis is away`));
  },
});
afterAll(() => expect(touched).toEqual([]));

describe('RedisRegistryAccess while Redis is away', () => {
  const access = new RedisRegistryAccess(untouchable, {
    nodeId: 'n1',
    isOnline: () => false,
    localConnections: () => [own],
    requestTimeout: 5000,
  });

  it.each([
    ['getConnection', 'look up', () => access.get('n2.1')],
    ['updateMetadata', 'change', () => access.patch('n2.1', { mood: 'busy' })],
    ['addToRoom', 'change', () => access.join('n2.1', 'lobby')],
  ])("%s: refuses to %s another node's connection with SB_REGISTRY_UNREACHABLE", async (_call, what, call) => {
    const error = await call().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SwitchboardError);
    expect(error).toMatchObject({
      code: RuntimeErrorCode.REGISTRY_UNREACHABLE,
      message: `RedisBackplane: cannot ${what} connection n2.1 of node n2 while Redis is unreachable; this node's own connections keep working`,
    });
  });

  it("answers for this node's own connections", async () => {
    await expect(access.get('n1.1')).resolves.toMatchObject({ id: 'n1.1', rooms: ['lobby'] });
    await expect(access.join('n1.1', 'other')).resolves.toBe(0);
    await expect(access.patch('n1.1', { mood: 'busy' })).resolves.toEqual({ metadata: { mood: 'busy' }, version: 1 });
    // Connections per address: this node's own, so the per-address limit falls back to a per-node one.
    await expect(access.countFrom('/ws', '10.0.0.1')).resolves.toBe(1);
    await expect(access.countFrom('/ws/other', '10.0.0.1')).resolves.toBe(0);
    await expect(access.countFrom('/ws', '10.0.0.2')).resolves.toBe(0);
  });
});

/** A Redis that takes every command and never answers (paused, or SIGSTOPped): each call's promise stays pending. */
const unanswering = new Proxy({} as RedisRegistry, { get: () => () => new Promise(() => undefined) });

describe('RedisRegistryAccess when Redis does not answer', () => {
  const requestTimeout = 50;
  const access = new RedisRegistryAccess(unanswering, {
    nodeId: 'n1',
    isOnline: () => true,
    localConnections: () => [own],
    requestTimeout,
  });

  it.each([
    ['add', () => access.add({ id: 'n2.1', serverInstanceId: 'n2', connectTime: '', route: '/ws', metadata: {} }), 'add connection n2.1'],
    ['remove', () => access.remove('n2.1'), 'remove connection n2.1'],
    ['leave', () => access.leave('n2.1', 'lobby'), 'take connection n2.1 out of room lobby'],
    ['patch', () => access.patch('n2.1', { k: 1 }), 'change the metadata of connection n2.1'],
  ])("%s of another node's connection: SB_REGISTRY_TIMEOUT saying what it asked", async (_call, call, what) => {
    await expect(call()).rejects.toMatchObject({
      code: RuntimeErrorCode.REGISTRY_TIMEOUT,
      message: expect.stringContaining(`while asking Redis to ${what};`),
    });
  });

  it("fails a call about another node's connection with SB_REGISTRY_TIMEOUT, naming the call", async () => {
    await expect(access.get('n2.1')).rejects.toMatchObject({
      code: RuntimeErrorCode.REGISTRY_TIMEOUT,
      message:
        `RedisBackplane: cannot look up connection n2.1 of node n2: no answer within ${requestTimeout} ms while asking Redis to look up connection n2.1; ` +
        "this node's own connections keep working",
    });
    await expect(access.join('n2.1', 'lobby')).rejects.toMatchObject({
      code: RuntimeErrorCode.REGISTRY_TIMEOUT,
      message: expect.stringContaining('while asking Redis to add connection n2.1 to room lobby'),
    });
  });

  it("answers reads from this node's own connections and leaves its writes to the write-back", async () => {
    expect((await access.all()).map((c) => c.id)).toEqual(['n1.1']);
    await expect(access.members('lobby')).resolves.toEqual(['n1.1']);
    await expect(access.get('n1.1')).resolves.toMatchObject({ id: 'n1.1' });
    await expect(access.join('n1.1', 'other')).resolves.toBe(0);
    await expect(access.remove('n1.1')).resolves.toBeUndefined();
    await expect(access.countFrom('/ws', '10.0.0.1')).resolves.toBe(1);
  });
});

describe('RedisRegistryAccess when Redis answers with an error', () => {
  const failing = new Proxy({} as RedisRegistry, { get: () => () => Promise.reject(new Error('ERR wrong number of arguments')) });
  const access = new RedisRegistryAccess(failing, {
    nodeId: 'n1',
    isOnline: () => true,
    localConnections: () => [own],
    requestTimeout: 5000,
  });

  it('passes the error on while Redis is reachable: only an outage or a timeout is answered locally', async () => {
    await expect(access.get('n1.1')).rejects.toThrow('ERR wrong number of arguments');
    await expect(access.members('lobby')).rejects.toThrow('ERR wrong number of arguments');
    await expect(access.join('n1.1', 'lobby')).rejects.toThrow('ERR wrong number of arguments');
  });

  it('answers an id that names no node as one of its own', async () => {
    const offline = new RedisRegistryAccess(untouchable, {
      nodeId: 'n1',
      isOnline: () => false,
      localConnections: () => [own],
      requestTimeout: 5000,
    });
    await expect(offline.join('no-node-in-this-id', 'lobby')).resolves.toBe(0);
    await expect(offline.get('no-node-in-this-id')).resolves.toBeNull();
  });
});
