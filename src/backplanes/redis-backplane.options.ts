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
   * How long a heartbeat lives, in ms. A node that stops renewing it is
   * reaped (its connections and room memberships removed) by a survivor
   * within `heartbeatTtl + heartbeatInterval`. Default 3 000.
   */
  readonly heartbeatTtl?: number;
  /** How long start-up waits for Redis, in ms, before it fails. Default 5 000. */
  readonly connectTimeout?: number;
  /** Messages held while Redis is unreachable and sent when it is back; more are dropped. 0 drops all. Default 10 000. */
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
