import { ClientErrorCode, SwitchboardClientError } from './errors';
import type { AnyEventHandler, ClientMadeEvents, EventHandler, ServerEventName, ServerPayload } from './event-map';
import { Listeners } from './listeners';

/**
 * - `connecting`: the first attempt is under way (until rooms are joined).
 * - `connected`: the `connected` frame arrived, remembered rooms are joined, the queue is flushed.
 * - `reconnecting`: the connection dropped or an attempt failed; another is scheduled or under way.
 * - `closed`: `close()` was called, or the client stopped for good (refused handshake, a stop code, retries exhausted).
 */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

/** Handlers of one event get (message, sender, room); `'*'` handlers also get the event. */
type Dispatch = (message: unknown, sender: string | undefined, room: string | undefined, event?: string) => void;
type Untyped = (...args: never[]) => void;

/**
 * The listening half of a client: event handlers and lifecycle callbacks,
 * and how a throwing listener is reported. The connection half
 * (`SwitchboardClient`) feeds it frames and state changes.
 */
export abstract class ClientEvents<S extends object> {
  private readonly handlers = new Map<string, Listeners<Parameters<Dispatch>>>();
  protected readonly lifecycle = {
    connected: new Listeners<[id: string]>(),
    disconnected: new Listeners<[code: number, reason: string]>(),
    reconnecting: new Listeners<[attempt: number, delay: number]>(),
    error: new Listeners<[error: SwitchboardClientError]>(),
    state: new Listeners<[state: ConnectionState]>(),
    binary: new Listeners<[data: Uint8Array]>(),
  };

  /** Calls `handler` for every frame of `event` (`'*'`: every frame, with the event name as 4th argument). */
  on(event: '*', handler: AnyEventHandler): this;
  on<E extends ServerEventName<S>>(event: E, handler: EventHandler<ServerPayload<S, E>>): this;
  on(event: string, handler: Untyped): this {
    this.listenersOf(event).add(handler as Dispatch);
    return this;
  }

  /** Like `on()`, for the next frame of `event` only. */
  once(event: '*', handler: AnyEventHandler): this;
  once<E extends ServerEventName<S>>(event: E, handler: EventHandler<ServerPayload<S, E>>): this;
  once(event: string, handler: Untyped): this {
    this.listenersOf(event).add(handler as Dispatch, true);
    return this;
  }

  /** Removes `handler` from `event`, or every handler of `event` when `handler` is omitted. */
  off(event: '*', handler?: AnyEventHandler): this;
  off<E extends ServerEventName<S>>(event: E, handler?: EventHandler<ServerPayload<S, E>>): this;
  off(event: string, handler?: Untyped): this {
    const listeners = this.handlers.get(event);
    listeners?.delete(handler as Dispatch | undefined);
    if (listeners?.size === 0) this.handlers.delete(event);
    return this;
  }

  /** After every (re)connection, once rooms are rejoined and the queue is flushed; gets the connection id. */
  onConnected(callback: (id: string) => void): () => void {
    return this.lifecycle.connected.add(callback);
  }

  /** When an open connection closes, with its close code and reason. */
  onDisconnected(callback: (code: number, reason: string) => void): () => void {
    return this.lifecycle.disconnected.add(callback);
  }

  /** When a reconnection attempt is scheduled: its number (from 1) and the delay before it, in ms. */
  onReconnecting(callback: (attempt: number, delay: number) => void): () => void {
    return this.lifecycle.reconnecting.add(callback);
  }

  /** Errors no promise carries: failed attempts, uncorrelated `exception` frames, queue overflow, throwing handlers. */
  onError(callback: (error: SwitchboardClientError) => void): () => void {
    return this.lifecycle.error.add(callback);
  }

  /**
   * Every binary frame the server sends (a `Buffer` or typed array in an
   * emit, or what an `@OnBinary()` handler returns), as its bytes. Without a
   * callback, binary frames are dropped.
   */
  onBinary(callback: (data: Uint8Array) => void): () => void {
    return this.lifecycle.binary.add(callback);
  }

  /** Every change of `state`. */
  onStateChange(callback: (state: ConnectionState) => void): () => void {
    return this.lifecycle.state.add(callback);
  }

  /** Dox client name of `onConnected`. */
  onOpen(callback: (id: string) => void): () => void {
    return this.onConnected(callback);
  }

  /** Dox client name of `onDisconnected`. */
  onClose(callback: (code: number, reason: string) => void): () => void {
    return this.onDisconnected(callback);
  }

  protected dispatch(event: string, message: unknown, sender: string | undefined, room: string | undefined): void {
    this.handlers.get(event)?.emit([message, sender, room], this.listenerFailed);
    this.handlers.get('*')?.emit([message, sender, room, event], this.listenerFailed);
  }

  /**
   * Tells the handlers of one of the client's own events (`recovered`,
   * `notRecovered`). No frame carries it, so `'*'` handlers, which get
   * frames, do not hear of it.
   */
  protected notify<E extends keyof ClientMadeEvents>(event: E, message: ClientMadeEvents[E], room: string): void {
    this.handlers.get(event)?.emit([message, undefined, room], this.listenerFailed);
  }

  private listenersOf(event: string): Listeners<Parameters<Dispatch>> {
    let listeners = this.handlers.get(event);
    if (!listeners) this.handlers.set(event, (listeners = new Listeners()));
    return listeners;
  }

  protected report(error: SwitchboardClientError): void {
    // An onError callback that throws has nowhere left to report to.
    this.lifecycle.error.emit([error], () => undefined);
  }

  protected readonly listenerFailed = (error: unknown): void => {
    this.report(new SwitchboardClientError(ClientErrorCode.LISTENER_FAILED, `a listener threw: ${messageOf(error)}`, { error }));
  };
}

/** The message of a thrown value, whatever was thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
