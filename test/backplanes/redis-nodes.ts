import {
  REDIS_BACKPLANE_DEFAULTS,
  REDIS_CLIENT_OPTIONS,
  RealtimeService,
  RedisBackplane,
  type BackplaneStatus,
  type RedisBackplaneOptions,
} from '../../src';
import type { RunningApp } from '../support/test-app';
import { TestClient } from '../support/test-client';
import { eventually } from '../support/wait';
import { startNodeApps } from '../support/two-nodes';
import { Waiters } from '../support/waiters';
import { RedisProxy } from './redis-proxy';

/** The longest ioredis waits between two reconnect attempts with `REDIS_CLIENT_OPTIONS` (its retryStrategy caps the delay). */
export const RECONNECT_MAX_MS = ((): number => {
  const ms = Number(REDIS_CLIENT_OPTIONS.retryStrategy?.(Number.MAX_SAFE_INTEGER));
  if (!Number.isFinite(ms))
    throw new Error('REDIS_CLIENT_OPTIONS.retryStrategy no longer caps the reconnect delay: the Redis tests derive their bounds from it');
  return ms;
})();

/** Time for a few round trips, connection handshakes and a loaded 2-core machine; never what a guarantee is measured by. */
export const SLACK_MS = 1000;

/** How long a node may take to be back after Redis answers again: one reconnect attempt, `peerWait`, slack. */
export const resumeWithin = (peerWait: number = REDIS_BACKPLANE_DEFAULTS.peerWait): number => RECONNECT_MAX_MS + peerWait + SLACK_MS;

/** The backplane status of the node `via` is connected to; answered locally, so it works while Redis is away. */
export async function backplaneStatus(via: TestClient): Promise<BackplaneStatus> {
  return (await via.request('status')).message.backplane as BackplaneStatus;
}

/** Waits until the node `via` is connected to reports its backplane healthy (or not); the error gives its last status and log. */
export async function untilHealthy(via: TestClient, healthy: boolean, ms: number, logs?: LogLines): Promise<void> {
  let last: BackplaneStatus | undefined;
  await eventually(
    async () => (last = await backplaneStatus(via)).healthy === healthy,
    ms,
    () => `the node of ${via.id} reports healthy: ${healthy}; its last status ${JSON.stringify(last)}; its log: ${logs ?? '(not kept)'}`,
  );
}

/** The numbered `seq` frames a client received, in arrival order. */
export const seqOf = (client: TestClient): number[] => client.framesOf('seq').map((f) => f.message as number);

/**
 * What is wrong with `got` against the frames 0 … total-1, each once and in
 * order: empty when nothing is. `mayLose`, when given, names the one frame
 * that may be missing without it being a fault (see its use).
 */
export function sequenceFaults(got: readonly number[], total: number, mayLose: (n: number) => boolean = () => false): string[] {
  const faults: string[] = [];
  const seen = new Set<number>();
  got.forEach((n, i) => {
    if (seen.has(n)) faults.push(`frame ${n} duplicated`);
    else if (i > 0 && n < got[i - 1]) faults.push(`frame ${n} after ${got[i - 1]}: reordered`);
    seen.add(n);
  });
  const lost = Array.from({ length: total }, (_, n) => n).filter((n) => !seen.has(n));
  const excused = lost.length === 1 && mayLose(lost[0]);
  if (lost.length > 0 && !excused) faults.push(`${lost.length} of ${total} frames lost: ${ranges(lost)}`);
  return faults.length > 6 ? [...faults.slice(0, 5), `… and ${faults.length - 5} more`] : faults;
}

function ranges(numbers: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < numbers.length; i++) {
    const start = numbers[i];
    while (i + 1 < numbers.length && numbers[i + 1] === numbers[i] + 1) i++;
    parts.push(start === numbers[i] ? `${start}` : `${start}-${numbers[i]}`);
  }
  return parts.join(', ');
}

/** What a backplane logged, and when. */
export class LogLines {
  readonly entries: { readonly at: number; readonly line: string }[] = [];
  private readonly waiters = new Waiters();
  readonly log = (line: string): void => {
    this.entries.push({ at: Date.now(), line });
    this.waiters.wake();
  };
  readonly warn = this.log;
  readonly error = this.log;

  /** The first line that starts with `start`. */
  find(start: string): { readonly at: number; readonly line: string } | undefined {
    return this.entries.find((e) => e.line.startsWith(start));
  }

  /** The first line that starts with `start`, once there is one; the error shows the log at the timeout. */
  waitFor(start: string, ms: number, what: string): Promise<{ readonly at: number; readonly line: string }> {
    return this.waiters.until(
      () => this.find(start),
      ms,
      () => `${what}; the log so far: ${this}`,
    );
  }

  toString(): string {
    return this.entries.length === 0 ? '(nothing logged)' : this.entries.map((e) => e.line).join(' | ');
  }
}

/**
 * Waits until the node `via` is connected to lists `peer` among the live
 * nodes it would wait for after an outage: at its next heartbeat, within
 * `heartbeatInterval`.
 */
export async function untilKnows(via: TestClient, peer: string, heartbeatInterval: number): Promise<void> {
  let last: BackplaneStatus | undefined;
  await eventually(
    async () => ((last = await backplaneStatus(via)).peers ?? []).includes(peer),
    heartbeatInterval + SLACK_MS,
    () => `the node of ${via.id} knows node ${peer} is alive; its last status ${JSON.stringify(last)}`,
  );
}

/** One node of a test: its backplane's options, and whether its Redis traffic goes through a `RedisProxy` the test can fail. */
export type NodeSpec = Omit<RedisBackplaneOptions, 'publisher' | 'subscriber' | 'prefix' | 'logger' | 'quitClientsOnStop'> & {
  readonly proxied?: boolean;
};

/**
 * Nodes of one deployment as Nest apps in this process, each with its own
 * ioredis pair (`RedisBackplane.fromUrl`), started in order under one prefix.
 * `close()` stops the clients, nodes and proxies they were given.
 */
export class RedisNodes {
  private readonly clients: TestClient[] = [];

  private constructor(
    readonly apps: readonly RunningApp[],
    readonly backplanes: readonly RedisBackplane[],
    readonly logs: readonly LogLines[],
    private readonly proxies: readonly (RedisProxy | undefined)[],
  ) {}

  static async start(redisUrl: string, prefix: string, specs: readonly NodeSpec[]): Promise<RedisNodes> {
    const proxies = await Promise.all(specs.map((spec) => (spec.proxied ? RedisProxy.start(redisUrl) : undefined)));
    const logs = specs.map(() => new LogLines());
    const backplanes = specs.map(({ proxied: _, ...options }, i) =>
      RedisBackplane.fromUrl(proxies[i]?.url ?? redisUrl, { ...options, prefix, logger: logs[i] }),
    );
    try {
      return new RedisNodes(await startNodeApps(backplanes), backplanes, logs, proxies);
    } catch (error) {
      await Promise.all(proxies.map((proxy) => proxy?.stop()));
      throw error;
    }
  }

  nodeId(node: number): string {
    return this.backplanes[node].nodeId;
  }

  /** The relay between `node` and Redis; only for nodes started `proxied`. */
  proxy(node: number): RedisProxy {
    const proxy = this.proxies[node];
    if (!proxy) throw new Error(`node ${node} was not started with proxied: true`);
    return proxy;
  }

  /** The realtime service of `node`, for calls whose errors a client would only see as INTERNAL. */
  realtime(node: number): RealtimeService {
    return this.apps[node].app.get(RealtimeService);
  }

  /** A client held by `node`, on `/ws`; closed by `close()`. */
  async connect(node: number): Promise<TestClient> {
    const client = await TestClient.connect(this.apps[node].ws('/ws'));
    this.clients.push(client);
    return client;
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.close()));
    await Promise.all(this.apps.map((a) => a.close()));
    await Promise.all(this.proxies.map((proxy) => proxy?.stop()));
  }
}
