// The example as two machines sharing one Redis (two instances on two ports,
// as the README shows), and what its server-info endpoint says while that
// Redis is down or hangs. Uses a redis-server of the test's own, since it
// stops it.
import { RedisBackplane } from '../../src';
import { ChatServer } from '../support/chat-server';
import { startOwnRedis, type OwnRedis } from '../support/redis-server';
import { TestClient } from '../support/test-client';
import { testPrefix } from '../support/test-prefix';
import { eventually, within } from '../support/wait';

describe('the example on two instances sharing one Redis', () => {
  let redis: OwnRedis;
  const instances: ChatServer[] = [];
  const clients: TestClient[] = [];

  beforeAll(async () => {
    redis = await startOwnRedis();
    const prefix = testPrefix('example');
    for (let i = 0; i < 2; i++) {
      const backplane = RedisBackplane.fromUrl(redis.url, { prefix, heartbeatInterval: 200, heartbeatTtl: 800 });
      instances.push(await new ChatServer(() => ({ backplane })).start());
    }
  }, 20_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(instances.map((i) => i.stop()));
    await redis?.stop();
  });

  const serverInfo = async (instance: ChatServer): Promise<{ allConnections: number; backplane: { healthy: boolean; detail?: string } }> =>
    (await fetch(instance.http('/api/ws/server-info'))).json() as never;
  const join = async (instance: ChatServer, name: string): Promise<TestClient> => {
    const client = await TestClient.connect(instance.ws(`/ws/chat/floor?name=${name}`));
    clients.push(client);
    await client.next((f) => f.event === 'room_joined');
    return client;
  };

  it("chats across instances, reports the outage on server-info, holds the history room's messages until Redis is back, and recovers", async () => {
    const [a, b] = instances;
    const ann = await join(a, 'Ann');
    const bob = await join(b, 'Bob');
    expect((await ann.next((f) => f.event === 'user_joined')).message).toMatchObject({ name: 'Bob', memberCount: 2 });
    expect((await serverInfo(a)).allConnections).toBe(2);
    await ann.request('message', { text: 'across' });
    expect((await bob.next((f) => f.event === 'message')).message).toMatchObject({ name: 'Ann', text: 'across' });

    await redis.stop();
    await eventually(async () => !(await serverInfo(a)).backplane.healthy, 3000, 'server-info to report the Redis outage');
    expect((await serverInfo(a)).backplane.detail).toMatch(
      /^Redis unreachable since \d{4}-\d\d-\d\dT[\d:.]+Z( \(.+\))?; \d+ messages waiting, 0 lost$/,
    );
    const cy = await join(a, 'Cy');
    // The room keeps history: its messages are numbered in Redis, so while Redis is away they wait in the outbox, for every member.
    await ann.request('message', { text: 'held while Redis is down' });
    expect((await serverInfo(a)).backplane.detail).toMatch(/; [1-9]\d* messages waiting, 0 lost$/);

    await redis.start();
    await eventually(
      async () => (await serverInfo(a)).backplane.healthy && (await serverInfo(b)).backplane.healthy,
      3000,
      'both instances healthy again',
    );
    for (const client of [cy, bob]) {
      const held = await client.next((f) => f.event === 'message' && f.message.text === 'held while Redis is down');
      expect(held.message).toMatchObject({ name: 'Ann' });
    }
    await ann.request('message', { text: 'back' });
    expect((await bob.next((f) => f.event === 'message' && f.message.text === 'back')).message).toMatchObject({ name: 'Ann' });
  }, 30_000);

  it('answers server-info within 2 s while Redis hangs (SIGSTOP), reports it within 3 s, and delivers what was sent meanwhile', async () => {
    const [a, b] = instances;
    const [ann, bob] = clients;
    redis.freeze();
    const frozenAt = Date.now();
    try {
      // Before the node knows: the registry call gives up after requestTimeout and counts what this instance holds (Ann, Cy).
      expect((await within(serverInfo(a), 2000, 'server-info while Redis hangs')).allConnections).toBe(2);
      await eventually(
        async () => !(await serverInfo(a)).backplane.healthy,
        3000 - (Date.now() - frozenAt),
        'server-info to report that Redis hangs',
      );
      expect((await serverInfo(a)).backplane.detail).toMatch(/^Redis stopped answering \(no probe back within \d+ ms\) since /);
      await ann.request('message', { text: 'while Redis hangs' });
    } finally {
      redis.thaw();
    }
    await eventually(
      async () => (await serverInfo(a)).backplane.healthy && (await serverInfo(b)).backplane.healthy,
      3000,
      'both instances healthy again',
    );
    expect((await bob.next((f) => f.event === 'message' && f.message.text === 'while Redis hangs')).message).toMatchObject({ name: 'Ann' });
    expect((await serverInfo(b)).allConnections).toBe(3);
  }, 30_000);
});
