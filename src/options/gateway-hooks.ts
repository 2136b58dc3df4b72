import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { ConnectionInfo } from '../backplanes/connection-info';
import type { WsConnection } from '../services/ws-connection';

/** What a before-connect hook sees of the upgrade request. */
export interface HandshakeContext {
  readonly request: IncomingMessage;
  /** The request path, without the query string. */
  readonly path: string;
  /** The route pattern of the gateway that matched. */
  readonly route: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  /**
   * The client's address: the socket's, or behind a proxy listed in
   * `trustedProxies` the nearest untrusted one in `X-Forwarded-For`. The
   * per-address limits count it; handlers read it as `connection.ip`.
   */
  readonly address: string;
  /** Data attached by earlier hooks; handlers read it as `connection.data`. */
  readonly data: Record<string, unknown>;
}

/**
 * Runs on the upgrade request, before the connection exists. Return `false`
 * (or throw `ForbiddenException`) to answer HTTP 403, throw
 * `UnauthorizedException` for 401, or return an object to merge into
 * `connection.data`.
 */
export type BeforeConnectHook = (
  ctx: HandshakeContext,
) => boolean | void | Record<string, unknown> | Promise<boolean | void | Record<string, unknown>>;

/** Runs once the connection is open and its `connected` frame is sent. */
export type ConnectHook = (connection: WsConnection) => void | Promise<void>;

/** What an on-disconnect hook is told about the connection that ended. */
export interface DisconnectInfo extends ConnectionInfo {
  readonly code: number;
  readonly reason: string;
  /** How long the connection lived, in ms. */
  readonly durationMs: number;
}

/** Runs after the connection has closed and left every room. */
export type DisconnectHook = (info: DisconnectInfo, connection: WsConnection) => void | Promise<void>;

/**
 * Runs when a connection's socket fails: a frame the WebSocket protocol
 * refuses (bad opcode, bad UTF-8, over `maxPayload`), a reset. The error
 * carries ws's `code` (e.g. `WS_ERR_UNSUPPORTED_MESSAGE_LENGTH`) when ws
 * raised it. The connection closes by itself next (1002, 1007, 1009 …) and
 * `onDisconnect` follows; this hook is for logs and metrics.
 */
export type ErrorHook = (error: Error, connection: WsConnection) => void | Promise<void>;

/** Hooks of a route, or of every route when given to the module. */
export interface GatewayHooks {
  readonly beforeConnect?: BeforeConnectHook;
  readonly onConnect?: ConnectHook;
  readonly onDisconnect?: DisconnectHook;
  readonly onError?: ErrorHook;
}

/** A gateway class that checks or enriches the upgrade request (Nest DI available). */
export interface OnBeforeConnect {
  beforeConnect(ctx: HandshakeContext): ReturnType<BeforeConnectHook>;
}
/** A gateway class told of every new connection on its route. */
export interface OnConnect {
  onConnect(connection: WsConnection): void | Promise<void>;
}
/** A gateway class told of every connection that ends on its route. */
export interface OnDisconnect {
  onDisconnect(info: DisconnectInfo, connection: WsConnection): void | Promise<void>;
}
/** A gateway class told of every socket error on its route (see `ErrorHook`). */
export interface OnSocketError {
  onError(error: Error, connection: WsConnection): void | Promise<void>;
}
