// What keeps a Redis outage from losing or duplicating a frame: the outbox holds publishes in order,
// and receivers drop a resent copy by its sequence number.
import { RedisOutbox } from '../../src/backplanes/redis-outbox';
import { SeenSequences } from '../../src/backplanes/redis-sequences';

describe('SeenSequences', () => {
  afterEach(() => jest.useRealTimers());

  it('accepts each node’s numbers in order once and refuses copies and older ones, per node', () => {
    const seen = new SeenSequences();
    expect(seen.accept('n1', 1)).toBe(true);
    expect(seen.accept('n1', 1)).toBe(false);
    expect(seen.accept('n2', 1)).toBe(true);
    expect(seen.accept('n1', 3)).toBe(true);
    expect(seen.accept('n1', 2)).toBe(false);
    expect(seen.accept('n1', 4)).toBe(true);
  });

  it('forgets a node not heard from for the given time, and only that node', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const seen = new SeenSequences();
    seen.accept('quiet', 5);
    jest.setSystemTime(1_000_000 + 500);
    seen.accept('busy', 5);
    // Exactly `ms` old is not yet idle.
    seen.forgetIdle(500);
    expect(seen.accept('quiet', 5)).toBe(false);
    jest.setSystemTime(1_000_000 + 501);
    seen.forgetIdle(500);
    // Forgotten: a node that restarts numbering from 1 is heard again.
    expect(seen.accept('quiet', 1)).toBe(true);
    expect(seen.accept('busy', 5)).toBe(false);
  });
});

describe('RedisOutbox', () => {
  const drain = (outbox: RedisOutbox): string[] => {
    const sent: string[] = [];
    expect(outbox.flush((channel, payload) => sent.push(`${channel}:${payload.toString()}`))).toBe(sent.length);
    return sent;
  };

  it('holds up to its limit in order and counts the rest as lost', () => {
    const outbox = new RedisOutbox(3);
    for (const n of [1, 2, 3, 4, 5]) outbox.push('c', Buffer.from(String(n)));
    expect(outbox.size).toBe(3);
    expect(outbox.lost).toBe(2);
    expect(drain(outbox)).toEqual(['c:1', 'c:2', 'c:3']);
    expect(outbox.size).toBe(0);
    expect(drain(outbox)).toEqual([]);
  });

  it('sends publishes cut off in flight before the queued ones, within the same limit', () => {
    const outbox = new RedisOutbox(3);
    outbox.push('c', Buffer.from('queued-1'));
    outbox.retry('c', Buffer.from('in-flight-1'));
    outbox.push('c', Buffer.from('queued-2'));
    outbox.retry('c', Buffer.from('in-flight-2'));
    expect(outbox.size).toBe(3);
    expect(outbox.lost).toBe(1);
    expect(drain(outbox)).toEqual(['c:in-flight-1', 'c:queued-1', 'c:queued-2']);
    // Emptied: both kinds can be held again.
    outbox.retry('c', Buffer.from('again'));
    outbox.push('c', Buffer.from('later'));
    expect(drain(outbox)).toEqual(['c:again', 'c:later']);
  });
});
