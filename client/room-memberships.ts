import type { ConnectionState } from './client-events';
import { ClientErrorCode, SwitchboardClientError } from './errors';
import type { RequestExtras } from './outbox';
import { decodeJoinReply, type RoomPosition } from './room-history';
import { RoomPositions, type RecoveryOutcome } from './room-positions';
import { RoomWaiters } from './room-waiters';
import { unrefTimeout } from './timers';

/** How often a rejoin the server could not complete (`INTERNAL`: its backplane did not answer in time) is tried again before the room is given up. */
const REJOIN_RETRIES = 5;
/** The first retry's delay, in ms; each next one doubles it, each drawn at random below that ("full jitter"). */
const REJOIN_RETRY_DELAY = 250;

/** What the rooms need of their client. */
export interface RoomsLink {
  state(): ConnectionState;
  /** The id from the current connection's `connected` frame; undefined before it (or without a connection). */
  connectionId(): string | undefined;
  /** Sends a request and tracks it (`direct`: written now, bypassing the offline queue). */
  request(event: string, message: unknown, timeout: number, direct: boolean, extras?: RequestExtras): Promise<unknown>;
  /** Reports an error no promise carries. */
  report(error: SwitchboardClientError): void;
  /** Tells the app how a rejoin that sent `since` went. */
  recovery(outcome: RecoveryOutcome): void;
}

/**
 * The rooms a client is in: the ones `joinRoom()` asked for, joined again on
 * every new connection, the `joinRoom()` promises still waiting, and where
 * each room with history stands, so that a rejoin resumes it.
 */
export class RoomMemberships {
  /** Rooms joined through `joinRoom()`, joined again on every new connection. */
  private readonly joined = new Set<string>();
  private readonly waiters = new RoomWaiters();
  private readonly positions = new RoomPositions();

  constructor(
    /** The timeout of the requests the rooms send on their own (rejoins, leaving after a late join). */
    private readonly requestTimeout: number,
    private readonly link: RoomsLink,
  ) {}

  get names(): readonly string[] {
    return [...this.joined];
  }

  positionOf(room: string): RoomPosition | undefined {
    return this.positions.of(room);
  }

  /** See `SwitchboardClient.joinRoom()`; the client is not closed. */
  join(room: string, timeout: number): Promise<void> {
    const joined = this.waiters.wait(room, timeout, () => {
      if (!this.waiters.has(room) && this.forget(room)) this.undoJoin(room);
      const state = this.link.state();
      return `joinRoom "${room}" timed out after ${timeout} ms (state ${state}${state === 'connected' ? ', sent, not acknowledged' : ', not sent yet'})`;
    });
    this.joined.add(room);
    if (this.link.state() === 'connected') void this.joinOnServer(room);
    return joined;
  }

  /** See `SwitchboardClient.leaveRoom()`. */
  async leave(room: string, timeout: number): Promise<void> {
    this.forget(room);
    this.waiters.settle(
      room,
      new SwitchboardClientError(ClientErrorCode.CANCELLED, `leaveRoom "${room}" was called before the join completed`),
    );
    // Once the server said hello (even while rooms are being rejoined) it must hear of the leave.
    if (this.link.connectionId() === undefined) return;
    await this.link.request('leaveRoom', room, timeout, true);
  }

  /**
   * Joins every remembered room on a new connection, `since` its position
   * and naming the `previous` connection. Resolves with false when
   * `current()` says the connection was replaced, or the client closed,
   * meanwhile: then nothing more may follow the rejoin.
   */
  async rejoinAll(previous: string | undefined, current: () => boolean): Promise<boolean> {
    // Rooms joined while the rejoin runs are picked up by the next round.
    const done = new Set<string>();
    for (;;) {
      const todo = [...this.joined].filter((room) => !done.has(room));
      if (todo.length === 0) return current();
      await Promise.all(todo.map((room) => this.joinOnServer(room, { previous })));
      if (!current()) return false;
      for (const room of todo) done.add(room);
    }
  }

  /** A frame arrived: a history room's frame moves the room's position to its offset. */
  track(frame: { readonly room?: string; readonly offset?: number }): void {
    if (frame.room !== undefined && frame.offset !== undefined) this.positions.advance(frame.room, frame.offset);
  }

  /** Rejects every waiting `joinRoom()`: the client stopped. */
  abandon(cause: SwitchboardClientError): void {
    this.waiters.settleAll(cause);
  }

  /** Stops remembering `room` and its position; false when it was not remembered. */
  private forget(room: string): boolean {
    this.positions.forget(room);
    return this.joined.delete(room);
  }

  /**
   * A join that timed out may still be acknowledged later: the caller was told
   * it failed, so ask the server to leave, keeping both sides in agreement.
   */
  private undoJoin(room: string): void {
    if (this.link.connectionId() === undefined) return;
    this.link.request('leaveRoom', room, this.requestTimeout, true).catch(() => undefined);
  }

  /**
   * `rejoin`: after a connection's `connected` frame, as opposed to a
   * `joinRoom()` on a connection that is up. A rejoin the server could not
   * complete for now (`INTERNAL`, e.g. a thousand clients recovering at once
   * past its backplane's timeout) is tried again with backoff, on the same
   * connection, before the room is given up: giving it up would lose it.
   */
  private async joinOnServer(room: string, rejoin?: { readonly previous: string | undefined }, retry = 0): Promise<void> {
    const since = rejoin && this.positions.of(room);
    const previous = rejoin?.previous;
    const fields = { ...(since && { since }), ...(previous !== undefined && { previous }) };
    // The reply is read at once: the missed frames may come in the same chunk, and each must meet the position it sets.
    const onReply = (reply: unknown): void => {
      // A reply to a join of a room left meanwhile must not bring its position back.
      if (!this.joined.has(room)) return;
      const outcome = this.positions.joined(room, decodeJoinReply(reply), since);
      if (outcome) this.link.recovery(outcome);
    };
    try {
      await this.link.request('joinRoom', room, this.requestTimeout, true, { fields, onReply });
      this.waiters.settle(room);
    } catch (caught) {
      const error = caught as SwitchboardClientError;
      // The next connection joins it again; its waiters keep waiting.
      if (error.code === ClientErrorCode.DISCONNECTED || error.code === ClientErrorCode.CLOSED) return;
      // A timeout keeps the room for the next connection; waiters time out on their own clocks.
      if (error.code === ClientErrorCode.TIMEOUT) {
        // Reported only when no joinRoom() promise carries it (a rejoin after a reconnect).
        if (this.joined.has(room) && !this.waiters.has(room)) this.link.report(error);
        return;
      }
      const connection = this.link.connectionId();
      if (rejoin && error.code === 'INTERNAL' && retry < REJOIN_RETRIES && connection !== undefined) {
        await new Promise<void>((resolve) => unrefTimeout(resolve, Math.random() * REJOIN_RETRY_DELAY * 2 ** retry));
        // Left meanwhile, or a new connection rejoins it anyway.
        if (!this.joined.has(room) || this.link.connectionId() !== connection) return;
        return this.joinOnServer(room, rejoin, retry + 1);
      }
      // Refused by the server: forget it.
      this.forget(room);
      if (!this.waiters.settle(room, error)) this.link.report(error);
    }
  }
}
