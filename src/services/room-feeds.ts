import { Inject, Injectable, Logger } from '@nestjs/common';
import { Backplane } from '../backplanes/backplane';
import type { BackplaneMessage } from '../backplanes/backplane-message';
import type { StreamPosition } from '../backplanes/room-stream';
import { withOffset } from '../protocol/encode-frame';
import { HistoryRooms } from './history-rooms';
import { LocalHub } from './local-hub';
import { PreparedFrame } from './prepared-frame';

type Delivery = Extract<BackplaneMessage, { type: 'deliver' }>;

/** A publication delivered here while a join read the room's history: the join replays the ones its read did not hold. */
export interface CapturedFrame {
  readonly offset: number;
  readonly frame: PreparedFrame;
  readonly except?: string;
}

/** What one join that reads a room's history sees of the room's live publications meanwhile. */
export class RoomCapture {
  readonly frames: CapturedFrame[] = [];
  constructor(readonly room: string) {}
}

/** Where this node stands in one history room's stream. */
interface Feed {
  epoch: string;
  /** The offset of the last publication delivered here. */
  last: number;
  /** Publications that arrived while a gap was being filled, in arrival order. */
  waiting?: { readonly message: Delivery; readonly position: StreamPosition }[];
}

/** Rooms whose unrecoverable gap was logged; bounded, so a flood of rooms costs bounded memory. */
const LOGGED_ROOMS_LIMIT = 1000;

/**
 * Delivers numbered publications of history rooms on this node in offset
 * order, each once: a copy (an offset already delivered) is dropped, and a
 * gap (an offset past the next one, after a backplane outage, an overflowed
 * outbox, a subscriber Redis cut off) is filled from the room's history
 * before anything after it is delivered. It keeps state only for rooms with
 * members here (or a join in progress), so a node that only publishes keeps
 * none.
 */
@Injectable()
export class RoomFeeds {
  private readonly logger = new Logger('Switchboard');
  private readonly feeds = new Map<string, Feed>();
  private readonly captures = new Map<string, Set<RoomCapture>>();
  private readonly loggedGaps = new Set<string>();

  constructor(
    private readonly hub: LocalHub,
    @Inject(Backplane) private readonly backplane: Backplane,
    private readonly historyRooms: HistoryRooms,
  ) {}

  /** A numbered publication to a room, from the backplane. */
  receive(message: Delivery, position: StreamPosition): void {
    if (message.target.type !== 'room') return;
    const { room } = message.target;
    const captures = this.captures.get(room);
    if (!captures && this.hub.countIn(room) === 0) {
      // No one here to deliver to: forget where the room stood, a later join starts from its own read.
      this.feeds.delete(room);
      return;
    }
    let feed = this.feeds.get(room);
    if (!feed) {
      // The first publication seen here (a join reads what came before it): start from this one.
      this.feeds.set(room, (feed = { epoch: position.epoch, last: position.offset - 1 }));
    } else if (feed.epoch !== position.epoch) {
      // The history was lost and began again: its stream starts at offset 1, and what came before this one is a gap.
      this.feeds.set(room, (feed = { epoch: position.epoch, last: 0 }));
    }
    if (feed.waiting) {
      feed.waiting.push({ message, position });
      return;
    }
    if (position.offset <= feed.last) return;
    if (position.offset > feed.last + 1) {
      feed.waiting = [{ message, position }];
      void this.repair(room, feed);
      return;
    }
    this.deliver(feed, room, message, position.offset);
  }

  /** Starts capturing a room's live publications for a join that is about to read its history. */
  capture(room: string): RoomCapture {
    const capture = new RoomCapture(room);
    let set = this.captures.get(room);
    if (!set) this.captures.set(room, (set = new Set()));
    set.add(capture);
    return capture;
  }

  /** Ends a capture; every `capture()` is paired with one `release()`. */
  release(capture: RoomCapture): void {
    const set = this.captures.get(capture.room);
    if (!set?.delete(capture)) return;
    if (set.size === 0) this.captures.delete(capture.room);
  }

  private deliver(feed: Feed, room: string, message: Delivery, offset: number): void {
    feed.last = offset;
    const frame = new PreparedFrame(withOffset(message.frame, offset), message.binary);
    this.hub.deliver(message.target, frame, message.except);
    const captures = this.captures.get(room);
    if (captures) for (const capture of captures) capture.frames.push({ offset, frame, except: message.except });
  }

  /**
   * After a backplane outage: every room with members here reads what its
   * history holds past what was delivered here, and delivers it, as a gap.
   */
  catchUp(): void {
    for (const [room, feed] of this.feeds) {
      if (feed.waiting) continue;
      feed.waiting = [];
      void this.repair(room, feed);
    }
  }

  /**
   * Fills the gap after the last publication delivered here from the
   * history (up to the first waiting publication, or to the room's top),
   * then hands what waited meanwhile on, in order.
   */
  private async repair(room: string, feed: Feed): Promise<void> {
    const limits = this.historyRooms.limitsOf(room);
    let from = feed.last;
    let target = feed.waiting?.[0]?.position.offset;
    let skipped = false;
    try {
      if (limits) {
        let read = await this.backplane.readRoom(room, feed.last, limits);
        if (read.position.epoch !== feed.epoch && !feed.waiting?.length && this.feeds.get(room) === feed) {
          // A catch-up that found the history lost and begun again: the new stream, from its start.
          feed.epoch = read.position.epoch;
          feed.last = from = 0;
          read = await this.backplane.readRoom(room, 0, limits);
        }
        if (read.position.epoch === feed.epoch && this.feeds.get(room) === feed) {
          target ??= read.position.offset + 1;
          for (const { offset, message } of read.publications) {
            if (offset >= target) break;
            if (offset <= feed.last) continue;
            // The ones before it are no longer kept: what is, is still delivered, in order.
            if (offset > feed.last + 1) skipped = true;
            this.deliver(feed, room, message, offset);
          }
        }
      }
    } catch (error) {
      this.logger.warn(`could not read the history of room "${room}" to fill a gap: ${(error as Error).message}`);
    }
    // A catch-up that found the room where this node stood had nothing to fill.
    if (target !== undefined && target > from + 1) {
      const repaired = !skipped && feed.last + 1 >= target;
      this.backplane.countGap(repaired);
      if (!repaired) {
        this.logGap(room, from);
        feed.last = Math.max(feed.last, target - 1);
      }
    }
    const waiting = feed.waiting ?? [];
    feed.waiting = undefined;
    if (this.feeds.get(room) !== feed) return;
    // What waited goes through receive() again: in order, copies dropped, and past another gap it waits behind that repair.
    for (const { message, position } of waiting) this.receive(message, position);
  }

  private logGap(room: string, after: number): void {
    if (this.loggedGaps.has(room)) return;
    if (this.loggedGaps.size >= LOGGED_ROOMS_LIMIT) this.loggedGaps.clear();
    this.loggedGaps.add(room);
    this.logger.warn(
      `room "${room}": publications after offset ${after} never reached this node and are no longer all in the history; ` +
        'its members here missed them (counted in the backplane status as gaps.unrecoverable; logged once per room)',
    );
  }
}
