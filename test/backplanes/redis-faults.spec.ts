import { Redis } from 'ioredis';
import { RedisBackplane, RuntimeErrorCode, type ConnectionInfo } from '../../src';
import { encodeNodeMessage } from '../../src/backplanes/node-codec';
import { ownerOf } from '../../src/protocol/connection-id';
import { freePort } from '../support/free-port';
import { call, settle } from '../support/node-calls';
import { deleteKeysUnder, startOwnRedis, testRedis, type OwnRedis } from '../support/redis-server';
import type { TestClient } from '../support/test-client';
import { testPrefix } from '../support/test-prefix';
import { eventually } from '../support/wait';
import { TARGET, change, delivery, header, lengthPrefixed } from './node-bytes';
import { RedisNodes, backplaneStatus, resumeWithin, seqOf, sequenceFaults, untilHealthy, untilKnows } from './redis-nodes';

/** Frames sent just before the kill that may still be in flight at it: 10 ms of traffic at one frame every 2 ms. */
const IN_FLIGHT_AT_KILL = 5;

describe('Redis backplane faults', () => {
  it('drops garbage and forged frames published on its channels, counts them, and delivers none', async () => {
    const redis = await testRedis();
    const prefix = testPrefix('garbage');
    const nodes = await RedisNodes.start(redis.url, prefix, [{}, {}]);
    const plain = new Redis(redis.url);
    const client = await nodes.connect(0);
    try {
      await client.request('joinRoom', 'lobby');
      const node = ownerOf(client.id)!;
      const before = await backplaneStatus(client);
      const toClient = { target: TARGET.connection, key: lengthPrefixed(client.id) };
      const garbage = [
        // Not the format at all, the text formats it replaced included.
        Buffer.from('not json'),
        Buffer.from(
          JSON.stringify({ v: 1, node: 'mallory', msg: { type: 'deliver', target: { type: 'all' }, frame: '{"event":"pwned"}' } }),
        ),
        Buffer.from(`mallory.1|${JSON.stringify({ v: 1, node: 'mallory', msg: { type: 'join', id: client.id, room: 'x' } })}`),
        Buffer.alloc(0),
        Buffer.from('[]'),
        Buffer.from([0xff, 0x00, 0xfe]),
        // A bad header: cut short, sequence number 0 (they start at 1) or past 2^53, another version, kind or node id length.
        header().subarray(0, 5),
        delivery({}, { seq: 0 }),
        delivery({}, { seqHigh: 2 ** 21 }),
        delivery({}, { version: 3 }),
        delivery({}, { kind: 9 }),
        delivery({}, { node: '' }),
        delivery({}, { node: 'n'.repeat(65) }),
        // A good header before a body that is not one.
        Buffer.concat([header(), Buffer.from('not json')]),
        delivery({ target: 7 }),
        delivery({ target: TARGET.room, key: lengthPrefixed('lobby', 1000) }),
        delivery({ flags: 2, ...toClient }),
        change('disconnect', { id: client.id }),
        change('join', { id: client.id, room: 'x', version: 0 }),
        change('metadata', { id: client.id, metadata: 'pwned', version: 1 }),
        // Well-formed messages whose frame no client may be sent, or whose close code or reason ws would throw on.
        delivery({ ...toClient, frame: 'not json' }),
        delivery({ ...toClient, frame: '{"no":"event"}' }),
        delivery({ ...toClient, frame: Buffer.concat([Buffer.from('{"event":"'), Buffer.from([0xff]), Buffer.from('"}')]) }),
        change('disconnect', { id: client.id, code: 5, reason: 'x' }),
        change('disconnect', { id: client.id, code: 4000, reason: 'x'.repeat(124) }),
      ];
      for (const payload of garbage) {
        await plain.publish(`${prefix}all`, payload);
        await plain.publish(`${prefix}to:${node}`, payload);
      }
      // Marked signed, to a node that has no secret to check it with: counted as forged.
      await plain.publish(`${prefix}to:${node}`, delivery({ ...toClient, frame: '{"event":"signed"}' }, { version: 2 }));
      // Well-formed, but forged as the receiving node's own (ignored like its echoes, not counted), or a copy of a number seen before.
      await plain.publish(`${prefix}to:${node}`, delivery({ ...toClient, frame: '{"event":"own"}' }, { node }));
      const marker = (seq: number, event: string): Buffer =>
        encodeNodeMessage({
          node: 'tester',
          seq,
          msg: {
            type: 'deliver',
            target: { type: 'connection', id: client.id },
            frame: Buffer.from(`{"event":"${event}"}`),
            binary: false,
          },
        });
      await plain.publish(`${prefix}to:${node}`, marker(1, 'mark'));
      await plain.publish(`${prefix}to:${node}`, marker(1, 'copy'));
      // A well-formed message after them, on the same connection: when it arrives, so has everything before it.
      await plain.publish(`${prefix}to:${node}`, marker(2, 'last'));
      await client.next((f) => f.event === 'last');
      const after = await backplaneStatus(client);
      expect({
        dropped: after.dropped - before.dropped,
        forged: after.forged - before.forged,
        duplicates: after.duplicates - before.duplicates,
      }).toEqual({ dropped: 2 * garbage.length, forged: 1, duplicates: 1 });
      expect(after).toMatchObject({ signed: false, stale: 0 });
      const pushed = client.received.flatMap((r) => (r.kind === 'binary' ? ['binary'] : r.frame.id === undefined ? [r.frame.event] : []));
      expect(pushed).toEqual(['connected', 'mark', 'last']);
      expect(client.socket.readyState).toBe(client.socket.OPEN);
      expect(await call(client, 'getRoomMembers', 'x')).toEqual([]);
    } finally {
      plain.disconnect();
      await nodes.close();
      await deleteKeysUnder(redis.url, prefix);
      await redis.stop();
    }
  });

  it('fails at boot with a clear error when Redis does not answer', async () => {
    const port = await freePort();
    const backplane = RedisBackplane.fromUrl(`redis://127.0.0.1:${port}`, { connectTimeout: 300 });
    const started = backplane.start(() => undefined);
    await expect(started).rejects.toThrow(
      new RegExp(`SB_BACKPLANE_UNREACHABLE: RedisBackplane: Redis at 127.0.0.1:${port} did not answer .*start Redis or fix REDIS_URL`),
    );
    // What failed is kept as the cause: no answer within connectTimeout.
    await expect(started).rejects.toMatchObject({
      code: 'SB_BACKPLANE_UNREACHABLE',
      cause: { code: RuntimeErrorCode.BACKPLANE_TIMEOUT, message: 'no answer within 300 ms while connecting' },
    });
    await backplane.stop();
  });

  describe('Redis restarted mid-traffic', () => {
    // Heartbeats every 200 ms: each node knows the other as a peer when Redis dies, so it waits for it after.
    const options = { heartbeatInterval: 200, heartbeatTtl: 800 };
    const prefix = testPrefix('restart');
    let redis: OwnRedis | undefined;
    let nodes: RedisNodes | undefined;

    beforeAll(async () => {
      redis = await startOwnRedis();
      nodes = await RedisNodes.start(redis.url, prefix, [options, options]);
    });
    afterAll(async () => {
      await nodes?.close();
      await redis?.stop();
    });

    it('loses, duplicates and reorders no frame, keeps local delivery going, reports degraded, and writes the registry back', async () => {
      const [own, cluster] = [redis!, nodes!];
      const room = 'live';
      const [sender, local, remote] = [await cluster.connect(0), await cluster.connect(0), await cluster.connect(1)];
      for (const client of [sender, local, remote]) await client.request('joinRoom', room);
      await call(sender, 'updateConnectionMetadata', remote.id, { role: 'watcher' });
      // Each node waits after the outage for the other to listen again, once it knows the other is alive.
      await untilKnows(sender, cluster.nodeId(1), options.heartbeatInterval);
      await untilKnows(remote, cluster.nodeId(0), options.heartbeatInterval);

      // Traffic: one numbered frame every 2 ms from the sender to the room, until stopped.
      let sent = 0;
      const traffic = setInterval(() => sender.send({ event: 'seq', message: { room, n: sent++ } }), 2);
      const last = (client: TestClient): string => `${seqOf(client).length} frames, the last ${seqOf(client).at(-1)}`;
      try {
        await eventually(
          () => seqOf(remote).length >= 50,
          3000,
          () => `traffic flows to the other node (it has ${last(remote)})`,
        );

        const killAt = sent;
        await own.kill();
        const downAt = sent;
        await untilHealthy(sender, false, 3000, cluster.logs[0]);
        expect((await backplaneStatus(sender)).detail).toMatch(/^Redis unreachable/);
        await eventually(
          () => seqOf(local).includes(downAt + 50),
          3000,
          () => `local delivery goes on during the outage (${last(local)}, ${sent} sent)`,
        );

        await own.start();
        const upAt = Date.now();
        const firstAfter = sent;
        await eventually(
          () => seqOf(remote).some((n) => n >= firstAfter),
          resumeWithin(),
          () =>
            `cross-node delivery resumes: frame ${firstAfter} or later on the other node (it has ${last(remote)}); logs: ${cluster.logs.join(' / ')}`,
        );
        const resumedMs = Date.now() - upAt;
        clearInterval(traffic);
        const total = sent;
        await settle(sender, [local, remote]);

        // The README's promise: 0 frames lost, duplicated or reordered, here and on the other node; save one.
        // Redis writes a publish's reply before the message to its subscribers (in the same event-loop pass), so a
        // publish it acknowledged in the instant it was SIGKILLed can be lost: pub/sub is at-most-once when Redis
        // itself dies (issue #13's history recovers it). That one frame, and only one sent around the kill, is excused.
        const atTheKill = (n: number): boolean => n >= killAt - IN_FLIGHT_AT_KILL && n < downAt;
        const faults = {
          sender: sequenceFaults(seqOf(sender), total),
          local: sequenceFaults(seqOf(local), total),
          remote: sequenceFaults(seqOf(remote), total, atTheKill),
        };
        expect(faults).toEqual({ sender: [], local: [], remote: [] });
        const lostAtKill = total - new Set(seqOf(remote)).size;
        process.stdout.write(
          `[figures] Redis restart: cross-node delivery resumed ${resumedMs} ms after Redis answered; ${lostAtKill} of ${total} frames lost on the other node (${lostAtKill ? 'acknowledged by Redis as it was killed' : 'none'}), 0 duplicated, 0 reordered; ${total - downAt} sent after the kill\n`,
        );

        // The restarted Redis was empty; both nodes wrote their connections, rooms and metadata back
        // (here the heartbeat would too: the write-back alone is tested in redis-reconnect.spec.ts).
        const members = (): Promise<string[]> => call<string[]>(remote, 'getRoomMembers', room);
        await eventually(async () => (await members()).length === 3, resumeWithin(), 'the room is written back');
        expect((await members()).sort()).toEqual([sender.id, local.id, remote.id].sort());
        const info = await call<ConnectionInfo>(sender, 'getConnectionInfo', remote.id);
        expect(info).toMatchObject({ id: remote.id, rooms: [room], metadata: { role: 'watcher' } });
        for (const via of [sender, remote]) expect((await backplaneStatus(via)).healthy).toBe(true);
        for (const logs of cluster.logs) {
          expect(logs.find('Redis unreachable')).toBeDefined();
          expect(logs.find('Redis reachable again')).toBeDefined();
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

  it.each([
    [
      { heartbeatInterval: 1000, heartbeatTtl: 2000 },
      /heartbeatTtl \(2000 ms\) must be more than twice heartbeatInterval \(1000 ms\): raise heartbeatTtl/,
    ],
    [{ heartbeatInterval: 60_000 }, /heartbeatTtl \(3000 ms\) must be more than twice heartbeatInterval \(60000 ms\)/],
    [{ outboxLimit: 0 }, /outboxLimit must be a number above 0 \(got 0\)/],
    [{ probeTimeout: -1 }, /probeTimeout must be a number above 0 \(got -1\)/],
    [{ requestTimeout: Number.NaN }, /requestTimeout must be a number above 0 \(got NaN\)/],
  ])('refuses timings that cannot work together when it is made (%j), saying what to change', (options, message) => {
    // lazyConnect: the refused backplane never connects, so nothing is left to close.
    const client = (): Redis => new Redis({ lazyConnect: true });
    const make = (): RedisBackplane => new RedisBackplane({ publisher: client(), subscriber: client(), ...options });
    expect(make).toThrow(message);
    expect(make).toThrow(expect.objectContaining({ code: 'SB_BACKPLANE_MISCONFIGURED' }));
  });
});
