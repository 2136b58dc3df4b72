import type { LoggerService } from '@nestjs/common';

/**
 * Whether a `RedisBackplane` may use Redis now and, when it may not, since
 * when and why: its connections dropped (an outage, which the reconnect
 * ends), or they are up and Redis stopped answering (a stall, which the
 * probe coming back ends).
 */
export class RedisLink {
  /** True while registry writes and publishes go straight to Redis. */
  online = false;
  /** True while offline because the pub/sub probe did not come back. */
  stalled = false;
  /** The last error a client reported, for the status and the logs. */
  lastError?: string;
  private downSince?: number;

  constructor(
    private readonly logger: Pick<LoggerService, 'warn'>,
    private readonly probeTimeout: number,
  ) {}

  /** The connections dropped; logs once per outage. A stall that ends this way is an outage now. */
  lost(): void {
    this.stalled = false;
    if (!this.online) return;
    this.goDown();
    this.logger.warn(
      `Redis unreachable${this.lastError ? ` (${this.lastError})` : ''}: cross-node delivery paused, local delivery continues; reconnecting`,
    );
  }

  /** A probe did not come back in time; logs once per stall. */
  stall(): void {
    if (!this.online) return;
    this.goDown();
    this.stalled = true;
    this.logger.warn(
      `Redis stopped answering: a pub/sub probe did not come back within ${this.probeTimeout} ms; ` +
        'cross-node delivery paused, local delivery continues, publishes held',
    );
  }

  /** Redis answers again; how long it did not, in ms. */
  restored(): number {
    const downFor = this.downSince === undefined ? 0 : Date.now() - this.downSince;
    this.online = true;
    this.stalled = false;
    this.downSince = undefined;
    return downFor;
  }

  /** Why Redis cannot be used, for the status. */
  detail(pending: number, lost: number): string {
    const since = this.downSince ? ` since ${new Date(this.downSince).toISOString()}` : '';
    const error = this.lastError ? ` (${this.lastError})` : '';
    const down = this.stalled ? `Redis stopped answering (no probe back within ${this.probeTimeout} ms)` : 'Redis unreachable';
    return `${down}${since}${error}; ${pending} messages waiting, ${lost} lost`;
  }

  private goDown(): void {
    this.online = false;
    this.downSince = Date.now();
  }
}
