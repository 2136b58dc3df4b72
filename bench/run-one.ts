import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Contender } from './contenders';
import type { GeneratorCommand, GeneratorEvent, LoadResult } from './load/generator-messages';
import type { LoadConfig } from './load/load-config';
import type { BenchOptions } from './options';
import { cpuTime, processTree, rssKiB } from './proc/process-tree';
import { BENCH_ROOM, READY_LINE } from './servers/server-support';
import { TS_HOOK, fileLimitFor, freePort, killTree, signalTree, sleep, spawnNode, tail, waitForLine } from './support/processes';
import { callsBetween, commandCalls, type BenchRedis, type CommandCalls } from './support/redis';

/** Everything measured in one run of one server at one C. */
export interface RunRecord {
  readonly contender: string;
  readonly clients: number;
  readonly rep: number;
  readonly startedAt: string;
  /** Set when the run could not finish; the figures are then absent. */
  readonly error?: string;
  readonly serverProcesses?: number;
  readonly rssBeforeKiB?: number;
  readonly rssAfterKiB?: number;
  readonly memKiBPerConnection?: number;
  /** Server process tree CPU (user + system) during the saturation phase. */
  readonly cpuMicros?: number;
  /** The system (kernel) part of `cpuMicros`: on loopback it includes much of the receiving side's TCP work. */
  readonly cpuSystemMicros?: number;
  readonly cpuMicrosPerDelivery?: number;
  /**
   * Server CPU per delivery during the light phase: one message at a time,
   * so nothing can be batched; includes the idle time between messages.
   */
  readonly lightCpuMicrosPerDelivery?: number;
  /** The local redis-server's CPU during the saturation phase, when it runs on this machine. */
  readonly redisCpuMicrosPerDelivery?: number;
  /**
   * Switchboard on Redis: the commands Redis ran during the saturation phase
   * (`INFO commandstats` deltas, the whole server's, so the heartbeats and
   * anything else using that Redis are in them) and the publications sent.
   */
  readonly redisCommands?: { readonly publications: number; readonly calls: CommandCalls };
  readonly deliveriesPerSecond?: number;
  /** Every delivery of every phase arrived, once, in order, and none reached the publisher. */
  readonly complete?: boolean;
  readonly lost?: number;
  readonly load?: LoadResult;
}

/** What a run reports while it goes: a phase name and how far it got. */
export type ProgressListener = (status: string) => void;

interface RunContext {
  readonly options: BenchOptions;
  readonly redis?: BenchRedis;
  readonly redisPrefix: string;
  readonly onProgress: ProgressListener;
}

const GENERATOR = join(__dirname, 'load', 'generator.ts');

/** The load the generator puts on a server with `clients` receivers. */
export function loadConfig(options: BenchOptions, contender: Contender, port: number, clients: number): LoadConfig {
  const { protocol, workers } = contender;
  return {
    origin: `ws://127.0.0.1:${port}`,
    protocol,
    room: BENCH_ROOM,
    receivers: clients,
    threads: options.threads,
    addresses: options.addresses,
    connectConcurrency: 64,
    serverNodes: workers,
    handshakeTimeoutMs: 15_000,
    warmupMessages: Math.max(options.window * 2, Math.ceil(options.warmupDeliveries / clients)),
    messages: Math.max(20, Math.ceil(options.deliveries / clients)),
    window: options.window,
    lightMessages: options.lightMessages,
    lightIntervalMs: options.lightIntervalMs,
    stallTimeoutMs: 10_000,
  };
}

/** The generator process, driven one step at a time. */
class Generator {
  private readonly queue: GeneratorEvent[] = [];
  private wake?: () => void;
  private exited?: string;
  readonly output: () => string;

  constructor(
    readonly child: ChildProcess,
    private readonly onProgress: ProgressListener,
  ) {
    this.output = tail(child);
    child.on('message', (event: GeneratorEvent) => {
      if (event.type === 'progress') return onProgress(`${event.phase} ${event.done}/${event.total}`);
      this.queue.push(event);
      this.wake?.();
    });
    child.once('exit', (code, signal) => {
      this.exited = signal ?? `code ${code}`;
      this.wake?.();
    });
  }

  send(command: GeneratorCommand): void {
    this.child.send(command);
  }

  /** The next event, which must be of `type`. */
  async expect<T extends GeneratorEvent['type']>(type: T, timeoutMs: number): Promise<Extract<GeneratorEvent, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const event = this.queue.shift();
      if (event?.type === type) return event as Extract<GeneratorEvent, { type: T }>;
      if (event?.type === 'failed') throw new Error(`load generator: ${event.error}`);
      if (event) throw new Error(`load generator sent ${event.type} while the bench waited for ${type}`);
      if (this.exited) throw new Error(`load generator exited (${this.exited}) before ${type}:\n${this.output()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`load generator sent no ${type} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}

/** Runs a full GC in every server process and gives it time to finish. */
async function collectGarbage(tree: readonly number[]): Promise<void> {
  signalTree(tree, 'SIGUSR2');
  await sleep(400);
}

/** Settles, collects garbage in every server process, and reads the tree's resident memory. */
async function settledRss(pid: number): Promise<number> {
  await sleep(300);
  await collectGarbage(processTree(pid));
  return rssKiB(processTree(pid));
}

function redisCpu(redis: BenchRedis | undefined): number | undefined {
  if (redis?.pid === undefined) return undefined;
  const { user, system } = cpuTime([redis.pid]);
  return user + system;
}

/**
 * One run: starts the server in its own process tree, measures its memory
 * idle and with C connections, drives the load generator through warm-up,
 * saturation and light load, reads the tree's CPU around saturation, and
 * stops everything. Never throws: a failure is recorded in `error`.
 */
export async function runOne(contender: Contender, clients: number, rep: number, context: RunContext): Promise<RunRecord> {
  const base = { contender: contender.id, clients, rep, startedAt: new Date().toISOString() };
  const { options, redis, onProgress } = context;
  let server: ChildProcess | undefined;
  let generator: Generator | undefined;
  try {
    const files = fileLimitFor(clients + 1000);
    const port = await freePort();
    onProgress('starting server');
    const profile = options.profile
      ? ['--cpu-prof', `--cpu-prof-dir=${join(options.outDir, 'profiles', `${contender.id}-C${clients}-rep${rep}`)}`]
      : [];
    server = spawnNode(['--expose-gc', ...profile, '-r', TS_HOOK, contender.entry], {
      files,
      env: {
        ...contender.env,
        PORT: String(port),
        ...(redis ? { REDIS_URL: redis.url, REDIS_PREFIX: context.redisPrefix } : {}),
      },
    });
    const serverOutput = tail(server);
    await waitForLine(server, READY_LINE, 60_000, serverOutput);
    const pid = server.pid!;
    onProgress('memory, idle');
    const rssBeforeKiB = await settledRss(pid);

    const config = loadConfig(options, contender, port, clients);
    generator = new Generator(spawnNode(['-r', TS_HOOK, GENERATOR], { files, ipc: true }), onProgress);
    generator.send({ type: 'start', config });
    const joined = await generator.expect('joined', 60_000 + clients * 20);
    onProgress('memory, connected');
    const rssAfterKiB = await settledRss(pid);
    const tree = processTree(pid);

    generator.send({ type: 'next' });
    await generator.expect('warmed', 120_000);
    // Each phase starts with the garbage of the one before collected, so no phase pays for another's GC.
    await collectGarbage(tree);
    const countCommands = redis !== undefined && contender.needsRedis && contender.protocol === 'switchboard';
    const callsBefore = countCommands ? await commandCalls(redis.url) : undefined;
    const cpuBefore = cpuTime(tree);
    const redisBefore = redisCpu(redis);
    generator.send({ type: 'next' });
    await generator.expect('saturated', 300_000);
    const cpuAfter = cpuTime(tree);
    const cpuSystem = cpuAfter.system - cpuBefore.system;
    const cpu = cpuAfter.user - cpuBefore.user + cpuSystem;
    const redisAfter = redisCpu(redis);
    const callsAfter = countCommands ? await commandCalls(redis.url) : undefined;
    await collectGarbage(tree);
    const lightBefore = cpuTime(tree);
    generator.send({ type: 'next' });
    await generator.expect('paced', 300_000);
    const lightCpu = cpuTime(tree);
    generator.send({ type: 'next' });
    const { result } = await generator.expect('result', 120_000);

    const delivered = result.phases.saturation.delivered;
    const expected = (p: keyof LoadResult['phases']): number => result.phases[p].sent * clients;
    const lost = (['warmup', 'saturation', 'light'] as const).reduce((n, p) => n + expected(p) - result.phases[p].delivered, 0);
    const stalled = Object.values(result.phases).some((p) => p.stalled);
    return {
      ...base,
      serverProcesses: tree.length,
      rssBeforeKiB,
      rssAfterKiB,
      memKiBPerConnection: (rssAfterKiB - rssBeforeKiB) / (clients + 1),
      cpuMicros: cpu,
      cpuSystemMicros: cpuSystem,
      cpuMicrosPerDelivery: delivered > 0 ? cpu / delivered : undefined,
      lightCpuMicrosPerDelivery:
        result.phases.light.delivered > 0
          ? (lightCpu.user + lightCpu.system - lightBefore.user - lightBefore.system) / result.phases.light.delivered
          : undefined,
      redisCpuMicrosPerDelivery:
        redisBefore !== undefined && redisAfter !== undefined && delivered > 0 && contender.needsRedis
          ? (redisAfter - redisBefore) / delivered
          : undefined,
      redisCommands:
        callsBefore && callsAfter
          ? { publications: result.phases.saturation.sent, calls: callsBetween(callsBefore, callsAfter) }
          : undefined,
      deliveriesPerSecond: result.saturationMs > 0 ? delivered / (result.saturationMs / 1000) : undefined,
      complete: !stalled && lost === 0 && result.duplicates === 0 && result.outOfOrder === 0 && result.selfDeliveries === 0,
      lost,
      load: { ...result, nodes: joined.nodes },
    };
  } catch (error) {
    return { ...base, error: (error as Error).message };
  } finally {
    onProgress('stopping');
    if (generator) await killTree(generator.child, 2000);
    if (server) await killTree(server, 3000);
  }
}
