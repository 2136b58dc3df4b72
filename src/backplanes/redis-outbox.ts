type Held = readonly [channel: string, payload: Buffer];
type Retried = readonly [channel: string, payload: Buffer, order: number];

/**
 * Publishes held while Redis is unreachable, in order, up to a limit: a
 * short outage (a Redis restart, a failover) loses nothing a peer can still
 * receive, and a long one costs bounded memory. Past the limit new messages
 * are dropped and counted, so what is held stays an in-order prefix.
 */
export class RedisOutbox {
  /** Messages dropped since the outage began: over the limit, or failed while online. */
  lost = 0;
  /**
   * Publishes that were cut off in flight; older than anything queued, so
   * they go first, in the order they were first sent: ioredis rejects the
   * ones it had not written yet before the ones it had.
   */
  private retried: Retried[] = [];
  private queued: Held[] = [];

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.retried.length + this.queued.length;
  }

  push(channel: string, payload: Buffer): void {
    if (this.size >= this.limit) this.lost++;
    else this.queued.push([channel, payload]);
  }

  /** Holds a publish that failed when the connection dropped under it; `order` says when it was first sent. */
  retry(channel: string, payload: Buffer, order: number): void {
    if (this.size >= this.limit) this.lost++;
    else this.retried.push([channel, payload, order]);
  }

  /** Hands every held message to `send`, oldest first, and empties the outbox; returns how many. */
  flush(send: (channel: string, payload: Buffer) => unknown): number {
    const retried = this.retried.sort((a, b) => a[2] - b[2]).map(([channel, payload]): Held => [channel, payload]);
    const held = [...retried, ...this.queued];
    this.retried = [];
    this.queued = [];
    for (const [channel, payload] of held) send(channel, payload);
    return held.length;
  }
}
