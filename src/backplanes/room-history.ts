import { randomBytes } from 'node:crypto';
import type { HistoryLimits, HistoryRead, StoredPublication } from './room-stream';

/** A new epoch: a string that differs from every earlier one of the room. */
export function createEpoch(): string {
  return randomBytes(6).toString('base64url');
}

/** Dropped entries are cut off the array no more often than this many at a time. */
const MIN_CUT = 16;

interface Kept extends StoredPublication {
  /** When it was kept (ms, the history's clock). */
  readonly at: number;
}

/**
 * The history of one room, kept in a process (the memory backplane, the
 * cluster primary): numbers each publication with the next offset (1, 2, …;
 * none skipped) and keeps the latest `size` of them for `ttl` ms each.
 * Offsets go on across trimming; the epoch names this history, and a new
 * one (a restarted process) starts another. Nothing in it awaits, so each
 * call is atomic in the process: the order of offsets is the order of
 * delivery where it is used.
 */
export class RoomHistory {
  /** Kept publications are `kept[first..]`, oldest first; dropped ones are cut off in batches, not one shift each. */
  private kept: Kept[] = [];
  private first = 0;
  private top = 0;
  /** When the latest publication was kept, or the history made (ms, the history's clock). */
  lastAppend: number;

  constructor(
    private readonly limits: HistoryLimits,
    readonly epoch: string = createEpoch(),
    private readonly now: () => number = Date.now,
  ) {
    this.lastAppend = now();
  }

  /** How long each publication is kept, in ms. */
  get ttl(): number {
    return this.limits.ttl;
  }

  /** Publications kept now. */
  get size(): number {
    this.trim();
    return this.kept.length - this.first;
  }

  /** Numbers a publication and keeps it; returns its offset. */
  append(payload: Buffer): number {
    const offset = ++this.top;
    this.lastAppend = this.now();
    // A copy of its own: the payload is often a slice of Node's shared buffer pool, and kept, it would keep its whole 8 KiB slab alive.
    const own = Buffer.allocUnsafeSlow(payload.length);
    payload.copy(own);
    this.kept.push({ offset, payload: own, at: this.lastAppend });
    this.trim();
    return offset;
  }

  /** The position, and the publications kept after `after` (none when it is undefined), oldest first. */
  read(after?: number): HistoryRead {
    this.trim();
    const { epoch, top } = this;
    if (after === undefined || after >= top) return { epoch, offset: top, publications: [] };
    const kept = this.kept.length - this.first;
    // Offsets are consecutive, so those after `after` are the last (top - after) kept, or all of them.
    const start = this.kept.length - Math.min(kept, top - Math.max(after, 0));
    return { epoch, offset: top, publications: this.kept.slice(start).map(({ offset, payload }) => ({ offset, payload })) };
  }

  /** Drops what is past `size` or older than `ttl`. */
  private trim(): void {
    const { kept } = this;
    this.first = Math.max(this.first, kept.length - this.limits.size);
    const oldest = this.now() - this.limits.ttl;
    while (this.first < kept.length && kept[this.first].at < oldest) this.first++;
    // Cut the dropped ones off once they are a quarter of `size`: the array holds at most 1.25 × size, for a copy of `size` every size/4 appends.
    if (this.first > Math.max(MIN_CUT, this.limits.size / 4) || (this.first > 0 && this.first === kept.length)) {
      this.kept = kept.slice(this.first);
      this.first = 0;
    }
  }
}
