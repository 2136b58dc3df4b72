// The cluster primary's documented lifecycle (README, Cluster mode), with
// real node:cluster workers (test/fixtures/lifecycle-cluster.ts):
// - a worker that dies is restarted after `restartDelay`, doubling for each
//   death within `stableAfter` of its start, up to `maxRestartDelay`; one that
//   lived `stableAfter` restarts after `restartDelay` again;
// - on SIGTERM the primary kills the workers still there after
//   `shutdownTimeout` and exits 1;
// - a second signal kills them at once.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterEvent } from '../../src';
import { forkCluster, type ClusterProcess } from '../support/cluster-process';
import { REPO } from '../support/repo';
import { within } from '../support/wait';

const MAIN = join(REPO, 'test/fixtures/lifecycle-cluster.ts');
/** How late a timer may fire in the primary on a busy 2-core machine; measured: under 10 ms. */
const TIMER_SLACK = 250;
/** How long a worker may take to load and boot the contract app on a busy machine. */
const BOOT_MS = 15_000;

/** The fixture adds when the primary saw each event. */
type Timed<E = ClusterEvent> = E & { readonly at: number };
type EventOf<T extends ClusterEvent['type']> = Timed<Extract<ClusterEvent, { type: T }>>;
type LifecycleCluster = ClusterProcess<Timed>;

function startLifecycleCluster(settings: Record<string, string | number>): LifecycleCluster {
  const cluster = forkCluster<Timed>(MAIN, settings);
  // A test that failed half-way may leave a worker that never drains: SIGKILL ends it without a second failure.
  return { ...cluster, stop: (ms) => cluster.stop(ms).catch(() => undefined) };
}

/** For each 'restarting' event, the delay it announced and how long the primary actually took to fork the next worker. */
function restarts(events: readonly Timed[]): { delay: number; waited: number }[] {
  const out: { delay: number; waited: number }[] = [];
  events.forEach((event, i) => {
    if (event.type !== 'restarting') return;
    const exit = events
      .slice(0, i)
      .reverse()
      .find((e) => e.type === 'exit' && e.slot === event.slot)!;
    const forked = events.slice(i).find((e) => e.type === 'forked' && e.slot === event.slot);
    if (forked) out.push({ delay: event.delay, waited: forked.at - exit.at });
  });
  return out;
}

function expectWaitedAsAnnounced(list: readonly { delay: number; waited: number }[]): void {
  for (const { delay, waited } of list) {
    expect(waited).toBeGreaterThanOrEqual(delay - 2);
    expect(waited).toBeLessThanOrEqual(delay + TIMER_SLACK);
  }
}

describe('restart backoff', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-lifecycle-'));
  const crashFile = join(dir, 'crash');
  let cluster: LifecycleCluster | undefined;
  afterAll(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 20_000);

  it('doubles the delay for each death within stableAfter up to maxRestartDelay, and starts over after a worker that lived stableAfter', async () => {
    const restartDelay = 100;
    const maxRestartDelay = 400;
    // Longer than a worker failing at boot lives (well under a second here), shorter than the test waits for the stable one.
    const stableAfter = 3000;
    writeFileSync(crashFile, '');
    cluster = startLifecycleCluster({
      WORKERS: 1,
      RESTART_DELAY: restartDelay,
      MAX_RESTART_DELAY: maxRestartDelay,
      STABLE_AFTER: stableAfter,
      SHUTDOWN_TIMEOUT: 5000,
      CRASH_FILE: crashFile,
    });

    // Five deaths in a row, each young: 100, 200, 400, then capped at 400.
    await cluster.waitFor('restarting', undefined, BOOT_MS * 2, 4);
    // The sixth worker is forked maxRestartDelay from now, so it finds the file gone and boots.
    rmSync(crashFile);
    await cluster.waitFor('forked', undefined, BOOT_MS, 5);
    const crashing = restarts(cluster.events).slice(0, 5);
    expect(crashing.map((r) => r.delay)).toEqual([100, 200, 400, 400, 400]);
    expectWaitedAsAnnounced(crashing);
    for (const exit of cluster.events.filter((e): e is EventOf<'exit'> => e.type === 'exit')) {
      expect(exit).toMatchObject({ slot: 0, code: 1, signal: null, draining: false });
    }
    expect(cluster.output()).toMatch(/warn worker \d+ died \(code 1\) after \d+ ms; removed its 0 registry entries; restarting in 400 ms/);

    // The next worker boots (the crash file is gone) and lives past stableAfter before it is killed.
    const up = await cluster.waitFor('listening', undefined, BOOT_MS);
    const forked = [...cluster.events].reverse().find((e): e is EventOf<'forked'> => e.type === 'forked' && e.pid === up.pid)!;
    // The documented threshold is the worker's age, so the test lets it age: what is measured, not a wait for an event.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, forked.at + stableAfter + 100 - Date.now())));
    writeFileSync(crashFile, '');
    const before = restarts(cluster.events).length;
    process.kill(up.pid, 'SIGKILL');

    // Starts over: the stable worker's death restarts after restartDelay, then young deaths double again.
    await cluster.waitFor('restarting', undefined, BOOT_MS, 7);
    await cluster.waitFor('forked', undefined, BOOT_MS, 8);
    const after = restarts(cluster.events).slice(before, before + 3);
    expect(after.map((r) => r.delay)).toEqual([100, 100, 200]);
    expectWaitedAsAnnounced(after);
    expect(cluster.output()).toMatch(
      new RegExp(`worker ${up.pid} died \\(SIGKILL\\) after \\d+ ms; removed its 0 registry entries; restarting in 100 ms`),
    );
    const timings = restarts(cluster.events)
      .map((r) => `${r.delay}->${r.waited}`)
      .join(', ');
    process.stdout.write(`[figures] restart backoff: announced delay -> ms from exit to fork: ${timings}\n`);
  }, 60_000);
});

describe('shutdown of a cluster with a worker that does not drain', () => {
  let cluster: LifecycleCluster | undefined;
  afterEach(() => cluster?.stop(), 20_000);

  it('kills the worker still there after shutdownTimeout and exits 1; the worker that drained exits 0', async () => {
    const shutdownTimeout = 1000;
    cluster = startLifecycleCluster({ WORKERS: 2, HANG_SLOTS: '1', SHUTDOWN_TIMEOUT: shutdownTimeout });
    await cluster.waitFor('listening', (e) => e.slot === 0, BOOT_MS);
    const stuck = await cluster.waitFor('listening', (e) => e.slot === 1, BOOT_MS);
    cluster.signal('SIGTERM');

    const draining = await cluster.waitFor('draining', undefined, 5000);
    expect(draining.signal).toBe('SIGTERM');
    expect(await cluster.waitFor('exit', (e) => e.slot === 0, 5000)).toMatchObject({ code: 0, signal: null, draining: true });
    const killed = await cluster.waitFor('exit', (e) => e.slot === 1, shutdownTimeout + 5000);
    expect(killed).toMatchObject({ pid: stuck.pid, code: null, signal: 'SIGKILL', draining: true });
    expect(await within(cluster.exited, 5000, 'the primary to exit')).toEqual({ code: 1, signal: null });
    expect(cluster.events.at(-1)).toMatchObject({ type: 'stopped', killed: 1 });
    const killedAfter = killed.at - draining.at;
    process.stdout.write(
      `[figures] shutdownTimeout ${shutdownTimeout} ms: the stuck worker was killed ${killedAfter} ms after the drain began\n`,
    );
    expect(killedAfter).toBeGreaterThanOrEqual(shutdownTimeout - 2);
    expect(killedAfter).toBeLessThanOrEqual(shutdownTimeout + TIMER_SLACK);
    expect(cluster.output()).toContain(`warn worker ${stuck.pid} did not drain within ${shutdownTimeout} ms; killing it`);
    expect(cluster.output()).toContain('all workers stopped (1 killed); primary exits');
  }, 60_000);

  it('kills the workers at once on a second signal, long before shutdownTimeout, and exits 1', async () => {
    // Long enough that a kill inside this test can only come from the second signal.
    const shutdownTimeout = 30_000;
    cluster = startLifecycleCluster({ WORKERS: 2, HANG_SLOTS: '1', SHUTDOWN_TIMEOUT: shutdownTimeout });
    await cluster.waitFor('listening', (e) => e.slot === 0, BOOT_MS);
    const stuck = await cluster.waitFor('listening', (e) => e.slot === 1, BOOT_MS);
    cluster.signal('SIGTERM');
    await cluster.waitFor('draining', undefined, 5000);
    // The worker that drains is gone; the stuck one would wait out shutdownTimeout.
    await cluster.waitFor('exit', (e) => e.slot === 0, 5000);

    const secondAt = Date.now();
    cluster.signal('SIGINT');
    const killed = await cluster.waitFor('exit', (e) => e.slot === 1, 5000);
    expect(killed).toMatchObject({ pid: stuck.pid, signal: 'SIGKILL', draining: true });
    const exit = await within(cluster.exited, 5000, 'the primary to exit after the second signal');
    process.stdout.write(`[figures] second signal: the stuck worker was killed ${killed.at - secondAt} ms after it\n`);
    expect(killed.at - secondAt).toBeLessThanOrEqual(TIMER_SLACK * 4);
    expect(cluster.output()).toContain('warn SIGINT again: killing the workers now');
    // It did not drain: it was killed, and the primary says so as it does after shutdownTimeout.
    expect(cluster.events.at(-1)).toMatchObject({ type: 'stopped', killed: 1 });
    expect(exit).toEqual({ code: 1, signal: null });
  }, 60_000);
});
