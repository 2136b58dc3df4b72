import { Module } from '@nestjs/common';
import { Redis } from 'ioredis';
import { RedisBackplane, type BackplaneStatus, type ConnectionInfo } from '../../src';
import { ownerOf } from '../../src/services/connection-id';
import { clusterAppModule } from '../fixtures/cluster-app.module';
import { deleteKeysUnder, freePort, startOwnRedis, testPrefix, testRedis, type OwnRedis } from '../fixtures/cluster-redis';
import { startApp, type RunningApp } from '../support/test-app';
import { TestClient } from '../support/test-client';
import { eventually } from '../support/wait';

async function call<T>(via: TestClient, name: string, ...args: unknown[]): Promise<T> {
  const reply = await via.request('rt', { call: name, args });
  if (reply.event === 'exception') throw new Error(`${name} failed: ${JSON.stringify(reply.message)}`);
  return reply.message as T;
}

const status = async (via: TestClient): Promise<BackplaneStatus> => (await via.request('status')).message.backplane;

/** Log lines a backplane wrote. */
class Lines {
  readonly lines: string[] = [];
  log = (line: string): void => void this.lines.push(line);
  warn = (line: string): void => void this.lines.push(line);
  error = (line: string): void => void this.lines.push(line);
}

async function twoApps(backplanes: RedisBackplane[]): Promise<RunningApp[]> {
  const apps: RunningApp[] = [];
  for (const backplane of backplanes) {
    @Module(clusterAppModule(backplane))
    class NodeModule {}
    apps.push(await startApp(NodeModule));
  }
  return apps;
}

describe('Redis backplane faults', () => {
  it('drops garbage and forged frames published on its channels, counts them, and delivers none', async () => {
    const redis = await testRedis();
    const prefix = testPrefix('garbage');
    const apps = await twoApps([RedisBackplane.fromUrl(redis.url, { prefix }), RedisBackplane.fromUrl(redis.url, { prefix })]);
    const plain = new Redis(redis.url);
    const client = await TestClient.connect(apps[0].ws('/ws'));
    try {
      await client.request('joinRoom', 'lobby');
      const node = ownerOf(client.id)!;
      const before = (await status(client)).dropped;
      const valid = { v: 1, node: 'mallory', msg: { type: 'deliver', target: { type: 'all' }, frame: '{"event":"pwned"}' } };
      const garbage = [
        'not json',
        JSON.stringify(valid), // no frame header
        `mallory.0|${JSON.stringify(valid)}`, // sequence numbers start at 1
        `mallory.x|${JSON.stringify(valid)}`,
        'mallory.1|not json',
        '',
        '[]',
        '{"v":1}',
        `mallory.2|${JSON.stringify({ ...valid, v: 2 })}`,
        `mallory.3|${JSON.stringify({ ...valid, msg: { ...valid.msg, target: { type: 'everyone' } } })}`,
        `mallory.4|${JSON.stringify({ ...valid, msg: { ...valid.msg, target: { type: 'room', room: 'lobby' }, frame: 42 } })}`,
        `mallory.5|${JSON.stringify({ v: 1, node: 'mallory', msg: { type: 'disconnect', id: client.id } })}`,
        `mallory.6|${JSON.stringify({ v: 1, node: 7, msg: { type: 'join', id: client.id, room: 'x' } })}`,
        // Well-formed envelopes whose frame no client may be sent, or whose close code ws would throw on.
        `mallory.7|${JSON.stringify({ ...valid, msg: { ...valid.msg, target: { type: 'connection', id: client.id }, frame: 'not json' } })}`,
        `mallory.8|${JSON.stringify({ ...valid, msg: { ...valid.msg, target: { type: 'connection', id: client.id }, frame: '{"no":"event"}' } })}`,
        `mallory.9|${JSON.stringify({ ...valid, msg: { ...valid.msg, target: { type: 'connection', id: client.id }, frame: '%%%', binary: true } })}`,
        `mallory.10|${JSON.stringify({ v: 1, node: 'mallory', msg: { type: 'disconnect', id: client.id, code: 5, reason: 'x' } })}`,
        // A header that names another node than the envelope: forged.
        `${node}x.1|${JSON.stringify({ ...valid, msg: { type: 'join', id: client.id, room: 'x' } })}`,
        Buffer.from([0xff, 0x00, 0xfe]),
      ];
      for (const payload of garbage) {
        await plain.publish(`${prefix}all`, payload);
        await plain.publish(`${prefix}to:${node}`, payload);
      }
      // A well-formed message after them, on the same connection: when it arrives, so has all the garbage.
      const marker = { v: 1, node: 'tester', msg: { type: 'deliver', target: { type: 'connection', id: client.id }, frame: '{"event":"mark","message":"m"}' } };
      await plain.publish(`${prefix}to:${node}`, `tester.1|${JSON.stringify(marker)}`);
      await client.next((f) => f.event === 'mark');
      expect((await status(client)).dropped - before).toBe(2 * garbage.length);
      const pushed = client.received.flatMap((r) => (r.kind === 'binary' ? ['binary'] : r.frame.id === undefined ? [r.frame.event] : []));
      expect(pushed).toEqual(['connected', 'mark']);
      expect(client.socket.readyState).toBe(client.socket.OPEN);
      expect(await call(client, 'getRoomMembers', 'x')).toEqual([]);
    } finally {
      await client.close();
      plain.disconnect();
      await Promise.all(apps.map((a) => a.close()));
      await deleteKeysUnder(redis.url, prefix);
      await redis.stop();
    }
  });

  it('fails at boot with a clear error when Redis does not answer', async () => {
    const port = await freePort();
    const backplane = RedisBackplane.fromUrl(`redis://127.0.0.1:${port}`, { connectTimeout: 300 });
    await expect(backplane.start(() => undefined)).rejects.toThrow(
      new RegExp(`SB_BACKPLANE_UNREACHABLE: RedisBackplane: Redis at 127.0.0.1:${port} did not answer .*start Redis or fix REDIS_URL`),
    );
    await backplane.stop();
  });

  describe('Redis restarted mid-traffic', () => {
    let redis: OwnRedis;
    let apps: RunningApp[];
    const logs = [new Lines(), new Lines()];
    const clients: TestClient[] = [];
    const prefix = testPrefix('restart');

    beforeAll(async () => {
      redis = await startOwnRedis();
      const options = { prefix, heartbeatInterval: 200, heartbeatTtl: 800 };
      apps = await twoApps(logs.map((logger) => RedisBackplane.fromUrl(redis.url, { ...options, logger })));
    });
    afterAll(async () => {
      await Promise.all(clients.map((c) => c.close()));
      await Promise.all(apps.map((a) => a.close()));
      await redis.stop();
    });

    it('keeps local delivery going, reports degraded, and resumes cross-node delivery within 2 s with the registry written back', async () => {
      const room = 'live';
      const [sender, local, remote] = [
        await TestClient.connect(apps[0].ws('/ws')),
        await TestClient.connect(apps[0].ws('/ws')),
        await TestClient.connect(apps[1].ws('/ws')),
      ];
      clients.push(sender, local, remote);
      for (const client of clients) await client.request('joinRoom', room);
      await call(sender, 'updateConnectionMetadata', remote.id, { role: 'watcher' });

      // Traffic: one numbered frame every 2 ms from the sender to the room, until stopped.
      let sent = 0;
      const traffic = setInterval(() => sender.send({ event: 'seq', message: { room, n: sent++ } }), 2);
      const seen = (client: TestClient): number[] => client.framesOf('seq').map((f) => f.message as number);
      try {
        await eventually(() => seen(remote).length >= 50, 3000, 'traffic to flow to the other node');

        await redis.kill();
        const downAt = sent;
        await eventually(async () => !(await status(sender)).healthy, 3000, 'node 0 to report the backplane unhealthy');
        expect((await status(sender)).detail).toMatch(/^Redis unreachable/);
        // Local delivery goes on while Redis is down.
        await eventually(() => seen(local).includes(downAt + 50), 3000, 'local delivery to go on during the outage');

        await redis.start();
        const upAt = Date.now();
        const firstAfter = sent;
        await eventually(() => seen(remote).some((n) => n >= firstAfter), 2000, 'cross-node delivery to resume within 2 s of Redis answering');
        const resumedMs = Date.now() - upAt;

        clearInterval(traffic);
        const total = sent;
        const tag = 'end';
        await sender.request('mark', { to: [local.id, remote.id], tag });
        for (const client of [local, remote]) await client.next((f) => f.event === 'mark' && f.message === tag);

        const all = Array.from({ length: total }, (_, n) => n);
        expect(seen(local)).toEqual(all);
        expect(seen(sender)).toEqual(all);
        const got = seen(remote);
        for (let i = 1; i < got.length; i++) if (got[i] <= got[i - 1]) throw new Error(`frame ${got[i]} after ${got[i - 1]}: duplicated or reordered`);
        const lost = total - got.length;
        process.stdout.write(
          `[figures] Redis restart: cross-node delivery resumed ${resumedMs} ms after Redis answered; ${lost} of ${total} frames lost on the other node, 0 duplicated, 0 reordered; ${total - downAt} sent after the kill\n`,
        );

        // The restarted Redis was empty; both nodes wrote their connections, rooms and metadata back.
        await eventually(async () => (await call<string[]>(remote, 'getRoomMembers', room)).length === 3, 2000, 'the room to be written back');
        expect((await call<string[]>(remote, 'getRoomMembers', room)).sort()).toEqual([sender.id, local.id, remote.id].sort());
        const info = await call<ConnectionInfo>(sender, 'getConnectionInfo', remote.id);
        expect(info).toMatchObject({ id: remote.id, rooms: [room], metadata: { role: 'watcher' } });
        for (const via of [sender, remote]) expect((await status(via)).healthy).toBe(true);
        for (const lines of logs) {
          expect(lines.lines.some((l) => l.startsWith('Redis unreachable'))).toBe(true);
          expect(lines.lines.some((l) => l.startsWith('Redis reachable again'))).toBe(true);
        }
      } finally {
        clearInterval(traffic);
      }
    }, 20_000);
  });

  it('rejects clients with an ioredis keyPrefix at boot, saying what to change', async () => {
    const redis = await testRedis();
    const publisher = new Redis(redis.url, { keyPrefix: 'x:' });
    const subscriber = new Redis(redis.url);
    try {
      const backplane = new RedisBackplane({ publisher, subscriber });
      await expect(backplane.start(() => undefined)).rejects.toThrow(/SB_BACKPLANE_MISCONFIGURED: .*keyPrefix/);
    } finally {
      publisher.disconnect();
      subscriber.disconnect();
      await redis.stop();
    }
  });
});

