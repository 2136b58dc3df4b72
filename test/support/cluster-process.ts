// A real cluster primary (`runCluster()` in a child process) and the cluster
// events it prints, one line `@@cluster-event <json>` each (the entry scripts
// in test/fixtures: cluster-main.ts, lifecycle-cluster.ts).
import { join } from 'node:path';
import type { ClusterEvent } from '../../src';
import { REPO } from './repo';
import { childEnv, startNode, TS_NODE, type ProcessExit } from './run-process';

const EVENT_LINE = '@@cluster-event ';
/** Log lines a fixture prints with a marker of its own; shown without it. */
const LOG_LINE = '@@cluster-log ';
const CONTRACT_MAIN = join(REPO, 'test/fixtures/cluster-main.ts');

/** A forked cluster primary and the events it reported. */
export interface ClusterProcess<E extends ClusterEvent = ClusterEvent> {
  readonly pid: number;
  /** Every event so far, in order. */
  readonly events: E[];
  readonly exited: Promise<ProcessExit>;
  /** The `nth` (0-based) event of `type` that matches, past or future; fails once the primary is gone. */
  waitFor<T extends E['type']>(
    type: T,
    match?: (event: Extract<E, { type: T }>) => boolean,
    ms?: number,
    nth?: number,
  ): Promise<Extract<E, { type: T }>>;
  /** What the processes printed besides the events, for assertions and failure messages. */
  output(): string;
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM, then waits for the primary to exit (SIGKILL after `ms`, and a failure). */
  stop(ms?: number): Promise<void>;
  /** SIGKILL: the last resort of a test that failed half-way. */
  kill(): void;
}

/**
 * Starts `node <script>` (TypeScript) in the repository with `settings` added
 * to its environment (those `undefined` left out; REDIS_URL only when given)
 * and returns at once: nothing is waited for.
 */
export function forkCluster<E extends ClusterEvent = ClusterEvent>(
  script: string,
  settings: Record<string, string | number | undefined> = {},
): ClusterProcess<E> {
  const env = childEnv();
  delete env.REDIS_URL;
  for (const [name, value] of Object.entries(settings)) if (value !== undefined) env[name] = String(value);
  const primary = startNode([...TS_NODE, script], { env });
  const events: E[] = [];
  let log = '';
  primary.onStdoutLine((line) => {
    if (line.startsWith(EVENT_LINE)) events.push(JSON.parse(line.slice(EVENT_LINE.length)) as E);
    else log += `${line.startsWith(LOG_LINE) ? line.slice(LOG_LINE.length) : line}\n`;
  });
  return {
    pid: primary.pid,
    events,
    exited: primary.exited,
    waitFor: (type, match = () => true, ms = 10_000, nth = 0) => {
      type Found = Extract<E, { type: typeof type }>;
      return primary.until(
        () => events.filter((e): e is Found => e.type === type && match(e as Found))[nth],
        ms,
        `"${type}" cluster event #${nth + 1}`,
      );
    },
    output: () => `${log}${primary.stderr}`,
    signal: (signal) => primary.signal(signal),
    stop: async (ms = 8000) => {
      await primary.stop(ms);
    },
    kill: () => primary.kill(),
  };
}

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

/** A cluster of the contract app (test/fixtures/cluster-main.ts) whose workers listen. */
export interface ContractCluster extends ClusterProcess {
  readonly port: number;
  /** `ws://127.0.0.1:<port><path>` */
  ws(path?: string): string;
}

/** Forks a cluster primary running the contract app and waits until every worker listens. */
export async function startCluster(run: ClusterRun = {}): Promise<ContractCluster> {
  const workers = run.workers ?? 2;
  const cluster = forkCluster(CONTRACT_MAIN, {
    WORKERS: workers,
    REDIS_URL: run.redisUrl,
    REDIS_PREFIX: run.prefix,
    HEARTBEAT_INTERVAL: run.heartbeatInterval,
    HEARTBEAT_TTL: run.heartbeatTtl,
    PORT: run.port ?? 0,
  });
  try {
    for (let slot = 0; slot < workers; slot++) await cluster.waitFor('listening', (e) => e.slot === slot, 15_000);
  } catch (error) {
    cluster.kill();
    throw error;
  }
  const { port } = await cluster.waitFor('listening');
  return { ...cluster, port, ws: (path = '/ws') => `ws://127.0.0.1:${port}${path}` };
}
