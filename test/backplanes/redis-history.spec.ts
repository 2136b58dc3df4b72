// RedisHistory against a real Redis (issue #13): what one append script
// keeps and publishes, how long its keys live, a resent append, a Redis that
// forgot the script, and what the history channel's reader refuses.
import { Redis } from 'ioredis';
import { RedisHistory, parseHistoryMessage } from '../../src/backplanes/redis-history';
import { HISTORY_POSITION_TTL_MS } from '../../src/backplanes/room-histories';
import { startOwnRedis, type OwnRedis } from '../support/redis-server';
import { testPrefix } from '../support/test-prefix';
import { eventually } from '../support/wait';

describe('RedisHistory', () => {
  let redis: OwnRedis;
  let client: Redis;
  let subscriber: Redis;
  const limits = { size: 3, ttl: 60_000 };

  beforeAll(async () => {
    // Its own server: the test flushes its scripts.
    redis = await startOwnRedis();
    client = new Redis(redis.url);
    subscriber = new Redis(redis.url);
  });
  afterAll(async () => {
    client?.disconnect();
    subscriber?.disconnect();
    await redis?.stop();
  });

  it('numbers, keeps the latest `size`, publishes "<offset> <epoch> <payload>", and its keys outlive the stream by a day', async () => {
    const prefix = testPrefix('history');
    const channel = `${prefix}history`;
    const history = new RedisHistory(client, prefix, channel);
    const heard: Buffer[] = [];
    subscriber.on('messageBuffer', (_channel: Buffer, message: Buffer) => heard.push(message));
    await subscriber.subscribe(channel);
    const payloads = ['a', 'b', 'c', 'd'].map((t) => Buffer.from([0xff, 0x00, t.charCodeAt(0)]));
    const offsets: number[] = [];
    for (const [i, payload] of payloads.entries()) offsets.push(await history.append('r', payload, limits, 'n1', 100 + i));
    expect(offsets).toEqual([1, 2, 3, 4]);

    const read = await history.read('r', 0, limits);
    // Binary payloads come back byte for byte; only the last `size` are kept.
    expect(read.publications).toEqual([2, 3, 4].map((offset) => ({ offset, payload: payloads[offset - 1] })));
    expect(read.offset).toBe(4);
    expect(await history.read('r', undefined, limits)).toEqual({ epoch: read.epoch, offset: 4, publications: [] });

    await eventually(
      () => heard.length === 4,
      2000,
      () => `4 messages on the history channel (${heard.length})`,
    );
    expect(heard.map(parseHistoryMessage)).toEqual(payloads.map((payload, i) => ({ offset: i + 1, epoch: read.epoch, payload })));

    const streamTtl = await client.pttl(`${prefix}hist:r`);
    const metaTtl = await client.pttl(`${prefix}hist-meta:r`);
    expect(streamTtl).toBeGreaterThan(limits.ttl - 5000);
    expect(streamTtl).toBeLessThanOrEqual(limits.ttl);
    expect(metaTtl).toBeGreaterThan(HISTORY_POSITION_TTL_MS - 5000);
  });

  it('does not append a publish resent with a sequence number it already has from that node', async () => {
    const prefix = testPrefix('history-resend');
    const history = new RedisHistory(client, prefix, `${prefix}history`);
    expect(await history.append('r', Buffer.from('x'), limits, 'n1', 7)).toBe(1);
    expect(await history.append('r', Buffer.from('x'), limits, 'n1', 7)).toBe(0);
    expect(await history.append('r', Buffer.from('y'), limits, 'n2', 7)).toBe(2);
    expect((await history.read('r', 0, limits)).publications.map((p) => p.payload.toString())).toEqual(['x', 'y']);
  });

  it('sends the script again when Redis has forgotten it (a restart, SCRIPT FLUSH)', async () => {
    const prefix = testPrefix('history-flush');
    const history = new RedisHistory(client, prefix, `${prefix}history`);
    expect(await history.append('r', Buffer.from('x'), limits, 'n1', 1)).toBe(1);
    await client.script('FLUSH');
    expect(await history.append('r', Buffer.from('y'), limits, 'n1', 2)).toBe(2);
    await client.script('FLUSH');
    expect((await history.read('r', 1, limits)).publications.map((p) => p.payload.toString())).toEqual(['y']);
  });
});

describe('parseHistoryMessage', () => {
  it('reads offset, epoch and payload, the payload as it came', () => {
    expect(parseHistoryMessage(Buffer.from('12 ep x y'))).toEqual({ offset: 12, epoch: 'ep', payload: Buffer.from('x y') });
  });

  it.each(['', 'x', '12', '12 ep', ' ep x', '0 ep x', '-1 ep x', '1.5 ep x', 'ab ep x', `${2 ** 60} ep x`])('refuses %j', (text) => {
    expect(parseHistoryMessage(Buffer.from(text))).toBeUndefined();
  });
});
