import type { HistoryLimits } from './room-stream';

/** A publication to a history room: appended (numbered, kept, published) by a script, not published as it is. */
export interface HistoryAppend {
  readonly room: string;
  readonly limits: HistoryLimits;
}

/** A publish waiting in the outbox: on `channel`, or appended to a room's history. */
interface Held {
  readonly channel: string;
  readonly payload: Buffer;
  readonly history?: HistoryAppend;
}
interface Retried extends Held {
  readonly order: number;
}

/**
 * Publishes not yet answered by Redis, up to a limit: those handed to ioredis
 * (`inFlight`) and those held while Redis is unreachable or stalled, in order.
 * A short outage (a restart, a failover, a pause) loses nothing a peer can
 * still receive, and a long one costs bounded memory whatever state ioredis
 * is in: a paused or stopped Redis keeps its connection open, and ioredis
 * would queue without end. Past the limit new messages are dropped and
 * counted, so what is held stays an in-order prefix.
 */
export class RedisOutbox {
  /** Messages dropped since the outage began: over the limit, or failed while online. */
  lost = 0;
  /** Messages dropped since the node started. */
  lostTotal = 0;
  /** Publishes handed to ioredis and not answered yet. */
  inFlight = 0;
  /**
   * Publishes that were cut off in flight; older than anything queued, so
   * they go first, in the order they were first sent: ioredis rejects the
   * ones it had not written yet before the ones it had.
   */
  private retried: Retried[] = [];
  private queued: Held[] = [];

  /** Counts the publishes handed to ioredis, so those it fails can be sent again in their first order. */
  private sent = 0;

  /**
   * @param limit the most publishes in flight and held together.
   * @param send hands one publish to Redis (with `history`, the script that appends it to the room's history).
   * @param isOnline whether Redis is reachable: a publish cut off while it is not is held and sent again.
   */
  constructor(
    private readonly limit: number,
    private readonly send: (channel: string, payload: Buffer, history?: HistoryAppend) => Promise<unknown>,
    private readonly isOnline: () => boolean,
  ) {}

  /** Messages held for later. */
  get size(): number {
    return this.retried.length + this.queued.length;
  }

  /** Messages held or in flight: never more than the limit. */
  get pending(): number {
    return this.size + this.inFlight;
  }

  /** Whether one more publish fits under the limit; counts it as lost when it does not. */
  private admit(): boolean {
    if (this.pending < this.limit) return true;
    this.drop();
    return false;
  }

  /** Sends a publish now when Redis is reachable and nothing is held before it; holds it otherwise. */
  publish(channel: string, payload: Buffer, history?: HistoryAppend): void {
    const held: Held = { channel, payload, history };
    if (!this.isOnline() || this.size > 0) this.push(held);
    else if (this.admit()) this.sendNow(held);
  }

  /** Sends every held message, oldest first, and empties the outbox; returns how many. */
  flush(): number {
    const held = [...this.retried.sort((a, b) => a.order - b.order), ...this.queued];
    this.retried = [];
    this.queued = [];
    for (const message of held) this.sendNow(message);
    return held.length;
  }

  private sendNow(held: Held): void {
    const order = ++this.sent;
    this.inFlight++;
    this.send(held.channel, held.payload, held.history).then(
      () => this.inFlight--,
      () => {
        this.inFlight--;
        // Cut off by a dropped connection: send it again once Redis is back (the same bytes: peers drop a copy by its number).
        if (this.isOnline()) this.drop();
        else this.retry({ ...held, order });
      },
    );
  }

  private push(held: Held): void {
    if (this.admit()) this.queued.push(held);
  }

  /**
   * Holds a publish that failed when the connection dropped under it; `order`
   * says when it was first sent. It always fits: it was counted in flight.
   */
  private retry(retried: Retried): void {
    this.retried.push(retried);
  }

  /** Counts a message that will never be sent. */
  private drop(): void {
    this.lost++;
    this.lostTotal++;
  }
}
