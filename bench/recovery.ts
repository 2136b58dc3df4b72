// `npm run bench -- --recovery`: what it takes to give 1,000 reconnecting
// clients the 1,000 frames each missed (issue #13). For each Switchboard
// server with a history room (1 process, 2 workers on IPC, 2 workers on
// Redis): N clients join the room and keep the position (epoch, offset) and
// connection id the join gave them, then all disconnect; a publisher sends M
// frames of about 100 bytes; then all N reconnect at once and rejoin `since`
// their position (`previous`: their old id). Measured from the first
// reconnect until every client has all M frames (each checked: offsets
// since+1 … top, in order, the right payload, nothing else), and the server
// tree's CPU over the same span.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Contender } from './contenders';
import type { RecoveryCommand, RecoveryEvent, RecoveryReport, RecoveryThreadData } from './load/recovery-thread';
import { makePayload, nowUs } from './load/payload';
import type { BenchOptions } from './options';
import { cpuTime, processTree } from './proc/process-tree';
import { switchboardProtocol } from './protocols/switchboard.protocol';
import { BENCH_HISTORY, BENCH_ROOM, READY_LINE } from './servers/server-support';
import { TS_HOOK, fileLimitFor, freePort, killTree, signalTree, sleep, spawnNode, tail, waitForLine } from './support/processes';
import { forEachHistoryContender } from './support/history-contenders';
import type { BenchRedis } from './support/redis';
import { joinHistoryRoom, offsetOf, openSwitchboardClient } from './support/switchboard-client';

type RecoveryOptions = Pick<
  BenchOptions,
  'servers' | 'threads' | 'addresses' | 'redisUrl' | 'recoveryClients' | 'recoveryMissed' | 'recoveryReps' | 'profile' | 'outDir'
>;

const TIMEOUT_MS = 120_000;
/** Publications in flight while the missed frames are sent. */
const WINDOW = 10;

/** One run of the scenario on one server. */
interface RecoveryRun {
  readonly label: string;
  readonly error?: string;
  readonly clients?: number;
  readonly missed?: number;
  /** From the first reconnect until every client had all it missed, ms. */
  readonly allRecoveredMs?: number;
  /** Until every client had its `connected` frame, and its joinRoom reply, ms. */
  readonly allConnectedMs?: number;
  readonly allRepliedMs?: number;
  /** Per client, until it had everything: p50 / p99, ms. */
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  /** Server tree CPU (user + system) over that span, ms. */
  readonly serverCpuMs?: number;
  readonly redisCpuMs?: number;
  readonly recovered?: number;
  readonly complete?: number;
  /** Rejoins refused with INTERNAL (the backplane did not answer in time) and retried. */
  readonly refused?: number;
  /** Clients refused at least once: without retrying, these would not have recovered. */
  readonly refusedClients?: number;
  readonly problems?: readonly string[];
}

/** The scenario's client threads, each answering one event per command. */
class ClientThreads {
  private readonly workers: Worker[] = [];

  constructor(url: string, clients: number, threads: number, addresses: number) {
    let first = 0;
    for (let t = 0; t < threads; t++) {
      const count = Math.floor(clients / threads) + (t < clients % threads ? 1 : 0);
      const data: RecoveryThreadData = { url, room: BENCH_ROOM, first, count, addresses, timeoutMs: TIMEOUT_MS };
      this.workers.push(new Worker(join(__dirname, 'load', 'recovery-thread.js'), { workerData: data }));
      first += count;
    }
  }

  /** Sends `command` to every thread and waits for each one's `type` event. */
  ask<T extends RecoveryEvent['type']>(command: RecoveryCommand, type: T): Promise<Extract<RecoveryEvent, { type: T }>[]> {
    return Promise.all(
      this.workers.map(
        (worker) =>
          new Promise<Extract<RecoveryEvent, { type: T }>>((resolve, reject) => {
            const timer = setTimeout(() => done(new Error(`client thread sent no ${type} within ${TIMEOUT_MS} ms`)), TIMEOUT_MS + 5000);
            const onMessage = (event: RecoveryEvent): void => {
              if (event.type === 'failed') done(new Error(`client thread: ${event.error}`));
              else if (event.type === type) done(undefined, event as Extract<RecoveryEvent, { type: T }>);
            };
            const onError = (error: Error): void => done(error);
            const done = (error?: Error, event?: Extract<RecoveryEvent, { type: T }>): void => {
              clearTimeout(timer);
              worker.off('message', onMessage);
              worker.off('error', onError);
              if (error) reject(error);
              else resolve(event!);
            };
            worker.on('message', onMessage);
            worker.once('error', onError);
            worker.postMessage(command);
          }),
      ),
    );
  }

  terminate(): Promise<number[]> {
    return Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
const cpuMs = (pids: readonly number[]): number => {
  const { user, system } = cpuTime(pids);
  return (user + system) / 1000;
};

/** Publishes `count` frames to the room and waits until a member (the probe) has them all; returns the top offset. */
async function publishMissed(url: string, count: number): Promise<{ base: number; top: number }> {
  const probe = await openSwitchboardClient(url, 15_000);
  const { offset: base } = await joinHistoryRoom(probe, BENCH_ROOM);
  probe.steps.done();
  const top = base + count;
  let last = base;
  const all = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the probe had ${last - base} of ${count} publications after ${TIMEOUT_MS} ms`)),
      TIMEOUT_MS,
    );
    probe.socket.on('message', (frame: Buffer) => {
      const offset = offsetOf(frame);
      if (offset === undefined) return;
      if (offset !== last + 1) reject(new Error(`the probe got offset ${offset} after ${last}`));
      last = offset;
      if (last === top) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const publisher = await openSwitchboardClient(url, 15_000);
  publisher.steps.done();
  // A window of WINDOW frames: the server refuses frames past a few dozen waiting on one connection.
  for (let seq = 0; seq < count; seq++) {
    while (seq - (last - base) >= WINDOW) await Promise.race([all, sleep(1)]);
    publisher.socket.send(switchboardProtocol.publishFrame(BENCH_ROOM, makePayload(seq)));
  }
  await all;
  publisher.socket.close();
  probe.socket.close();
  return { base, top };
}

async function runOnce(
  contender: Contender,
  rep: number,
  options: RecoveryOptions,
  redis: BenchRedis | undefined,
  prefix: string,
): Promise<RecoveryRun> {
  const { label } = contender;
  const clients = options.recoveryClients;
  const missed = options.recoveryMissed;
  const port = await freePort();
  const url = `ws://127.0.0.1:${port}${switchboardProtocol.path}`;
  let server: ChildProcess | undefined;
  let threads: ClientThreads | undefined;
  try {
    const profile = options.profile
      ? ['--cpu-prof', `--cpu-prof-dir=${join(options.outDir, 'profiles', `recovery-${contender.id}-rep${rep}`)}`]
      : [];
    server = spawnNode(['--expose-gc', ...profile, '-r', TS_HOOK, contender.entry], {
      files: fileLimitFor(2 * clients + 1000),
      env: { ...contender.env, PORT: String(port), ...(redis ? { REDIS_URL: redis.url, REDIS_PREFIX: prefix } : {}) },
    });
    const output = tail(server);
    await waitForLine(server, READY_LINE, 60_000, output);
    threads = new ClientThreads(url, clients, Math.max(1, Math.min(options.threads, clients)), options.addresses);
    console.error(`recovery: ${label}: ${clients} clients join ${BENCH_ROOM}`);
    const joined = await threads.ask({ type: 'join' }, 'joined');
    const epochs = new Set(joined.flatMap((j) => j.epochs));
    if (epochs.size !== 1) throw new Error(`the clients were given ${epochs.size} epochs for one room`);
    await threads.ask({ type: 'close' }, 'closed');
    console.error(`recovery: ${label}: all disconnected; publishing ${missed} frames`);
    const { base, top } = await publishMissed(url, missed);
    if (joined.some((j) => j.offsets.some((o) => o !== base))) throw new Error(`the clients joined at offsets other than ${base}`);
    const tree = processTree(server.pid!);
    signalTree(tree, 'SIGUSR2');
    await sleep(500);
    console.error(`recovery: ${label}: ${clients} clients reconnect at once and rejoin since offset ${base}`);
    const cpuBefore = cpuMs(tree);
    const redisBefore = redis?.pid === undefined ? undefined : cpuMs([redis.pid]);
    const startUs = nowUs();
    const reports: RecoveryReport[] = (await threads.ask({ type: 'rejoin', top, base }, 'recovered')).map((e) => e.report);
    const serverCpuMs = cpuMs(tree) - cpuBefore;
    const redisCpuMs = redisBefore === undefined ? undefined : cpuMs([redis!.pid!]) - redisBefore;
    const since = (pick: (r: RecoveryReport) => readonly number[]): number[] =>
      reports.flatMap((r) => pick(r).map((us) => (us - startUs) / 1000)).sort((a, b) => a - b);
    const done = since((r) => r.doneUs);
    const connected = since((r) => r.connectedUs);
    const replied = since((r) => r.repliedUs);
    const sum = (pick: (r: RecoveryReport) => number): number => reports.reduce((n, r) => n + pick(r), 0);
    const complete = sum((r) => r.complete);
    return {
      label,
      clients,
      missed,
      allRecoveredMs: complete === clients ? Math.max(...done) : undefined,
      allConnectedMs: connected.every(Number.isFinite) ? Math.max(...connected) : undefined,
      allRepliedMs: replied.every(Number.isFinite) ? Math.max(...replied) : undefined,
      p50Ms: complete === clients ? percentile(done, 50) : undefined,
      p99Ms: complete === clients ? percentile(done, 99) : undefined,
      serverCpuMs,
      redisCpuMs,
      recovered: sum((r) => r.recovered),
      complete,
      refused: sum((r) => r.refused),
      refusedClients: sum((r) => r.refusedClients),
      problems: reports.flatMap((r) => r.problems),
    };
  } catch (error) {
    return { label, error: (error as Error).message.split('\n')[0] };
  } finally {
    await threads?.terminate();
    if (server) await killTree(server, 3000);
  }
}

const ms = (value: number | undefined, digits = 0): string =>
  value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);

function printTable(runs: readonly RecoveryRun[], clients: number, missed: number): void {
  console.log(
    `\n## Recovery: ${clients} clients reconnect at once, each rejoins since its position and gets the ${missed} frames it missed\n`,
  );
  console.log(
    '| server | all recovered, ms | per client p50 / p99, ms | all connected / all replied, ms | server CPU, ms | server CPU µs / recovered frame | + Redis CPU, ms | clients refused at first / rejoins retried | recovered / complete | problems |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const run of runs) {
    if (run.error) {
      console.log(`| ${run.label} | FAILED: ${run.error} | | | | | | | | |`);
      continue;
    }
    const frames = run.clients! * run.missed!;
    const cells = [
      run.label,
      ms(run.allRecoveredMs),
      `${ms(run.p50Ms)} / ${ms(run.p99Ms)}`,
      `${ms(run.allConnectedMs)} / ${ms(run.allRepliedMs)}`,
      ms(run.serverCpuMs),
      run.serverCpuMs === undefined ? '–' : ((run.serverCpuMs * 1000) / frames).toFixed(2),
      ms(run.redisCpuMs),
      `${run.refusedClients} / ${run.refused}`,
      `${run.recovered} / ${run.complete} of ${run.clients}`,
      run.problems?.length ? run.problems.slice(0, 3).join('; ') : 'none',
    ];
    console.log(`| ${cells.join(' | ')} |`);
  }
  console.log(
    `\nTimes from the first reconnect. A client is complete when it had offsets since+1 … top, once each, in order, ` +
      `each with the payload published under it, and nothing else. A rejoin refused with INTERNAL ("the backplane did not answer … try again") ` +
      `is sent again on the same connection after 100, 200, 400 … ms (at most 2 s, randomised), up to 20 times; "all replied" is each client's last reply. ` +
      `History: ${BENCH_HISTORY.size} frames, ${BENCH_HISTORY.ttl / 1000} s.`,
  );
}

/** Runs the scenario on each history server (`--servers` picks among them) and prints its table. */
export async function runRecovery(options: RecoveryOptions): Promise<void> {
  if (options.recoveryMissed > BENCH_HISTORY.size) {
    throw new Error(`--recovery-missed ${options.recoveryMissed}: the history keeps ${BENCH_HISTORY.size}, so no more can be recovered`);
  }
  const prefix = `sbbench:recovery-${process.pid}-${Date.now().toString(36)}:`;
  const runs: RecoveryRun[] = await forEachHistoryContender(
    options.servers,
    options.redisUrl,
    prefix,
    async (contender, redis, rep) => {
      const run = await runOnce(contender, rep, options, redis, `${prefix}${rep}:`);
      console.error(
        `recovery: ${contender.label}: ${run.error ? `FAILED: ${run.error}` : `all recovered in ${ms(run.allRecoveredMs)} ms, server CPU ${ms(run.serverCpuMs)} ms`}`,
      );
      return run;
    },
    options.recoveryReps,
  );
  printTable(runs, options.recoveryClients, options.recoveryMissed);
  if (runs.some((r) => r.error || r.complete !== r.clients)) process.exitCode = 1;
}
