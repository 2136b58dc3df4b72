// RedisOutbox on its own, with a send that the test answers: order, the
// limit, and what counts as lost (the real Redis outages: redis-outage,
// redis-resend, redis-stall).
import { RedisOutbox } from '../../src/backplanes/redis-outbox';

/** A send the test settles by hand, recording what went out, in order. */
function fakeRedis() {
  const sent: { payload: string; settle: (ok: boolean) => void }[] = [];
  const send = (_channel: string, payload: Buffer) =>
    new Promise<void>((resolve, reject) =>
      sent.push({ payload: payload.toString(), settle: (ok) => (ok ? resolve() : reject(new Error('Connection is closed.'))) }),
    );
  return { sent, send, payloads: () => sent.map((s) => s.payload) };
}

const flushPromises = () => new Promise((resolve) => setImmediate(resolve));

describe('RedisOutbox', () => {
  let online: boolean;
  beforeEach(() => (online = true));

  it('sends at once while Redis is reachable, holds while it is not, and flushes what it held in order', () => {
    const redis = fakeRedis();
    const outbox = new RedisOutbox(10, redis.send, () => online);
    outbox.publish('c', Buffer.from('a'));
    online = false;
    outbox.publish('c', Buffer.from('b'));
    outbox.publish('c', Buffer.from('c'));
    expect(redis.payloads()).toEqual(['a']);
    expect({ size: outbox.size, pending: outbox.pending }).toEqual({ size: 2, pending: 3 });
    online = true;
    // Back, but not flushed yet: a new publish waits behind the held ones.
    outbox.publish('c', Buffer.from('d'));
    expect(redis.payloads()).toEqual(['a']);
    expect(outbox.flush()).toBe(3);
    expect(redis.payloads()).toEqual(['a', 'b', 'c', 'd']);
    expect(outbox.size).toBe(0);
  });

  it('counts what is in flight against the limit, and drops and counts what does not fit', async () => {
    const redis = fakeRedis();
    const outbox = new RedisOutbox(3, redis.send, () => online);
    for (const p of ['1', '2']) outbox.publish('c', Buffer.from(p));
    online = false;
    for (const p of ['3', '4', '5']) outbox.publish('c', Buffer.from(p));
    expect({ pending: outbox.pending, lost: outbox.lost, lostTotal: outbox.lostTotal }).toEqual({ pending: 3, lost: 2, lostTotal: 2 });
    // The two in flight were cut off with the connection: held again, ahead of what was queued, in their first order.
    redis.sent[1].settle(false);
    redis.sent[0].settle(false);
    await flushPromises();
    expect({ inFlight: outbox.inFlight, size: outbox.size, pending: outbox.pending }).toEqual({ inFlight: 0, size: 3, pending: 3 });
    online = true;
    outbox.flush();
    expect(redis.payloads()).toEqual(['1', '2', '1', '2', '3']);
  });

  it('counts a publish that fails while Redis is reachable as lost, and frees its place', async () => {
    const redis = fakeRedis();
    const outbox = new RedisOutbox(1, redis.send, () => online);
    outbox.publish('c', Buffer.from('x'));
    outbox.publish('c', Buffer.from('y'));
    expect(outbox.lost).toBe(1);
    redis.sent[0].settle(false);
    await flushPromises();
    expect({ lost: outbox.lost, pending: outbox.pending, size: outbox.size }).toEqual({ lost: 2, pending: 0, size: 0 });
    outbox.publish('c', Buffer.from('z'));
    redis.sent[1].settle(true);
    await flushPromises();
    expect({ payloads: redis.payloads(), pending: outbox.pending }).toEqual({ payloads: ['x', 'z'], pending: 0 });
  });
});
