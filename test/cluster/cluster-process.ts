import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ClusterEvent } from '../../src';
import { within } from '../support/wait';

const ROOT = join(__dirname, '../..');
/** Compiles the TypeScript fixtures on load, decorator metadata included, as jest's swc transform does. */
const TS_HOOK = '@swc-node/register';
const MAIN = join(ROOT, 'test/fixtures/cluster-main.ts');
const EVENT_LINE = '@@cluster-event ';

/** Options of `startCluster()`. */
export interface ClusterRun {
  readonly workers?: number;
  /** Redis URL for the Redis backplane; without it the workers use cluster IPC. */
  readonly redisUrl?: string;
  readonly prefix?: string;
  readonly heartbeatInterval?: number;
  readonly heartbeatTtl?: number;
  /** A fixed port; default 0 (any). A cluster whose every worker died listens anew, so only a fixed port survives that. */
  readonly port?: number;
}

/** A forked cluster primary (test/fixtures/cluster-main.ts) and what it reported. */
export interface ClusterProcess {
  readonly port: number;
  readonly pid: number;
  readonly events: ClusterEvent[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** `ws://127.0.0.1:<port><path>` */
  ws(path?: string): string;
  /** The first event, past or future, that matches. */
  waitFor<T extends ClusterEvent['type']>(
    type: T,
    match?: (event: Extract<ClusterEvent, { type: T }>) => boolean,
    ms?: number,
  ): Promise<Extract<ClusterEvent, { type: T }>>;
  /** What the processes printed, for failure messages. */
  output(): string;
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM, then waits for the primary to exit (SIGKILL after `ms`). */
  stop(ms?: number): Promise<void>;
}

/** Forks a cluster primary running the contract app and waits until every worker listens. */
export async function startCluster(run: ClusterRun = {}): Promise<ClusterProcess> {
  const workers = run.workers ?? 2;
  const env: NodeJS.ProcessEnv = { ...process.env, WORKERS: String(workers) };
  delete env.REDIS_URL;
  if (run.redisUrl) env.REDIS_URL = run.redisUrl;
  if (run.prefix) env.REDIS_PREFIX = run.prefix;
  if (run.heartbeatInterval) env.HEARTBEAT_INTERVAL = String(run.heartbeatInterval);
  if (run.heartbeatTtl) env.HEARTBEAT_TTL = String(run.heartbeatTtl);
  env.PORT = String(run.port ?? 0);
  const child = spawn(process.execPath, ['-r', TS_HOOK, MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const events: ClusterEvent[] = [];
  const waiters: (() => void)[] = [];
  let log = '';
  let pending = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith(EVENT_LINE)) events.push(JSON.parse(line.slice(EVENT_LINE.length)) as ClusterEvent);
      else log += `${line}\n`;
    }
    waiters.splice(0).forEach((wake) => wake());
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
      waiters.splice(0).forEach((wake) => wake());
    }),
  );

  const waitFor: ClusterProcess['waitFor'] = (type, match = () => true, ms = 10_000) => {
    type E = Extract<ClusterEvent, { type: typeof type }>;
    const find = (): E | undefined => events.find((e): e is E => e.type === type && match(e as E));
    const found = new Promise<E>((resolve, reject) => {
      const check = (): void => {
        const hit = find();
        if (hit) return resolve(hit);
        if (child.exitCode !== null || child.signalCode !== null) return reject(new Error(`the cluster exited before a "${type}" event`));
        waiters.push(check);
      };
      check();
    });
    return within(found, ms, () => `a "${type}" cluster event; events so far: ${JSON.stringify(events)}; output:\n${log}`);
  };

  const stop = async (ms = 8000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    try {
      await within(exited, ms, 'the cluster primary to exit after SIGTERM');
    } catch (error) {
      killGroup(child);
      throw error;
    }
  };

  try {
    for (let slot = 0; slot < workers; slot++) await waitFor('listening', (e) => e.slot === slot, 15_000);
  } catch (error) {
    killGroup(child);
    throw error;
  }
  const port = events.find((e): e is Extract<ClusterEvent, { type: 'listening' }> => e.type === 'listening')!.port;
  return {
    port,
    pid: child.pid!,
    events,
    exited,
    ws: (path = '/ws') => `ws://127.0.0.1:${port}${path}`,
    waitFor,
    output: () => log,
    signal: (signal) => child.kill(signal),
    stop,
  };
}

/** Last resort for a test that failed half-way: kill the primary and the workers it reported. */
function killGroup(child: ChildProcess): void {
  child.kill('SIGKILL');
}
