// What keeps a Redis outage from losing or duplicating a frame: the outbox holds publishes in order,
// and receivers drop a resent copy by its sequence number.
import { RedisOutbox } from '../../src/backplanes/redis-outbox';
import { SEQUENCE_WINDOW, STALE_MS, SeenSequences } from '../../src/backplanes/redis-sequences';

describe('SeenSequences', () => {
  /** Numbers 1 … n of `node` taken in order, so its stream is established. */
  const establish = (seen: SeenSequences, node: string, n: number, now = 0): void => {
    for (let seq = 1; seq <= n; seq++) expect(seen.accept(node, seq, now)).toBe('new');
  };

  it('takes each node’s numbers once and drops copies, per node', () => {
    const seen = new SeenSequences();
    expect(seen.accept('n1', 1)).toBe('new');
    expect(seen.accept('n1', 1)).toBe('duplicate');
    expect(seen.accept('n2', 1)).toBe('new');
    expect(seen.accept('n1', 3)).toBe('new');
    expect(seen.accept('n1', 3)).toBe('duplicate');
    expect(seen.accept('n1', 1)).toBe('duplicate');
    // A number skipped (sent to another node) is not a copy.
    expect(seen.accept('n1', 2)).toBe('new');
    expect(seen.accept('n1', 2)).toBe('duplicate');
    expect(seen.accept('n1', 4)).toBe('new');
  });

  it('remembers a window of numbers below the highest: inside it copies are dropped, below it messages are stale', () => {
    const seen = new SeenSequences();
    establish(seen, 'n', 2);
    const top = SEQUENCE_WINDOW + 1;
    expect(seen.accept('n', top, 0)).toBe('new');
    // Inside the window (top - SEQUENCE_WINDOW, top]: a number not seen is taken, one seen is a copy.
    expect(seen.accept('n', 3, 0)).toBe('new');
    expect(seen.accept('n', 2, 0)).toBe('duplicate');
    expect(seen.accept('n', 1, 0)).toBe('stale');
    // The window slides: number 2 falls out of it, and its place belongs to top + 1.
    expect(seen.accept('n', top + 1, 0)).toBe('new');
    expect(seen.accept('n', top + 1, 0)).toBe('duplicate');
    expect(seen.accept('n', 2, 0)).toBe('stale');
  });

  it('does not let one number far ahead (a forged 8e15) move the highest: the real messages keep coming', () => {
    const seen = new SeenSequences();
    establish(seen, 'n', 10);
    expect(seen.accept('n', 8e15)).toBe('new');
    for (let seq = 11; seq <= 20; seq++) expect(seen.accept('n', seq)).toBe('new');
    expect(seen.accept('n', 8e15)).toBe('duplicate');
    expect(seen.accept('n', 15)).toBe('duplicate');
  });

  it('follows a real jump ahead (a node restarted with the same id) once the next message follows it', () => {
    const seen = new SeenSequences();
    establish(seen, 'n', 10);
    const restarted = 5_000_000;
    expect(seen.accept('n', restarted)).toBe('new');
    expect(seen.accept('n', restarted + 1)).toBe('new');
    expect(seen.accept('n', restarted)).toBe('duplicate');
    expect(seen.accept('n', restarted + 1)).toBe('duplicate');
    expect(seen.accept('n', 10)).toBe('stale');
  });

  it('trusts the first number of a node only once a second follows it, so a forged first one silences nothing', () => {
    const seen = new SeenSequences();
    expect(seen.accept('n', 8e15)).toBe('new');
    expect(seen.accept('n', 1000)).toBe('new');
    expect(seen.accept('n', 1001)).toBe('new');
    expect(seen.accept('n', 1000)).toBe('duplicate');
    expect(seen.accept('n', 1002)).toBe('new');
  });

  it('drops messages far below a forged pair as stale for a second, then reports that node once and follows it again', () => {
    const reports: [string, number][] = [];
    const seen = new SeenSequences((node, dropped) => reports.push([node, dropped]));
    establish(seen, 'n', 10, 0);
    expect(seen.accept('n', 8e15, 0)).toBe('new');
    expect(seen.accept('n', 8e15 + 1, 0)).toBe('new');
    expect(seen.accept('n', 11, 100)).toBe('stale');
    expect(seen.accept('n', 12, STALE_MS + 99)).toBe('stale');
    expect(reports).toEqual([]);
    expect(seen.accept('n', 13, STALE_MS + 100)).toBe('new');
    expect(reports).toEqual([['n', 2]]);
    expect(seen.accept('n', 14, STALE_MS + 100)).toBe('new');
    expect(seen.accept('n', 13, STALE_MS + 100)).toBe('duplicate');
    expect(reports).toHaveLength(1);
  });

  it('does not add up stale messages that come between good ones: only a second of nothing but stale ones counts', () => {
    const reports: string[] = [];
    const seen = new SeenSequences((node) => reports.push(node));
    establish(seen, 'n', SEQUENCE_WINDOW + 10, 0);
    for (let t = 0; t <= 3 * STALE_MS; t += STALE_MS / 2) {
      expect(seen.accept('n', 1, t)).toBe('stale');
      expect(seen.accept('n', SEQUENCE_WINDOW + 11 + t, t)).toBe('new');
    }
    expect(reports).toEqual([]);
  });

  it('forgets a node not heard from for the given time, and only that node', () => {
    const seen = new SeenSequences();
    establish(seen, 'quiet', 5, 1_000_000);
    establish(seen, 'busy', 5, 1_000_500);
    // Exactly `ms` old is not yet idle.
    seen.forgetIdle(500, 1_000_500);
    expect(seen.accept('quiet', 5, 1_000_000)).toBe('duplicate');
    seen.forgetIdle(500, 1_000_501);
    // Forgotten: a node that restarts numbering from 1 is heard again.
    expect(seen.accept('quiet', 1, 1_000_501)).toBe('new');
    expect(seen.accept('busy', 5, 1_000_501)).toBe('duplicate');
  });

  it('tracks at most 4,096 nodes: forged node ids cost bounded memory, and the oldest tracked is treated as newly heard', () => {
    const seen = new SeenSequences();
    for (let n = 0; n < 4096; n++) seen.accept(`node-${n}`, 1);
    expect(seen.accept('node-0', 1)).toBe('duplicate');
    expect(seen.accept('node-4096', 1)).toBe('new');
    expect(seen.accept('node-0', 1)).toBe('new');
    expect(seen.accept('node-2', 1)).toBe('duplicate');
  });
});

describe('RedisOutbox', () => {
  /** An outbox whose publishes each wait until the test settles them, and whether Redis is reachable as the test says. */
  function outboxOf(limit: number) {
    const state = { online: false };
    const inFlight: { readonly what: string; settle(ok: boolean): void }[] = [];
    const sent: string[] = [];
    const outbox = new RedisOutbox(
      limit,
      (channel, payload) => {
        const what = `${channel}:${payload.toString()}`;
        sent.push(what);
        return new Promise((resolve, reject) => inFlight.push({ what, settle: (ok) => (ok ? resolve(1) : reject(new Error('cut off'))) }));
      },
      () => state.online,
    );
    /** Settles the publish of `what` and lets its callbacks run. */
    const settle = async (what: string, ok: boolean): Promise<void> => {
      const publish = inFlight.find((p) => p.what === what);
      if (!publish) throw new Error(`${what} is not in flight; in flight: ${inFlight.map((p) => p.what).join(', ')}`);
      publish.settle(ok);
      await new Promise((resolve) => setImmediate(resolve));
    };
    return { outbox, state, sent, settle };
  }

  it('holds up to its limit in order while Redis is away, counts the rest as lost, and sends the held ones on flush', () => {
    const { outbox, sent } = outboxOf(3);
    for (const n of [1, 2, 3, 4, 5]) outbox.publish('c', Buffer.from(String(n)));
    expect([outbox.size, outbox.pending, outbox.lost, outbox.lostTotal]).toEqual([3, 3, 2, 2]);
    expect(sent).toEqual([]);
    expect(outbox.flush()).toBe(3);
    expect(sent).toEqual(['c:1', 'c:2', 'c:3']);
    // Flushed into flight: still pending until Redis answers.
    expect([outbox.size, outbox.pending]).toEqual([0, 3]);
    expect(outbox.flush()).toBe(0);
  });

  it('counts publishes in flight against the limit, whatever state ioredis is in, and makes room as Redis answers', async () => {
    const { outbox, state, sent, settle } = outboxOf(3);
    state.online = true;
    for (const n of [1, 2, 3, 4, 5]) outbox.publish('c', Buffer.from(String(n)));
    // A Redis that takes commands and does not answer: three in flight, the other two dropped and counted.
    expect(sent).toEqual(['c:1', 'c:2', 'c:3']);
    expect([outbox.inFlight, outbox.pending, outbox.lostTotal]).toEqual([3, 3, 2]);
    await settle('c:1', true);
    outbox.publish('c', Buffer.from('6'));
    expect(sent).toEqual(['c:1', 'c:2', 'c:3', 'c:6']);
    expect([outbox.inFlight, outbox.lostTotal]).toEqual([3, 2]);
    // Offline, held publishes share the same limit with those still in flight.
    state.online = false;
    outbox.publish('c', Buffer.from('7'));
    expect([outbox.size, outbox.lostTotal]).toEqual([0, 3]);
    await settle('c:2', true);
    outbox.publish('c', Buffer.from('8'));
    expect([outbox.size, outbox.pending, outbox.lostTotal]).toEqual([1, 3, 3]);
  });

  it('holds publishes cut off in flight and sends them, in the order they were first sent, before the queued ones', async () => {
    const { outbox, state, sent, settle } = outboxOf(10);
    state.online = true;
    outbox.publish('d', Buffer.from('50'));
    outbox.publish('c', Buffer.from('51'));
    outbox.publish('c', Buffer.from('52'));
    state.online = false;
    outbox.publish('c', Buffer.from('53'));
    // ioredis rejects what it had not written yet (its offline queue) before what it had written: 52 fails before 51.
    await settle('c:52', false);
    await settle('c:51', false);
    await settle('d:50', false);
    expect([outbox.size, outbox.inFlight, outbox.lost]).toEqual([4, 0, 0]);
    sent.length = 0;
    state.online = true;
    expect(outbox.flush()).toBe(4);
    expect(sent).toEqual(['d:50', 'c:51', 'c:52', 'c:53']);
  });

  it('counts a publish that fails while Redis is reachable as lost: it is not held', async () => {
    const { outbox, state, settle } = outboxOf(10);
    state.online = true;
    outbox.publish('c', Buffer.from('1'));
    await settle('c:1', false);
    expect([outbox.size, outbox.pending, outbox.lost, outbox.lostTotal]).toEqual([0, 0, 1, 1]);
  });
});
