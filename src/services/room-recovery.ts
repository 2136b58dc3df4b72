import { Injectable } from '@nestjs/common';
import { coversSince, type HistoryLimits, type StreamPosition } from '../backplanes/room-stream';
import type { HubConnection } from './hub-connection';
import { Membership } from './membership';
import type { PreparedFrame } from './prepared-frame';
import { RoomFeeds } from './room-feeds';
import { SharedHistoryReads, type SharedRead } from './shared-history-reads';

/** What a client's `joinRoom` of a history room asks: a first join, or a rejoin `since` a position it saw. */
export interface HistoryJoin {
  readonly since?: StreamPosition;
  /** The connection the client had before (its except-sender publications are not sent back to it). */
  readonly previous?: string;
}

/** The reply to a history room's `joinRoom`: the stream's position, and with `since` whether what was missed follows. */
export type HistoryJoinReply =
  | { readonly room: string; readonly epoch: string; readonly offset: number }
  | { readonly room: string; readonly epoch: string; readonly offset: number; readonly recovered: true; readonly missed: number }
  | { readonly room: string; readonly epoch: string; readonly offset: number; readonly recovered: false };

/**
 * Joins connections to history rooms. The join starts capturing the room's
 * live publications here, joins the registry, reads the history, then in one
 * step joins the connection here, sends the reply (through `reply`), the
 * missed publications (when it rejoins `since` a position the history still
 * covers), and the captured ones past what the read held: every publication
 * once, in order, with no gap at the seam.
 */
@Injectable()
export class RoomRecovery {
  constructor(
    private readonly reads: SharedHistoryReads,
    private readonly membership: Membership,
    private readonly feeds: RoomFeeds,
  ) {}

  /** Returns false when the connection closed before the join completed (nothing was sent). */
  async join(
    connection: HubConnection,
    room: string,
    limits: HistoryLimits,
    request: HistoryJoin,
    reply: (message: HistoryJoinReply) => void,
  ): Promise<boolean> {
    const { previous } = request;
    // A member already gets the room's frames: what it missed cannot be told from what it got, so it is not resumed.
    const member = connection.rooms.has(room);
    const since = member ? undefined : request.since;
    const capture = this.feeds.capture(room);
    try {
      return await this.membership.joinLocalAfter(
        connection,
        room,
        () => this.reads.read(room, since?.offset, limits),
        (read: SharedRead) => {
          const { epoch, offset } = read.position;
          const missed = since && this.missed(read, since, connection.id, previous);
          if (!request.since) reply({ room, epoch, offset });
          else if (!missed) reply({ room, epoch, offset, recovered: false });
          else reply({ room, epoch, offset, recovered: true, missed: missed.length });
          for (const frame of missed ?? []) connection.writeFrame(frame);
          // A member got the captured ones live.
          for (const captured of member ? [] : capture.frames) {
            if (captured.offset > offset && captured.except !== connection.id) connection.writeFrame(captured.frame);
          }
        },
      );
    } finally {
      this.feeds.release(capture);
    }
  }

  /**
   * The frames a rejoin `since` a position missed, without those that left
   * out the connection or its previous one; undefined when the read does
   * not hold all of them. The read may start before `since` (it is shared).
   */
  private missed(read: SharedRead, since: StreamPosition, id: string, previous: string | undefined): PreparedFrame[] | undefined {
    const after = read.publications.filter((p) => p.offset > since.offset);
    if (!coversSince({ position: read.position, publications: after }, since)) return undefined;
    return after.filter(({ except }) => except === undefined || (except !== id && except !== previous)).map((p) => p.frame);
  }
}
