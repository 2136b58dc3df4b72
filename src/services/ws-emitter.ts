import type { Fanout } from './fanout';

/** Sends to one room, on behalf of a sender. */
export interface RoomEmitter {
  readonly room: string;
  /** Every member of the room, the sender included if it is a member. */
  emit(event: string, message?: unknown): void;
  /** Every member of the room but the sender. */
  emitExceptSender(event: string, message?: unknown): void;
  /**
   * The same room, sending frames that a history room (docs/history.md)
   * does not keep: no offset, not recovered, at most once, as in a room
   * without history (typing notices, cursors: state that is stale by the
   * time anyone recovers). They may overtake the room's kept frames.
   */
  readonly volatile: RoomEmitter;
}

/** Sends to one connection, on behalf of a sender. */
export interface DirectEmitter {
  /** The connection, wherever in the deployment it lives. */
  emit(event: string, message?: unknown): void;
}

/**
 * The emitter a handler receives with `@Emitter()`, bound to the connection
 * that sent the frame. Frames it sends carry that connection's id as `sender`.
 */
export interface WsEmitter {
  /** The id of the connection this emitter speaks for. */
  readonly senderId: string;
  /** Every connection on this gateway's route. */
  emit(event: string, message?: unknown): void;
  /** Every connection on this gateway's route but the sender. */
  emitExceptSender(event: string, message?: unknown): void;
  /** A new emitter scoped to a room; this one is left unchanged. */
  room(room: string): RoomEmitter;
  /** A new emitter scoped to one connection. */
  to(id: string): DirectEmitter;
  /** The sender only. */
  reply(event: string, message?: unknown): void;
}

/** @internal The `WsEmitter` implementation; one per connection, created on first use. */
export class SenderEmitter implements WsEmitter {
  constructor(
    private readonly fanout: Fanout,
    readonly senderId: string,
    private readonly route: string,
  ) {}

  emit(event: string, message?: unknown): void {
    this.fanout.send({ type: 'route', route: this.route }, { kind: 'event', event, message, sender: this.senderId });
  }

  emitExceptSender(event: string, message?: unknown): void {
    this.fanout.send({ type: 'route', route: this.route }, { kind: 'event', event, message, sender: this.senderId }, this.senderId);
  }

  room(room: string): RoomEmitter {
    return new SenderRoomEmitter(this.fanout, this.senderId, room);
  }

  to(id: string): DirectEmitter {
    const { fanout, senderId } = this;
    return {
      emit: (event, message) => {
        fanout.send({ type: 'connection', id }, { kind: 'event', event, message, sender: senderId });
      },
    };
  }

  reply(event: string, message?: unknown): void {
    this.fanout.send({ type: 'connection', id: this.senderId }, { kind: 'event', event, message, sender: this.senderId });
  }
}

class SenderRoomEmitter implements RoomEmitter {
  constructor(
    private readonly fanout: Fanout,
    private readonly senderId: string,
    readonly room: string,
    private readonly isVolatile = false,
  ) {}

  get volatile(): RoomEmitter {
    return this.isVolatile ? this : new SenderRoomEmitter(this.fanout, this.senderId, this.room, true);
  }

  emit(event: string, message?: unknown): void {
    this.send(event, message);
  }

  emitExceptSender(event: string, message?: unknown): void {
    this.send(event, message, this.senderId);
  }

  private send(event: string, message: unknown, except?: string): void {
    const frame = { kind: 'event', event, message, sender: this.senderId, room: this.room } as const;
    this.fanout.send({ type: 'room', room: this.room }, frame, except, this.isVolatile);
  }
}
