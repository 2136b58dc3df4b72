// Backplane messages a node can trust, tried as someone with a client on the Redis the nodes share.
import { Redis } from 'ioredis';
import { encodeNodeMessage } from '../../src/backplanes/node-codec';
import { NodeSigner } from '../../src/backplanes/node-signer';
import { STALE_MS } from '../../src/backplanes/redis-sequences';
import { settle } from '../support/node-calls';
import { deleteKeysUnder, testRedis } from '../support/redis-server';
import type { TestClient } from '../support/test-client';
import { testPrefix } from '../support/test-prefix';
import { eventually } from '../support/wait';
import { RedisNodes, SLACK_MS, backplaneStatus, seqOf, sequenceFaults, type NodeSpec } from './redis-nodes';

const ROOM = 'live';
const SECRET = 'a secret of the nodes, 32 bytes.';
const OTHER_SECRET = 'another secret, not the nodes’ one';

/** A well-formed delivery to the room, as a node would publish it. */
const delivery = (node: string, seq: number, event: string, signed = false): Buffer =>
  encodeNodeMessage(
    {
      node,
      seq,
      msg: { type: 'deliver', target: { type: 'room', room: ROOM }, frame: Buffer.from(`{"event":"${event}"}`), binary: false },
    },
    signed,
  );

describe('Redis backplane: messages a node can trust', () => {
  let redis: { url: string; stop(): Promise<void> };
  let plain: Redis;
  let prefix: string;
  let nodes: RedisNodes | undefined;
  const watchers: Redis[] = [];

  beforeAll(async () => {
    redis = await testRedis();
    plain = new Redis(redis.url);
  });
  beforeEach(() => {
    prefix = testPrefix('trust');
    nodes = undefined;
  });
  afterEach(async () => {
    for (const watcher of watchers.splice(0)) watcher.disconnect();
    await nodes?.close();
    await deleteKeysUnder(redis.url, prefix);
  });
  afterAll(async () => {
    plain.disconnect();
    await redis.stop();
  });

  /** Node 0 holds the sender, node 1 the receiver, both in the room. */
  async function pair(
    specs: readonly [NodeSpec, NodeSpec] = [{}, {}],
  ): Promise<{ sender: TestClient; receiver: TestClient; from: string }> {
    const cluster = (nodes = await RedisNodes.start(redis.url, prefix, specs));
    const [sender, receiver] = [await cluster.connect(0), await cluster.connect(1)];
    for (const client of [sender, receiver]) await client.request('joinRoom', ROOM);
    return { sender, receiver, from: cluster.nodeId(0) };
  }

  /** Every message Redis carries on the broadcast channel from now on, as its bytes. */
  async function captureBroadcasts(): Promise<Buffer[]> {
    const watcher = plain.duplicate();
    watchers.push(watcher);
    const seen: Buffer[] = [];
    watcher.on('messageBuffer', (_channel: Buffer, message: Buffer) => seen.push(message));
    await watcher.subscribe(`${prefix}all`);
    return seen;
  }

  const sendSeq = (sender: TestClient, from: number, to: number): void => {
    for (let n = from; n < to; n++) sender.send({ event: 'seq', message: { room: ROOM, n } });
  };
  const counters = async (via: TestClient): Promise<Record<'dropped' | 'forged' | 'duplicates' | 'stale', number>> => {
    const { dropped, forged, duplicates, stale } = await backplaneStatus(via);
    return { dropped, forged, duplicates, stale };
  };

  it('is not silenced by one forged message under a real node’s id with sequence number 8e15: the real frames keep flowing', async () => {
    const { sender, receiver, from } = await pair();
    sendSeq(sender, 0, 5);
    await settle(sender, [receiver]);
    await plain.publish(`${prefix}all`, delivery(from, 8e15, 'forged'));
    sendSeq(sender, 5, 25);
    await settle(sender, [receiver]);
    expect(sequenceFaults(seqOf(receiver), 25)).toEqual([]);
    expect(await counters(receiver)).toEqual({ dropped: 0, forged: 0, duplicates: 0, stale: 0 });
  });

  it('after a forged pair, drops and counts the real frames as stale for a second at most, logs it once, and follows the node again', async () => {
    const { sender, receiver, from } = await pair();
    sendSeq(sender, 0, 5);
    await settle(sender, [receiver]);
    // Two numbers in a row: enough to move the highest number taken from node 0.
    await plain.publish(`${prefix}all`, delivery(from, 8e15, 'forged'));
    await plain.publish(`${prefix}all`, delivery(from, 8e15 + 1, 'forged'));
    let sent = 5;
    const traffic = setInterval(() => sendSeq(sender, sent, ++sent), 10);
    try {
      const report = await nodes!.logs[1].waitFor(
        `messages from node ${from} came far below the highest sequence number seen from it for a second`,
        STALE_MS + SLACK_MS,
        'the receiving node reports the node whose frames it drops as stale',
      );
      const after = sent;
      await eventually(
        () => seqOf(receiver).includes(after),
        SLACK_MS,
        () => `frame ${after} arrives once the node is followed again`,
      );
      expect(report.line).toMatch(/\(\d+ dropped as stale\)/);
    } finally {
      clearInterval(traffic);
    }
    await settle(sender, [receiver]);
    const got = seqOf(receiver);
    const lost = Array.from({ length: sent }, (_, n) => n).filter((n) => !got.includes(n));
    // Never silent: every frame lost is one counted.
    expect((await counters(receiver)).stale).toBe(lost.length);
    expect(lost.length).toBeGreaterThan(0);
    expect(nodes!.logs[1].entries.filter((e) => e.line.startsWith('messages from node'))).toHaveLength(1);
  });

  it('drops a captured message published again verbatim as a duplicate and counts it', async () => {
    const { sender, receiver } = await pair();
    const captured = await captureBroadcasts();
    sendSeq(sender, 0, 1);
    await settle(sender, [receiver]);
    const [message] = captured.filter((m) => m.includes('"event":"seq"'));
    await plain.publish(`${prefix}all`, message);
    sendSeq(sender, 1, 2);
    await settle(sender, [receiver]);
    expect(seqOf(receiver)).toEqual([0, 1]);
    expect(await counters(receiver)).toEqual({ dropped: 0, forged: 0, duplicates: 1, stale: 0 });
  });

  describe('with a secret', () => {
    it('signs what it sends; drops tampered, unsigned and wrongly signed messages as forged, and a replay as a duplicate', async () => {
      const { sender, receiver, from } = await pair([{ secret: SECRET }, { secret: SECRET }]);
      expect(await backplaneStatus(receiver)).toMatchObject({ signed: true });
      const captured = await captureBroadcasts();
      sendSeq(sender, 0, 1);
      await settle(sender, [receiver]);
      const [message] = captured.filter((m) => m.includes('"event":"seq"'));
      expect(new NodeSigner(SECRET).verify(message)).toBe(true);

      // One byte of the frame changed: frame 0 becomes frame 7.
      const tampered = Buffer.from(message);
      const digit = tampered.indexOf('"message":0') + '"message":'.length;
      tampered[digit] = '7'.charCodeAt(0);
      const wronglySigned = delivery(from, 9e15, 'forged', true);
      new NodeSigner(OTHER_SECRET).sign(wronglySigned);
      for (const forgery of [tampered, delivery(from, 9e15, 'forged'), wronglySigned]) await plain.publish(`${prefix}all`, forgery);
      await plain.publish(`${prefix}all`, message);

      sendSeq(sender, 1, 2);
      await settle(sender, [receiver]);
      expect(seqOf(receiver)).toEqual([0, 1]);
      expect(receiver.framesOf('forged')).toEqual([]);
      expect(await counters(receiver)).toEqual({ dropped: 0, forged: 3, duplicates: 1, stale: 0 });
    });

    it('rotates the secret without downtime: nodes that sign with the new one and the old one hear each other', async () => {
      const { sender, receiver } = await pair([{ secret: [SECRET, OTHER_SECRET] }, { secret: [OTHER_SECRET, SECRET] }]);
      sendSeq(sender, 0, 3);
      sendSeq(receiver, 3, 6);
      await settle(sender, [receiver]);
      await settle(receiver, [sender]);
      // Each client gets its own node's frames first: only what arrived matters here, not in which order across senders.
      for (const client of [sender, receiver]) expect([...seqOf(client)].sort()).toEqual([0, 1, 2, 3, 4, 5]);
      for (const client of [sender, receiver]) expect((await counters(client)).forged).toBe(0);
    });

    it('refuses a secret shorter than 16 bytes at boot', () => {
      expect(() => new NodeSigner('short')).toThrow(/SB_BACKPLANE_MISCONFIGURED: backplane secret must be a string of at least 16 bytes/);
    });
  });
});
