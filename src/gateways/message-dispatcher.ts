import { Injectable, Logger } from '@nestjs/common';
import { WebSocket } from 'ws';
import type { GatewayRoute } from '../controllers/gateway-explorer';
import { HANDLED_BY_FILTER, type FrameContext } from '../controllers/handler-context';
import { BINARY_EVENT } from '../decorators/metadata-keys';
import { stackOf } from '../errors/stack-of';
import { toExceptionBody } from '../errors/to-exception-body';
import {
  BuiltInEvent,
  ErrorCode,
  checkRoomName,
  decodeFrame,
  encodeFrame,
  scanFrameId,
  type EncodedFrame,
  type ExceptionBody,
  type FrameId,
  type InboundFrame,
  CloseCode,
} from '../protocol';
import { Fanout } from '../services/fanout';
import { HistoryRooms } from '../services/history-rooms';
import { Membership } from '../services/membership';
import { RoomRecovery } from '../services/room-recovery';
import { SenderEmitter } from '../services/ws-emitter';
import type { ClientConnection } from './client-connection';

/** A join answers for itself once it happened: guards see an `ack` that does nothing. */
const noAck = (): void => undefined;

/** Frames a connection may have waiting while its handlers run; more are refused as `RATE_LIMITED`. */
const MAX_PENDING_FRAMES = 256;
/**
 * The most of one connection's waiting frames handled in one go: then the
 * rest wait for the next turn of the event loop, so other connections' frames
 * are read and handled in between. A slice also ends at a frame answered with
 * an error (a flood of garbage gets one frame a turn). While more than a
 * slice waits the socket is paused, so the backlog stays in TCP, not memory;
 * and a socket that read a slice's bytes is paused until the next turn.
 * Large enough that a publisher's burst of broadcasts still leaves in the
 * same tick, which is what batches their writes (see `FrameWriter`).
 */
const SLICE_FRAMES = 32;
const SLICE_BYTES = 256 * 1024;

/** Resolves on the next turn of the event loop, after the I/O waiting now. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Turns received frames into handler calls. Frames of one connection are
 * handled one at a time, in the order they arrived, so a sender's frames to a
 * room go out in the order it sent them. Nothing here throws: every failure
 * becomes an `exception` frame or a close code.
 */
@Injectable()
export class MessageDispatcher {
  private readonly logger = new Logger('Switchboard');

  constructor(
    private readonly membership: Membership,
    private readonly fanout: Fanout,
    private readonly historyRooms: HistoryRooms,
    private readonly recovery: RoomRecovery,
  ) {}

  /** Called for every frame a connection receives. */
  receive(connection: ClientConnection, route: GatewayRoute, data: Buffer, isBinary: boolean): void {
    const { inbox } = connection;
    const refused = inbox.rate.take(data.length);
    if (refused !== undefined) {
      if (inbox.rate.refusedInARow >= route.limits.rateLimitCloseAfter) {
        connection.close(CloseCode.POLICY_VIOLATION, 'rate limit exceeded');
      } else {
        this.refuse(connection, data, isBinary, refused);
      }
      return;
    }
    if (inbox.frames.length >= MAX_PENDING_FRAMES) {
      this.refuse(connection, data, isBinary, 'too many messages waiting for their handlers');
      return;
    }
    inbox.frames.push({ data, isBinary });
    inbox.readBytes += data.length;
    // libuv reads a socket up to 32 times in one go: a slice's bytes read this turn, or a backlog, stops it until the next.
    if (!inbox.paused && (inbox.frames.length > SLICE_FRAMES || inbox.readBytes >= SLICE_BYTES)) this.pauseReading(connection);
    if (inbox.ready && !inbox.draining) void this.drain(connection, route);
  }

  /** Stops reading the socket until the next turn of the event loop at least, and until its backlog is handled. */
  private pauseReading(connection: ClientConnection): void {
    const { inbox } = connection;
    inbox.paused = inbox.waitingTurn = true;
    connection.socket.pause();
    setImmediate(() => {
      inbox.waitingTurn = false;
      inbox.readBytes = 0;
      this.resumeReading(connection);
    });
  }

  private resumeReading(connection: ClientConnection): void {
    const { inbox } = connection;
    if (!inbox.paused || inbox.waitingTurn || inbox.frames.length > 0) return;
    inbox.paused = false;
    connection.socket.resume();
  }

  /** Handles queued frames, a slice per turn of the event loop (see `SLICE_FRAMES`), until none is left; started again by the next frame. */
  async drain(connection: ClientConnection, route: GatewayRoute): Promise<void> {
    const { inbox } = connection;
    inbox.draining = true;
    try {
      let frames = 0;
      let bytes = 0;
      for (let next = inbox.frames.shift(); next; next = inbox.frames.shift()) {
        const refusals = inbox.refusals;
        if ('refused' in next) {
          this.fail(connection, ErrorCode.RATE_LIMITED, next.refused, next.id);
        } else {
          bytes += next.data.length;
          await this.handleSafely(connection, route, next.data, next.isBinary);
        }
        if (inbox.frames.length > 0 && (inbox.refusals !== refusals || ++frames >= SLICE_FRAMES || bytes >= SLICE_BYTES)) {
          await nextTurn();
          frames = bytes = 0;
        }
      }
    } finally {
      inbox.draining = false;
      this.resumeReading(connection);
    }
  }

  private async handleSafely(connection: ClientConnection, route: GatewayRoute, data: Buffer, isBinary: boolean): Promise<void> {
    try {
      await this.handle(connection, route, data, isBinary);
    } catch (error) {
      // handle() maps every expected failure itself; this is a bug, and must not stop the connection's other frames.
      this.logger.error(`a frame on ${route.matcher.pattern} failed outside its handler`, stackOf(error));
      this.fail(connection, ErrorCode.INTERNAL, 'Internal server error');
    }
  }

  /**
   * A frame refused by the flow limits: `RATE_LIMITED`, with the frame's id
   * so a client's pending request fails at once instead of timing out.
   * Before the `connected` frame is out, the refusal waits its turn in the
   * inbox (while there is room), so `connected` stays the first frame.
   */
  private refuse(connection: ClientConnection, data: Buffer, isBinary: boolean, why: string): void {
    // A scan for the id, not a parse: refusing must cost less than handling, or a flood of refused frames still holds the loop.
    const id = isBinary ? undefined : scanFrameId(data.toString());
    if (connection.inbox.ready) return this.fail(connection, ErrorCode.RATE_LIMITED, why, id);
    if (connection.inbox.frames.length < MAX_PENDING_FRAMES) connection.inbox.frames.push({ refused: why, id });
  }

  private async handle(connection: ClientConnection, route: GatewayRoute, data: Buffer, isBinary: boolean): Promise<void> {
    const decoded = decodeFrame(data, isBinary, route.limits);
    if (!decoded.ok) return this.fail(connection, decoded.code, decoded.reason, decoded.id);
    const frame = decoded.frame;
    if (frame.kind === 'binary') {
      const handler = route.handlers.get(BINARY_EVENT);
      if (!handler) return this.fail(connection, ErrorCode.BAD_FRAME, `${route.matcher.pattern} takes no binary frames`);
      return this.invoke(connection, route, BINARY_EVENT, frame.data, { kind: 'binary', event: BINARY_EVENT, data: frame.data });
    }
    switch (frame.event) {
      case BuiltInEvent.JOIN_ROOM:
        return this.joinRoom(connection, route, frame);
      case BuiltInEvent.LEAVE_ROOM:
        return this.leaveRoom(connection, frame);
    }
    if (!route.handlers.has(frame.event)) {
      return this.fail(connection, ErrorCode.UNKNOWN_EVENT, `no handler for event "${frame.event}" on ${route.matcher.pattern}`, frame.id);
    }
    return this.invoke(connection, route, frame.event, frame.message, frame);
  }

  private async invoke(
    connection: ClientConnection,
    route: GatewayRoute,
    event: string,
    message: unknown,
    frame: FrameContext['frame'],
  ): Promise<void> {
    const handler = route.handlers.get(event)!;
    const id = frame.kind === 'event' ? frame.id : undefined;
    const replyEvent = frame.kind === 'event' ? frame.event : 'binary';
    let replied = false;
    const ack = (value?: unknown): void => {
      if (replied) return;
      replied = true;
      this.send(connection, encodeFrame({ kind: 'event', event: replyEvent, message: value, id }));
    };
    connection.emitter ??= new SenderEmitter(this.fanout, connection.id, connection.route);
    try {
      const result = await handler(connection, message, { frame, emitter: connection.emitter, ack }, event);
      if (result === HANDLED_BY_FILTER) return;
      if (result !== undefined || id !== undefined) ack(result);
    } catch (error) {
      const { body, internal } = toExceptionBody(error);
      if (internal) this.logger.error(`handler of "${event}" on ${route.matcher.pattern} failed`, stackOf(error));
      this.send(connection, encodeFrame({ kind: 'exception', error: body, id }));
    }
  }

  private async joinRoom(
    connection: ClientConnection,
    route: GatewayRoute,
    frame: Extract<InboundFrame, { kind: 'event' }>,
  ): Promise<void> {
    const { joins } = route;
    if (!joins.clientJoins)
      return this.fail(connection, ErrorCode.FORBIDDEN, `${route.matcher.pattern} does not let clients join rooms`, frame.id);
    const room = frame.message;
    const invalid = checkRoomName(room, route.limits.maxRoomNameLength);
    if (invalid !== undefined) return this.fail(connection, ErrorCode.INVALID_ROOM, invalid, frame.id);
    const name = room as string;
    if (!connection.rooms.has(name) && connection.rooms.size >= route.limits.maxRoomsPerConnection) {
      return this.fail(
        connection,
        ErrorCode.TOO_MANY_ROOMS,
        `a connection may be in at most ${route.limits.maxRoomsPerConnection} rooms`,
        frame.id,
      );
    }
    if (joins.check) {
      connection.emitter ??= new SenderEmitter(this.fanout, connection.id, connection.route);
      const refused = await joins.check(connection, name, { frame, emitter: connection.emitter, ack: noAck }, frame.event);
      if (refused) return this.send(connection, encodeFrame({ kind: 'exception', error: refused, id: frame.id }));
      // The client is leaving (it closed while the join was being authorized): a join now would outlive its clean-up.
      if (connection.socket.readyState !== WebSocket.OPEN) return;
    }
    const history = this.historyRooms.limitsOf(name);
    if (history) {
      const reply = (message: unknown): void => {
        if (frame.id !== undefined) this.send(connection, encodeFrame({ kind: 'event', event: frame.event, message, id: frame.id }));
      };
      const refusal = 'the backplane did not answer (the connection registry or the room history)';
      await this.registry(connection, frame, () => this.recovery.join(connection, name, history, frame, reply), refusal);
      return;
    }
    if (!(await this.registry(connection, frame, () => this.membership.joinLocal(connection, name)))) return;
    if (frame.id !== undefined)
      this.send(connection, encodeFrame({ kind: 'event', event: frame.event, message: { room: name }, id: frame.id }));
  }

  private async leaveRoom(connection: ClientConnection, frame: Extract<InboundFrame, { kind: 'event' }>): Promise<void> {
    if (typeof frame.message !== 'string')
      return this.fail(connection, ErrorCode.INVALID_ROOM, 'room must be a non-empty string', frame.id);
    const room = frame.message;
    if (!(await this.registry(connection, frame, () => this.membership.leaveLocal(connection, room)))) return;
    if (frame.id !== undefined)
      this.send(connection, encodeFrame({ kind: 'event', event: frame.event, message: { room: frame.message }, id: frame.id }));
  }

  /** Runs a registry write for a frame; when the backplane fails it, the sender gets `INTERNAL` and false. */
  private async registry(
    connection: ClientConnection,
    frame: Extract<InboundFrame, { kind: 'event' }>,
    write: () => Promise<unknown>,
    refusal = 'the connection registry did not accept it',
  ): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (error) {
      this.logger.error(`${frame.event} for ${connection.id} failed in the backplane`, stackOf(error));
      this.fail(connection, ErrorCode.INTERNAL, `${frame.event} failed: ${refusal}; try again`, frame.id);
      return false;
    }
  }

  private fail(connection: ClientConnection, code: ExceptionBody['code'], message: string, id?: FrameId): void {
    connection.inbox.refusals++;
    this.send(connection, encodeFrame({ kind: 'exception', error: { status: 'error', code, message }, id }));
  }

  private send(connection: ClientConnection, { bytes, binary }: EncodedFrame): void {
    connection.write(bytes, binary);
  }
}
