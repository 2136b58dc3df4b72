import { RoomHistory } from './room-history';
import type { HistoryLimits } from './room-stream';

/** How long a room's position outlives its last publication, at least: as Redis keeps a room's epoch and top offset. */
export const HISTORY_POSITION_TTL_MS = 24 * 60 * 60 * 1000;
/** How often kept publications are checked for expiry. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * The histories of every history room kept in one process (the memory
 * backplane's bus, the cluster primary). A sweep every minute drops
 * publications past their `ttl` in every room, not only in rooms that are
 * read or written, and forgets a room whose last publication is older than
 * a day and its `ttl` (its next one starts a new epoch), so memory follows
 * what is kept, not every room ever used.
 */
export class RoomHistories {
  private readonly rooms = new Map<string, RoomHistory>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {}

  /** Rooms with a history now. */
  get size(): number {
    return this.rooms.size;
  }

  /** The history of `room`, made on first use. */
  of(room: string, limits: HistoryLimits): RoomHistory {
    let history = this.rooms.get(room);
    if (!history) this.rooms.set(room, (history = new RoomHistory(limits, undefined, this.now)));
    return history;
  }

  /** Starts the sweeps; `stop()` ends them. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Drops expired publications everywhere and forgets rooms quiet for longer than their position lives. */
  sweep(): void {
    const now = this.now();
    for (const [room, history] of this.rooms) {
      if (history.size === 0 && now - history.lastAppend > Math.max(history.ttl, HISTORY_POSITION_TTL_MS)) this.rooms.delete(room);
    }
  }
}
