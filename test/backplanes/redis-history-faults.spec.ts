// Room history against real Redis faults (issue #13): a Redis restarted
// without persistence starts new epochs (recovered:false, never a wrong
// recovery), and a node cut off from Redis while a room goes on publishing
// gets every publication it missed from the history when it is back, with
// no later publication needed to reveal the gap.
import { deleteKeysUnder, startOwnRedis, testRedis, type OwnRedis } from '../support/redis-server';
import type { TestClient } from '../support/test-client';
import { testPrefix } from '../support/test-prefix';
import { RedisNodes, SLACK_MS, backplaneStatus, resumeWithin, untilHealthy } from './redis-nodes';

/** The `seq` frames a client got, as `[n, offset]`. */
const seqFrames = (client: TestClient) => client.framesOf('seq').map((f) => [f.message, f.offset]);

const publish = async (sender: TestClient, room: string, from: number, to: number): Promise<void> => {
  for (let n = from; n < to; n++) sender.send({ event: 'seq', message: { room, n } });
  await sender.request('seq', { room, n: to });
};

const waitForSeq = (client: TestClient, n: number, ms = 5000) =>
  client.next((f) => f.event === 'seq' && f.message === n, ms, `seq ${n} on ${client.id}`);

describe('room history on Redis: a Redis restarted without persistence', () => {
  let redis: OwnRedis;
  let nodes: RedisNodes | undefined;
  beforeAll(async () => {
    redis = await startOwnRedis();
  });
  afterEach(() => nodes?.close());
  afterAll(() => redis?.stop());

  it('starts a new epoch: a rejoin from the old one gets recovered:false, and members get the new stream from offset 1, even one that was away when it began', async () => {
    const peerWait = 500;
    nodes = await RedisNodes.start(redis.url, testPrefix('hist-restart'), [{ peerWait }, { peerWait }, { peerWait, proxied: true }]);
    const [sender, member, away] = [await nodes.connect(0), await nodes.connect(1), await nodes.connect(2)];
    const room = 'h:restart';
    const { epoch } = (await sender.request('joinRoom', room)).message;
    for (const client of [member, away]) await client.request('joinRoom', room);
    await publish(sender, room, 1, 5);
    for (const client of [member, away]) await waitForSeq(client, 5);

    // Node 2 is cut off before Redis goes and comes back empty, so it never sees the new stream begin.
    await nodes.proxy(2).refuse();
    await redis.kill();
    await untilHealthy(sender, false, SLACK_MS + 2000, nodes.logs[0]);
    await redis.start();
    await untilHealthy(sender, true, resumeWithin(peerWait), nodes.logs[0]);
    await untilHealthy(member, true, resumeWithin(peerWait), nodes.logs[1]);

    const back = await nodes.connect(1);
    const reply = (await back.request('joinRoom', room, { since: { epoch, offset: 5 } })).message;
    expect(reply).toEqual({ room, epoch: expect.any(String), offset: 0, recovered: false });
    expect(reply.epoch).not.toBe(epoch);
    await publish(sender, room, 6, 7);
    for (const client of [member, back]) await waitForSeq(client, 7);
    const before = [1, 2, 3, 4, 5].map((n) => [n, n]);
    const after = [
      [6, 1],
      [7, 2],
    ];
    expect(seqFrames(member)).toEqual([...before, ...after]);
    expect(seqFrames(back)).toEqual(after);

    await nodes.proxy(2).restore();
    await untilHealthy(away, true, resumeWithin(peerWait), nodes.logs[2]);
    await waitForSeq(away, 7);
    expect(seqFrames(away)).toEqual([...before, ...after]);
  }, 30_000);
});

describe('room history on Redis: a node cut off while the room goes on publishing', () => {
  let redis: { url: string; stop(): Promise<void> };
  let prefix: string;
  let nodes: RedisNodes | undefined;
  beforeAll(async () => {
    redis = await testRedis();
  });
  afterEach(async () => {
    await nodes?.close();
    await deleteKeysUnder(redis.url, prefix);
  });
  afterAll(() => redis.stop());

  it('delivers every publication it missed, in order, from the history once it is back, with none lost, and counts the repair', async () => {
    prefix = testPrefix('hist-cutoff');
    const peerWait = 200;
    nodes = await RedisNodes.start(redis.url, prefix, [{ peerWait }, { proxied: true, peerWait }]);
    const [sender, member] = [await nodes.connect(0), await nodes.connect(1)];
    const room = 'h:cutoff';
    await sender.request('joinRoom', room);
    await member.request('joinRoom', room);
    await publish(sender, room, 1, 3);
    await waitForSeq(member, 3);

    // Cut off while nothing is published: back, it finds nothing missing and counts no gap (the count below is 1, not 2).
    await nodes.proxy(1).refuse();
    await untilHealthy(member, false, SLACK_MS, nodes.logs[1]);
    await nodes.proxy(1).restore();
    await untilHealthy(member, true, resumeWithin(peerWait), nodes.logs[1]);

    await nodes.proxy(1).refuse();
    await untilHealthy(member, false, SLACK_MS, nodes.logs[1]);
    await publish(sender, room, 4, 30);
    await nodes.proxy(1).restore();
    await untilHealthy(member, true, resumeWithin(peerWait), nodes.logs[1]);

    // No publication after it is back: the catch-up on resume brings all of them.
    const last = 30;
    await waitForSeq(member, last);
    expect(seqFrames(member)).toEqual(Array.from({ length: last }, (_, i) => [i + 1, i + 1]));
    expect((await backplaneStatus(member)).gaps).toEqual({ repaired: 1, unrecoverable: 0 });
    // And the stream goes on with no copy.
    await publish(sender, room, last + 1, last + 1);
    await waitForSeq(member, last + 1);
    expect(seqFrames(member).length).toBe(last + 1);
  }, 30_000);
});
