import type { JoinReply, NotRecoveredPayload, RecoveredPayload, RoomPosition } from './room-history';

/** What a rejoin's reply tells the app: one of the client's own events, with its message. */
export type RecoveryOutcome =
  | { readonly event: 'recovered'; readonly message: RecoveredPayload }
  | { readonly event: 'notRecovered'; readonly message: NotRecoveredPayload };

/**
 * The position of each joined room that has history: set by the join reply,
 * advanced by the room's frames, sent as `since` when the room is rejoined
 * after a reconnect. Rooms without history have none.
 */
export class RoomPositions {
  private readonly byRoom = new Map<string, RoomPosition>();

  /** The room's position; frozen, so the caller cannot move it. */
  of(room: string): RoomPosition | undefined {
    return this.byRoom.get(room);
  }

  /**
   * A frame of `room` at `offset` arrived: the position moves to it. Frames
   * of a room come in offset order, each once, so one at or below the
   * position means the room's stream began again (the server lost its
   * history: a new epoch, which frames do not carry). It is still the app's:
   * dropping it would lose it silently. The position keeps the old epoch, so
   * the next rejoin is answered `notRecovered` and the app reloads.
   */
  advance(room: string, offset: number): void {
    const at = this.byRoom.get(room);
    if (at) this.byRoom.set(room, position(at.epoch, offset));
  }

  /**
   * Applies the server's reply to a `joinRoom` (undefined: the room has no
   * history). `since` is the position that join sent, on a rejoin after a
   * reconnect; only such a rejoin is told to the app, through the outcome.
   */
  joined(room: string, reply: JoinReply | undefined, since: RoomPosition | undefined): RecoveryOutcome | undefined {
    if (!reply) {
      this.byRoom.delete(room);
      return undefined;
    }
    const { epoch, offset } = reply;
    // Caught up: the position stays where it was, so the missed frames that follow advance it one by one.
    if (since && reply.recovered === true) {
      const missed = reply.missed ?? Math.max(0, offset - since.offset);
      return { event: 'recovered', message: { room, missed, epoch, offset } };
    }
    this.byRoom.set(room, position(epoch, offset));
    // A rejoin whose reply does not say `recovered: true` was not caught up, whatever else it says.
    return since ? { event: 'notRecovered', message: { room, epoch, offset } } : undefined;
  }

  /** The room was left: its next join starts afresh. */
  forget(room: string): void {
    this.byRoom.delete(room);
  }
}

function position(epoch: string, offset: number): RoomPosition {
  return Object.freeze({ epoch, offset });
}
