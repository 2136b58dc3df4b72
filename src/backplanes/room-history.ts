import { randomBytes } from 'node:crypto';

/** One publication a history room keeps: its offset, its frame as members got it, and who it left out. */
export interface HistoryEntry {
  readonly offset: number;
  /** The encoded frame, its `offset` included. */
  readonly frame: Buffer;
  readonly binary: boolean;
  /** The connection the publication left out (`emitExceptSender`): a rejoin from it skips this entry. */
  readonly except?: string;
  /** When it was published (ms since the epoch, the history's clock). */
  readonly at: number;
}

/** How much a history room keeps. */
export interface HistoryLimits {
  /** Most publications kept; older ones are dropped first. */
  readonly size: number;
  /** How long a publication is kept, in ms. */
  readonly ttl: number;
}

/** A room's position: the stream's epoch and the offset of its latest publication (0 before the first). */
export interface StreamPosition {
  readonly epoch: string;
  readonly offset: number;
}

/**
 * What a history answers for a rejoin `since` a position: every publication
 * after it, in order (`recovered`), or only the current position when the
 * epoch changed or the publications after it are no longer all kept.
 */
export type Recovery =
  | { readonly recovered: true; readonly position: StreamPosition; readonly missed: readonly HistoryEntry[] }
  | { readonly recovered: false; readonly position: StreamPosition };

/** A new epoch: any string that differs from every earlier one of the room (an in-process history starts a new one each time it is made). */
export function createEpoch(): string {
  return randomBytes(6).toString('base64url');
}

/**
 * The history of one room, kept in a process: numbers each publication with
 * the next offset (1, 2, …; one per publication, none skipped) and keeps the
 * latest `size` of them for `ttl` ms each. Offsets go on across trimming;
 * the epoch names this history, so a client whose epoch differs knows the
 * offsets it holds mean nothing here. Nothing in it awaits: each call is
 * atomic in the process, which is what makes the offset order the delivery
 * order where it is used (the memory backplane, the cluster primary).
 */
export class RoomHistory {
  /** Kept publications are `entries[first..]`, oldest first; dropped ones are cut off in batches, not one shift each. */
  private entries: HistoryEntry[] = [];
  private first = 0;
  private top = 0;

  constructor(
    private readonly limits: HistoryLimits,
    readonly epoch: string = createEpoch(),
    private readonly now: () => number = Date.now,
  ) {}

  /** The epoch and the offset of the latest publication. */
  get position(): StreamPosition {
    return { epoch: this.epoch, offset: this.top };
  }

  /** Publications kept now. */
  get size(): number {
    this.trim();
    return this.entries.length - this.first;
  }

  /**
   * Numbers a publication and keeps it. `encode` is given the offset and
   * returns the frame as members get it, the offset in it.
   */
  append(encode: (offset: number) => { frame: Buffer; binary: boolean }, except?: string): HistoryEntry {
    const offset = ++this.top;
    const { frame, binary } = encode(offset);
    const entry: HistoryEntry = { offset, frame, binary, except, at: this.now() };
    this.entries.push(entry);
    this.trim();
    return entry;
  }

  /**
   * The publications after `since`, in order, skipping those that left out
   * `previous` (the connection rejoining, whose own except-sender frames it
   * never got and must not get now). Not recovered when the epoch differs,
   * the offset is ahead of the room, or a publication after it is gone.
   */
  recover(since: StreamPosition, previous?: string): Recovery {
    this.trim();
    const position = this.position;
    if (since.epoch !== this.epoch || since.offset > this.top) return { recovered: false, position };
    const oldestKept = this.entries[this.first]?.offset ?? this.top + 1;
    if (since.offset + 1 < oldestKept) return { recovered: false, position };
    // Offsets are consecutive, so the entries after `since` are the last (top - since) kept.
    const after = this.entries.slice(this.entries.length - (this.top - since.offset));
    const missed = previous === undefined ? after : after.filter((entry) => entry.except !== previous);
    return { recovered: true, position, missed };
  }

  /** Drops what is past `size` or older than `ttl`. */
  private trim(): void {
    const { entries } = this;
    this.first = Math.max(this.first, entries.length - this.limits.size);
    const oldest = this.now() - this.limits.ttl;
    while (this.first < entries.length && entries[this.first].at < oldest) this.first++;
    if (this.first > this.limits.size || (this.first > 0 && this.first === entries.length)) {
      this.entries = entries.slice(this.first);
      this.first = 0;
    }
  }
}
