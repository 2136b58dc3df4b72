import type { InboundFrame } from '../protocol';
import type { WsEmitter } from '../services/ws-emitter';
import type { HubConnection } from '../services/hub-connection';

/** A function that replies to the frame being handled. */
export type AckFn = (message?: unknown) => void;

/** Per-frame state handed to parameter resolution. */
export interface FrameContext {
  readonly frame: Extract<InboundFrame, { kind: 'event' }> | { kind: 'binary'; event: string; data: Buffer };
  readonly emitter: WsEmitter;
  readonly ack: AckFn;
}

/**
 * The argument list every handler is invoked with, and so what
 * `ExecutionContext.getArgs()` returns in guards and interceptors:
 * `switchToWs().getClient()` is the connection, `getData()` the message and
 * `getPattern()` the event name.
 */
export type HandlerArgs = [connection: HubConnection, message: unknown, context: FrameContext, event: string];

/** What a handler resolves with when one of its exception filters took the error over: send nothing more. */
export const HANDLED_BY_FILTER: unique symbol = Symbol('handled by an exception filter');

/** A controller method wrapped with its guards, pipes, interceptors and filters. */
export type BoundHandler = (...args: HandlerArgs) => Promise<unknown>;
