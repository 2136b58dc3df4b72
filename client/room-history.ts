// The wire shapes of room history (issue #13): where a client is in a room's
// history, what the server answers to a join, and what the client tells the app
// after a rejoin.

/**
 * Where the client is in one room's history: the history's `epoch` (offsets
 * of another epoch are not comparable) and the offset of the last frame of
 * the room it saw (or the room's top offset when it joined).
 */
export interface RoomPosition {
  readonly epoch: string;
  readonly offset: number;
}

/**
 * The message of the client's own `recovered` event: a rejoin after a
 * reconnect resumed the room from the client's position. The `missed` frames
 * follow it, in order, then live ones.
 */
export interface RecoveredPayload {
  readonly room: string;
  /** Frames published while the client was away, which the server sends now. */
  readonly missed: number;
  readonly epoch: string;
  /** The room's top offset when the server answered: where the missed frames bring the client. */
  readonly offset: number;
}

/**
 * The message of the client's own `notRecovered` event: the server could not
 * resume the room from the client's position (the history moved on past it,
 * or its epoch changed). Frames were lost: reload the room's state. The
 * client's position is now `epoch` and `offset`.
 */
export interface NotRecoveredPayload {
  readonly room: string;
  readonly epoch: string;
  readonly offset: number;
}

/** The reply to a `joinRoom` of a room with history. */
export interface JoinReply extends RoomPosition {
  /** Present only in the reply to a join that sent `since`. */
  readonly recovered?: boolean;
  /** With `recovered: true`: how many missed frames follow. */
  readonly missed?: number;
}

/**
 * Decodes the `message` of a `joinRoom` reply; undefined when it carries no
 * history position (`{room}` alone: the room keeps no history). Never throws.
 */
export function decodeJoinReply(message: unknown): JoinReply | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { epoch, offset, recovered, missed } = message as Record<string, unknown>;
  if (typeof epoch !== 'string' || !isOffset(offset)) return undefined;
  return {
    epoch,
    offset,
    ...(typeof recovered === 'boolean' && { recovered }),
    ...(isOffset(missed) && missed >= 0 && { missed }),
  };
}

/** An offset as the protocol has them: a whole number that JSON carries exactly. */
export function isOffset(value: unknown): value is number {
  return Number.isSafeInteger(value);
}
