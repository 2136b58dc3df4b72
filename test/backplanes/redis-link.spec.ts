// RedisLink and PubSubProbe on their own, on fake timers and a recording
// logger (the real Redis outages and stalls: redis-outage, redis-stall): what
// each state change logs, how long an outage lasted, what the status says,
// and which probe ends a stall.
import { RedisLink } from '../../src/backplanes/redis-link';
import { PubSubProbe } from '../../src/backplanes/redis-probe';

describe('RedisLink', () => {
  const start = Date.parse('2026-12-03T10:00:00.000Z');
  let warnings: string[];
  let link: RedisLink;
  beforeEach(() => {
    jest.useFakeTimers({ now: start });
    warnings = [];
    link = new RedisLink({ warn: (message: string) => warnings.push(message) }, 1000);
  });
  afterEach(() => jest.useRealTimers());

  it('starts offline and not stalled, and a restore before any outage lasted 0 ms', () => {
    expect({ online: link.online, stalled: link.stalled }).toEqual({ online: false, stalled: false });
    expect(link.restored()).toBe(0);
    expect({ online: link.online, stalled: link.stalled }).toEqual({ online: true, stalled: false });
  });

  it('goes down once per outage, with the last error in the log and the status, and says how long it lasted', () => {
    link.restored();
    link.lastError = 'connect ECONNREFUSED 127.0.0.1:6379';
    link.lost();
    link.lost();
    expect(link.online).toBe(false);
    expect(warnings).toEqual([
      'Redis unreachable (connect ECONNREFUSED 127.0.0.1:6379): cross-node delivery paused, local delivery continues; reconnecting',
    ]);
    jest.advanceTimersByTime(2500);
    expect(link.detail(3, 1)).toBe(
      'Redis unreachable since 2026-12-03T10:00:00.000Z (connect ECONNREFUSED 127.0.0.1:6379); 3 messages waiting, 1 lost',
    );
    expect(link.restored()).toBe(2500);
    expect(link.online).toBe(true);
  });

  it('logs an outage without an error as such, and the status without a time before any outage', () => {
    expect(link.detail(0, 0)).toBe('Redis unreachable; 0 messages waiting, 0 lost');
    link.restored();
    link.lost();
    expect(warnings).toEqual(['Redis unreachable: cross-node delivery paused, local delivery continues; reconnecting']);
  });

  it('stalls once, reports the probe bound, and a drop during a stall turns it into an outage', () => {
    link.restored();
    link.stall();
    link.stall();
    expect({ online: link.online, stalled: link.stalled }).toEqual({ online: false, stalled: true });
    expect(warnings).toEqual([
      'Redis stopped answering: a pub/sub probe did not come back within 1000 ms; cross-node delivery paused, local delivery continues, publishes held',
    ]);
    jest.advanceTimersByTime(1200);
    expect(link.detail(5, 0)).toBe(
      'Redis stopped answering (no probe back within 1000 ms) since 2026-12-03T10:00:00.000Z; 5 messages waiting, 0 lost',
    );
    // Already offline: the drop logs nothing more, but it is an outage now, not a stall.
    link.lost();
    expect(link.stalled).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(link.restored()).toBe(1200);
    expect(link.stalled).toBe(false);
  });

  it('does not stall while offline, and a restore clears the time it went down', () => {
    link.stall();
    expect({ stalled: link.stalled, warnings }).toEqual({ stalled: false, warnings: [] });
    link.restored();
    link.lost();
    jest.advanceTimersByTime(100);
    link.restored();
    expect(link.detail(0, 0)).toBe('Redis unreachable; 0 messages waiting, 0 lost');
  });
});

describe('PubSubProbe', () => {
  let sent: string[];
  let stalls: number;
  let probe: PubSubProbe;
  beforeEach(() => {
    jest.useFakeTimers();
    sent = [];
    stalls = 0;
    probe = new PubSubProbe(
      async (payload) => void sent.push(payload),
      1000,
      () => stalls++,
    );
  });
  afterEach(() => jest.useRealTimers());

  it('numbers its probes, sends one at a time, and a probe back in time ends the wait', () => {
    expect(probe.pending).toBe(false);
    probe.ping();
    probe.ping();
    expect(sent).toEqual(['1']);
    expect(probe.pending).toBe(true);
    expect(probe.received('1')).toBe(true);
    expect(probe.pending).toBe(false);
    jest.advanceTimersByTime(5000);
    expect(stalls).toBe(0);
    probe.ping();
    expect(sent).toEqual(['1', '2']);
  });

  it('calls a stall once when the probe is not back within the timeout, and sends no other meanwhile', () => {
    probe.ping();
    jest.advanceTimersByTime(999);
    expect(stalls).toBe(0);
    jest.advanceTimersByTime(1);
    expect(stalls).toBe(1);
    probe.ping();
    jest.advanceTimersByTime(10_000);
    expect({ sent, stalls }).toEqual({ sent: ['1'], stalls: 1 });
    // The late probe still ends the wait; the next one goes out.
    expect(probe.received('1')).toBe(true);
    probe.ping();
    expect(sent).toEqual(['1', '2']);
  });

  it('ignores a probe that is not the one awaited, and one that comes back after a reset', () => {
    expect(probe.received('1')).toBe(false);
    probe.ping();
    expect(probe.received('7')).toBe(false);
    expect(probe.pending).toBe(true);
    probe.reset();
    expect(probe.received('1')).toBe(false);
    jest.advanceTimersByTime(5000);
    expect(stalls).toBe(0);
  });

  it('does not throw when the publish fails: the connection drop is reported elsewhere', async () => {
    const failing = new PubSubProbe(
      () => Promise.reject(new Error('Connection is closed.')),
      1000,
      () => stalls++,
    );
    failing.ping();
    await Promise.resolve();
    expect(failing.pending).toBe(true);
  });
});
