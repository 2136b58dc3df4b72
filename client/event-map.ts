import type { NotRecoveredPayload, RecoveredPayload } from './room-history';
import type { ExceptionPayload } from './wire';

/**
 * The untyped map: any event name, `unknown` payloads. Pass your own maps to
 * `connect<ServerEvents, ClientEvents>()` to have names and payloads checked.
 *
 * - `ServerEvents`: event name → the `message` the server sends with it.
 * - `ClientEvents`: event name → the `message` the client sends, or a
 *   function type `(message: M) => Reply` for events answered through
 *   `request()` (the reply's type is then `Reply`).
 */
export type DefaultEvents = Record<string, unknown>;

/**
 * Events the client itself raises, one per room on a rejoin after a
 * reconnect that sent the room's position (rooms with history only). Handlers
 * get `(message, undefined, room)`.
 */
export interface ClientMadeEvents {
  /** The server resumed the room: `missed` frames follow, in order, then live ones. */
  recovered: RecoveredPayload;
  /** The server could not resume the room: frames were lost, reload the room's state. */
  notRecovered: NotRecoveredPayload;
}

/**
 * What every client may receive, whatever the app's map says: the frames
 * every Switchboard server may send, and the client's own events.
 */
export interface BuiltInServerEvents extends ClientMadeEvents {
  /** An error not correlated to a request (correlated ones reject the request instead). */
  exception: ExceptionPayload;
}

/** Event names a client can listen to. */
export type ServerEventName<S> = (keyof S & string) | keyof BuiltInServerEvents;

/** The payload of server event `E`. */
export type ServerPayload<S, E> = E extends keyof BuiltInServerEvents ? BuiltInServerEvents[E] : E extends keyof S ? S[E] : never;

/** Event names the client can send. */
export type ClientEventName<C> = keyof C & string;

/** The `message` of a client event entry: the entry itself, or the parameter of a `(message) => reply` entry. */
export type PayloadOf<T> = T extends (message: infer P) => unknown ? P : T;

/** The reply of a client event entry: the return type of a `(message) => reply` entry, else `unknown`. */
export type ReplyOf<T> = T extends (...args: never[]) => infer R ? R : unknown;

/** `[message]`, made optional when the payload may be undefined. */
export type MessageArgs<P> = undefined extends P ? [message?: P] : [message: P];

/** A handler of one event: the message, the sender's connection id (if any) and the room it was sent to (if any). */
export type EventHandler<M> = (message: M, sender: string | undefined, room: string | undefined) => void;

/** A handler of every frame (`on('*', …)`); it also gets the event name. */
export type AnyEventHandler = (message: unknown, sender: string | undefined, room: string | undefined, event: string) => void;
