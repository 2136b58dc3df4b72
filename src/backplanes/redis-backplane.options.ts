import { BootErrorCode, SwitchboardBootError } from '../protocol/switchboard-error';
import type { BackplaneOptions } from './backplane';
import type { LoggerService } from '@nestjs/common';
import type { Redis, RedisOptions } from 'ioredis';

/** Options of `RedisBackplane`. */
export interface RedisBackplaneOptions extends BackplaneOptions {
  /** Runs the registry commands and publishes. Do not set ioredis' `keyPrefix` on it; use `prefix`. */
  readonly publisher: Redis;
  /** Used for SUBSCRIBE only (a subscribed connection can run nothing else). */
  readonly subscriber: Redis;
  /** Put before every key and channel, so deployments can share one Redis. Default `switchboard:`. */
  readonly prefix?: string;
  /** How often this node renews its heartbeat and reaps dead nodes, in ms. Default 1 000. */
  readonly heartbeatInterval?: number;
  /**
   * How long a heartbeat lives, in ms; more than twice `heartbeatInterval`.
   * A node that stops renewing it is reaped (its connections and room
   * memberships removed) by a survivor within `heartbeatTtl +
   * heartbeatInterval`. A node reaps only while it beat itself within
   * `heartbeatTtl - heartbeatInterval` by Redis' clock, so a Redis that
   * stalled (every heartbeat expired at once) gets no reaping. Default 3 000.
   */
  readonly heartbeatTtl?: number;
  /**
   * How long the pub/sub probe may take, in ms. Every `heartbeatInterval`
   * the node publishes a probe to itself; one that does not come back in
   * time marks Redis stalled (a paused, stopped or swamped Redis keeps its
   * connections open): the node turns unhealthy and holds publishes as in
   * an outage until the probe is back. Default 1 000.
   */
  readonly probeTimeout?: number;
  /**
   * How long a registry call waits for Redis, in ms. Past it, a read is
   * answered from this node's own connections and a write for one of them
   * is left to the write-back after the stall, as while Redis is away;
   * anything about another node's connection fails with
   * `SB_REGISTRY_TIMEOUT`. Default 1 000.
   */
  readonly requestTimeout?: number;
  /** How long start-up waits for Redis, in ms, before it fails. Default 5 000. */
  readonly connectTimeout?: number;
  /**
   * Publishes not yet answered by Redis (in flight in ioredis, or held while
   * Redis is unreachable or stalled and sent when it is back); more are
   * dropped and counted (`lost` in the status). Size it above the largest
   * burst of publishes one node makes at once. At least 1. Default 10 000.
   */
  readonly outboxLimit?: number;
  /**
   * After a reconnect, how long to wait at most for the other nodes to be
   * subscribed again before sending the held messages, in ms, so they are
   * not published to nobody. Default 1 000.
   */
  readonly peerWait?: number;
  /** Quit both clients when the backplane stops (set when the backplane created them). Default false. */
  readonly quitClientsOnStop?: boolean;
  /** Default: Nest's `Logger` with context `RedisBackplane`. */
  readonly logger?: Pick<LoggerService, 'log' | 'warn' | 'error'>;
}

/** Every option's default; the backplane merges the caller's options over these once. */
export const REDIS_BACKPLANE_DEFAULTS = {
  prefix: 'switchboard:',
  heartbeatInterval: 1000,
  heartbeatTtl: 3000,
  probeTimeout: 1000,
  requestTimeout: 1000,
  connectTimeout: 5000,
  outboxLimit: 10_000,
  peerWait: 1000,
  quitClientsOnStop: false,
};

/**
 * ioredis options `RedisBackplane.fromUrl()` uses: reconnect every 100 ms,
 * growing to at most 500 ms, so delivery resumes soon after Redis is back;
 * a command cut off by a lost connection is resent if the next attempt
 * succeeds and fails after two (receivers drop resent copies; the backplane
 * holds failed publishes and writes its registry state back on reconnect).
 * Give injected clients a `retryStrategy` as quick if you need the 2 s resume.
 */
export const REDIS_CLIENT_OPTIONS: RedisOptions = {
  lazyConnect: true,
  retryStrategy: (times: number) => Math.min(times * 100, 500),
  maxRetriesPerRequest: 1,
  // ioredis waits this long for a dead socket to close on disconnect(), holding the process open.
  disconnectTimeout: 200,
};

/** Throws at boot for timings that cannot work together; says which option to change. */
export function checkRedisTimings(settings: typeof REDIS_BACKPLANE_DEFAULTS): void {
  const wrong = (what: string): never => {
    throw new SwitchboardBootError(BootErrorCode.BACKPLANE_MISCONFIGURED, `RedisBackplane: ${what}`);
  };
  for (const key of ['heartbeatInterval', 'heartbeatTtl', 'probeTimeout', 'requestTimeout', 'outboxLimit'] as const) {
    if (!(settings[key] > 0)) wrong(`${key} must be a number above 0 (got ${settings[key]})`);
  }
  // A live node beats at least once more before its heartbeat expires, and may reap (see heartbeatTtl) between two beats.
  if (settings.heartbeatTtl <= 2 * settings.heartbeatInterval) {
    wrong(
      `heartbeatTtl (${settings.heartbeatTtl} ms) must be more than twice heartbeatInterval (${settings.heartbeatInterval} ms): ` +
        'raise heartbeatTtl or lower heartbeatInterval',
    );
  }
}
