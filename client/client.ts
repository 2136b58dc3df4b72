import { ReconnectAttempts } from './reconnect-attempts';
import { ClientErrorCode, SwitchboardClientError } from './errors';
import type { ClientEventName, DefaultEvents, MessageArgs, PayloadOf, ReplyOf } from './event-map';
import { ClientEvents, messageOf, type ConnectionState } from './client-events';
import { resolveOptions, type ClientOptions, type ResolvedClientOptions } from './options';
import { describe } from './pending-requests';
import { decideAfterClose } from './reconnect-policy';
import type { RoomPosition } from './room-history';
import { RoomMemberships } from './room-memberships';
import { unrefTimeout, type TimerHandle } from './timers';
import type { WebSocketConstructorLike, WebSocketLike } from './websocket-like';
import { Outbox, type RequestExtras } from './outbox';
import { copyOf, type RequestOptions } from './outgoing';
import { decodeServerFrame } from './wire';

export type { RequestOptions } from './outgoing';

/**
 * A Switchboard connection that keeps itself alive: it reconnects with
 * backoff, rejoins its rooms and sends what was queued while it was away.
 * Create it with `connect()`.
 */
export class SwitchboardClient<S extends object = DefaultEvents, C extends object = DefaultEvents> extends ClientEvents<S> {
  private readonly options: ResolvedClientOptions;
  private readonly outbox: Outbox;
  private readonly memberships: RoomMemberships;
  private socket: WebSocketLike | undefined;
  /** Increases with every socket, so callbacks of an old socket can tell they are stale. */
  private generation = 0;
  private connectionId: string | undefined;
  /** The id of the last connection that said hello and closed: a rejoin names it as `previous`. */
  private previousId: string | undefined;
  private current: ConnectionState = 'connecting';
  private readonly attempts: ReconnectAttempts;
  private openedAt: number | undefined;
  private connectTimer: TimerHandle | undefined;
  private retryTimer: TimerHandle | undefined;
  private closeWaiters: (() => void)[] = [];

  constructor(
    /** The `ws://` or `wss://` URL connected to (again) on every attempt. */
    readonly url: string,
    options: ClientOptions = {},
    fallbackWebSocket?: WebSocketConstructorLike,
  ) {
    super();
    this.options = resolveOptions(options, fallbackWebSocket);
    this.attempts = new ReconnectAttempts(this.options.reconnect);
    this.outbox = new Outbox(this.options, { socket: () => this.socket, state: () => this.current, report: (error) => this.report(error) });
    this.memberships = new RoomMemberships(this.options.requestTimeout, {
      state: () => this.current,
      connectionId: () => this.connectionId,
      request: (event, message, timeout, direct, extras) => this.track(event, message, timeout, direct, extras),
      report: (error) => this.report(error),
      recovery: ({ event, message }) => this.notify(event, message, message.room),
    });
    this.open();
  }

  /** The connection id the server assigned (from its `connected` frame); undefined while not connected. */
  get id(): string | undefined {
    return this.connectionId;
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** Rooms joined with `joinRoom()` (and being rejoined after a reconnect). */
  get rooms(): readonly string[] {
    return this.memberships.names;
  }

  /**
   * Where the client is in `room`'s history: the epoch and the offset of the
   * last frame of the room it saw. Undefined for a room without history, or
   * one not joined (yet).
   */
  positionOf(room: string): RoomPosition | undefined {
    return this.memberships.positionOf(room);
  }

  /** Frames waiting in the offline queue. */
  get queued(): number {
    return this.outbox.size;
  }

  /**
   * Resolves with the connection id once the client is connected (at once
   * if it is); rejects if it closes, or after `timeout` ms (default: the
   * connect timeout).
   */
  ready(timeout = this.options.connectTimeout): Promise<string> {
    if (this.current === 'connected' && this.connectionId) return Promise.resolve(this.connectionId);
    if (this.current === 'closed') return Promise.reject(this.closedError('ready()'));
    return new Promise((resolve, reject) => {
      const done = (): void => {
        offConnected();
        offState();
        clearTimeout(timer);
      };
      const offConnected = this.onConnected((id) => (done(), resolve(id)));
      const offState = this.onStateChange((state) => state === 'closed' && (done(), reject(this.closedError('ready()'))));
      const timer = unrefTimeout(() => {
        done();
        reject(
          new SwitchboardClientError(
            ClientErrorCode.TIMEOUT,
            `not connected to ${this.url} after ${timeout} ms (state ${this.current}, attempt ${this.attempts.current})`,
          ),
        );
      }, timeout);
    });
  }

  // ---- sending ------------------------------------------------------------

  /**
   * Sends `{event, message}`. While not connected the frame waits in the
   * offline queue and is sent, in order, after the next connection has
   * rejoined its rooms. Returns false when the frame was dropped (the client
   * is closed, or the queue is full under `drop-newest`).
   */
  emit<E extends ClientEventName<C>>(event: E, ...message: MessageArgs<PayloadOf<C[E]>>): boolean {
    if (this.current === 'closed') return false;
    return this.outbox.send(message.length > 0 ? { event, message: message[0] } : { event });
  }

  /**
   * Sends `data` as one binary frame, which the route's `@OnBinary()`
   * handler receives as a `Buffer`. The bytes are copied, so the caller may
   * reuse its buffer; while not connected the frame waits in the offline
   * queue, in order with the others. Returns false when it was dropped.
   */
  emitBinary(data: ArrayBuffer | ArrayBufferView): boolean {
    if (this.current === 'closed') return false;
    return this.outbox.send(copyOf(data));
  }

  /**
   * Sends `{event, message, id}` and resolves with the `message` of the reply
   * carrying the same id. Rejects with the server's code when it answers with
   * an `exception`, with `TIMEOUT` (saying whether the request was still
   * queued or sent), `DISCONNECTED` when the connection drops after sending,
   * `QUEUE_FULL` or `CLOSED`.
   */
  request<E extends ClientEventName<C>>(event: E, message: PayloadOf<C[E]>, options: RequestOptions = {}): Promise<ReplyOf<C[E]>> {
    return this.track(event, message, options.timeout ?? this.options.requestTimeout, false) as Promise<ReplyOf<C[E]>>;
  }

  // ---- rooms --------------------------------------------------------------

  /**
   * Joins `room` and remembers it: every later connection joins it again
   * before anything queued is sent. Resolves when the server acknowledges
   * (on the next connection, if the client is offline now); rejects with the
   * server's code (`INVALID_ROOM`, `TOO_MANY_ROOMS`) and forgets the room when
   * it is refused, or with `TIMEOUT`.
   */
  joinRoom(room: string, options: RequestOptions = {}): Promise<void> {
    if (this.current === 'closed') return Promise.reject(this.closedError(`joinRoom "${room}"`));
    return this.memberships.join(room, options.timeout ?? this.options.requestTimeout);
  }

  /**
   * Leaves `room` and forgets it, and its position. Resolves when the server
   * acknowledges, or at once while offline (no connection is in it).
   */
  leaveRoom(room: string, options: RequestOptions = {}): Promise<void> {
    return this.memberships.leave(room, options.timeout ?? this.options.requestTimeout);
  }

  /**
   * While waiting to reconnect, tries at once instead (e.g. on the browser's
   * `online` event, after the network came back); false in any other state,
   * including while an attempt is already under way.
   */
  reconnectNow(): boolean {
    if (this.current !== 'reconnecting' || this.retryTimer === undefined) return false;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.open();
    return true;
  }

  /**
   * Closes the connection and stops reconnecting. Pending requests reject
   * with `CLOSED`; the queue is dropped. Resolves once the socket is closed.
   */
  close(code = 1000, reason = ''): Promise<void> {
    this.stop(new SwitchboardClientError(ClientErrorCode.CLOSED, 'close() was called'));
    const socket = this.socket;
    if (!socket) return Promise.resolve();
    return new Promise((resolve) => {
      this.closeWaiters.push(resolve);
      // The close handshake normally ends with a `close` event; this bounds the wait if it never comes.
      const fallback = unrefTimeout(() => this.closed(socket, 1006, 'close handshake timed out'), 2000);
      this.closeWaiters.push(() => clearTimeout(fallback));
      try {
        socket.close(code, reason);
      } catch {
        this.closed(socket, code, reason);
      }
    });
  }

  // ---- connection lifecycle -----------------------------------------------

  private open(): void {
    const generation = ++this.generation;
    let socket: WebSocketLike;
    try {
      socket = new this.options.WebSocket(this.url, this.options.protocols);
    } catch (error) {
      // A malformed URL: no retry can fix it.
      this.report(new SwitchboardClientError(ClientErrorCode.CONNECT_FAILED, `cannot connect to ${this.url}: ${messageOf(error)}`));
      this.stop(new SwitchboardClientError(ClientErrorCode.CLOSED, `the URL ${this.url} cannot be connected to`));
      return;
    }
    this.socket = socket;
    // Browsers default to Blob, which only reads back asynchronously: bytes arrive in order this way.
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      this.openedAt = Date.now();
    };
    socket.onmessage = (event) => {
      if (generation !== this.generation) return;
      if (typeof event.data === 'string') this.receive(event.data, generation);
      else if (event.data instanceof ArrayBuffer) this.lifecycle.binary.emit([new Uint8Array(event.data)], this.listenerFailed);
    };
    // Every error is followed by a `close` event, which carries what there is to know.
    socket.onerror = () => undefined;
    socket.onclose = (event) => this.closed(socket, event.code, event.reason);
    this.connectTimer = unrefTimeout(
      () => this.abandon(socket, `no "connected" frame within ${this.options.connectTimeout} ms`),
      this.options.connectTimeout,
    );
  }

  private receive(text: string, generation: number): void {
    const frame = decodeServerFrame(text);
    if (!frame) {
      this.report(
        new SwitchboardClientError(
          ClientErrorCode.BAD_FRAME,
          `the server sent a text frame that is not a protocol frame: ${text.slice(0, 100)}`,
        ),
      );
      return;
    }
    switch (frame.kind) {
      case 'connected':
        if (this.connectionId === undefined) void this.welcome(frame.id, generation);
        return;
      case 'exception': {
        const { code, message, fields } = frame.error;
        const error = new SwitchboardClientError(code, message, fields && { fields });
        if (frame.id !== undefined) {
          this.outbox.pending.reject(frame.id, error);
          return;
        }
        this.report(error);
        this.dispatch('exception', frame.error, undefined, undefined);
        return;
      }
      case 'event':
        // Only replies carry an id; a reply that comes after its timeout is dropped, never dispatched.
        if (frame.id !== undefined) this.outbox.pending.resolve(frame.id, frame.message);
        else {
          this.memberships.track(frame);
          this.dispatch(frame.event, frame.message, frame.sender, frame.room);
        }
    }
  }

  /** The server said hello: rejoin rooms, then flush the queue, then tell the app. */
  private async welcome(id: string, generation: number): Promise<void> {
    clearTimeout(this.connectTimer);
    this.connectionId = id;
    // close() during the rejoin leaves the socket (and so the generation) in place until its close event: stop here too.
    const current = (): boolean => generation === this.generation && this.current !== 'closed';
    if (!(await this.memberships.rejoinAll(this.previousId, current))) return;
    // Queued frames leave before any listener hears of the connection, so nothing a listener sends overtakes them.
    this.outbox.flush();
    this.setState('connected');
    this.lifecycle.connected.emit([id], this.listenerFailed);
  }

  private closed(socket: WebSocketLike, code: number, reason: string): void {
    if (socket !== this.socket) return;
    socket.onopen = socket.onmessage = socket.onerror = socket.onclose = null;
    this.socket = undefined;
    clearTimeout(this.connectTimer);
    const openedAt = this.openedAt;
    this.openedAt = undefined;
    this.previousId = this.connectionId ?? this.previousId;
    this.connectionId = undefined;
    this.generation++;
    this.outbox.pending.rejectAll(
      (request) =>
        new SwitchboardClientError(
          ClientErrorCode.DISCONNECTED,
          `the connection closed (code ${code}${reason ? `: ${reason}` : ''}) after ${describe(request)} was sent and before its reply arrived`,
        ),
      'sent',
    );
    if (openedAt !== undefined) this.lifecycle.disconnected.emit([code, reason], this.listenerFailed);
    if (this.current === 'closed') {
      for (const resolve of this.closeWaiters.splice(0)) resolve();
      return;
    }
    this.scheduleRetry(socket, code, reason, openedAt);
  }

  private scheduleRetry(socket: WebSocketLike, code: number, reason: string, openedAt: number | undefined): void {
    const decision = decideAfterClose({ code, reason, handshakeStatus: socket.handshakeStatus }, this.options.reconnect);
    if (!decision.retry) {
      const errorCode = decision.why === 'refused' ? ClientErrorCode.HANDSHAKE_REJECTED : ClientErrorCode.CLOSED;
      const error = new SwitchboardClientError(errorCode, `${decision.explanation}; not reconnecting`, {
        code,
        reason,
        status: socket.handshakeStatus,
      });
      this.report(error);
      return this.stop(error);
    }
    if (openedAt === undefined) {
      this.report(
        new SwitchboardClientError(
          ClientErrorCode.CONNECT_FAILED,
          `could not connect to ${this.url} (code ${code}${reason ? `: ${reason}` : ''})`,
        ),
      );
    }
    const next = this.attempts.next(openedAt, decision.prompt);
    if (!next) {
      const { maxAttempts } = this.options.reconnect;
      const error = new SwitchboardClientError(
        ClientErrorCode.RECONNECT_FAILED,
        `gave up after ${maxAttempts} failed attempts to reach ${this.url}`,
      );
      this.report(error);
      return this.stop(error);
    }
    const { attempt, delay } = next;
    this.setState('reconnecting');
    this.lifecycle.reconnecting.emit([attempt, delay], this.listenerFailed);
    // Not unref'ed on purpose: a Node process whose only job is this client must stay alive while it reconnects.
    if (this.current !== 'reconnecting') return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.open();
    }, delay);
  }

  /** Gives up on a socket that never said hello. */
  private abandon(socket: WebSocketLike, why: string): void {
    try {
      socket.close();
    } catch {
      // Closing a socket that is still connecting may throw in some implementations; it is dropped either way.
    }
    this.closed(socket, 1006, why);
  }

  /** Enters `closed`: no more retries, every pending request and queued frame is abandoned. */
  private stop(cause: SwitchboardClientError): void {
    clearTimeout(this.retryTimer);
    this.setState('closed');
    this.outbox.pending.rejectAll(
      (request) => new SwitchboardClientError(ClientErrorCode.CLOSED, `${describe(request)} was abandoned: ${cause.message}`),
    );
    this.outbox.dropQueued();
    this.memberships.abandon(cause);
  }

  // ---- frames out ---------------------------------------------------------

  /** Tracks a request through the outbox; rejected at once when the client is closed. */
  private track(event: string, message: unknown, timeout: number, direct: boolean, extras?: RequestExtras): Promise<unknown> {
    if (this.current === 'closed') return Promise.reject(this.closedError(`request "${event}"`));
    return this.outbox.request(event, message, timeout, direct, extras);
  }

  // ---- helpers ------------------------------------------------------------

  private setState(state: ConnectionState): void {
    if (this.current === state) return;
    this.current = state;
    this.lifecycle.state.emit([state], this.listenerFailed);
  }

  private closedError(what: string): SwitchboardClientError {
    return new SwitchboardClientError(ClientErrorCode.CLOSED, `${what}: the client is closed`);
  }
}
