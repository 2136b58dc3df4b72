import { SeenSequences, frameMessage, parseFrame } from '../../src/backplanes/redis-framing';
import { RedisOutbox } from '../../src/backplanes/redis-outbox';

describe('Redis channel framing', () => {
  it('round-trips node, sequence and payload, whatever the payload holds', () => {
    const payload = '{"a":"x|y.z"}|more';
    const framed = frameMessage('node.with.dots', 42, payload);
    expect(framed).toBe(`node.with.dots.42|${payload}`);
    expect(parseFrame(framed)).toEqual({ node: 'node.with.dots', seq: 42, payload });
  });

  it.each([
    ['no header', '{"a":1}'],
    ['a header past 64 characters', `${'n'.repeat(63)}.1|{}`],
    ['no node', '.1|{}'],
    ['no dot', 'n1|{}'],
    ['sequence 0', 'n1.0|{}'],
    ['a negative sequence', 'n1.-3|{}'],
    ['an empty sequence', 'n1.1.|{}'],
    ['a sequence past 2^53', 'n1.9007199254740993|{}'],
    ['a sequence that is not a number', 'n1.x|{}'],
  ])('refuses %s', (_, raw) => {
    expect(parseFrame(raw)).toBeUndefined();
  });

  it('reads a header of 64 characters, the longest it accepts', () => {
    const node = 'n'.repeat(62);
    expect(parseFrame(`${node}.1|{}`)).toEqual({ node, seq: 1, payload: '{}' });
    // The last dot splits node from sequence: node ids may hold dots.
    expect(parseFrame('n1.1.5|{}')).toEqual({ node: 'n1.1', seq: 5, payload: '{}' });
  });
});

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
    expect(outbox.flush((channel, payload) => sent.push(`${channel}:${payload}`))).toBe(sent.length);
    return sent;
  };

  it('holds up to its limit in order and counts the rest as lost', () => {
    const outbox = new RedisOutbox(3);
    for (const n of [1, 2, 3, 4, 5]) outbox.push('c', String(n));
    expect(outbox.size).toBe(3);
    expect(outbox.lost).toBe(2);
    expect(drain(outbox)).toEqual(['c:1', 'c:2', 'c:3']);
    expect(outbox.size).toBe(0);
    expect(drain(outbox)).toEqual([]);
  });

  it('sends publishes cut off in flight before the queued ones, within the same limit', () => {
    const outbox = new RedisOutbox(3);
    outbox.push('c', 'queued-1');
    outbox.retry('c', 'in-flight-1');
    outbox.push('c', 'queued-2');
    outbox.retry('c', 'in-flight-2');
    expect(outbox.size).toBe(3);
    expect(outbox.lost).toBe(1);
    expect(drain(outbox)).toEqual(['c:in-flight-1', 'c:queued-1', 'c:queued-2']);
    // Emptied: both kinds can be held again.
    outbox.retry('c', 'again');
    outbox.push('c', 'later');
    expect(drain(outbox)).toEqual(['c:again', 'c:later']);
  });
});
