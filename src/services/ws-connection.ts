import type { IncomingHttpHeaders } from 'node:http';
import type { WebSocket } from 'ws';

/**
 * A connected client as handlers, hooks and guards see it
 * (`context.switchToWs().getClient<WsConnection>()`).
 */
export interface WsConnection {
  /** Unique across every node of the deployment. */
  readonly id: string;
  /** The path the client connected to, without the query string. */
  readonly path: string;
  /** The gateway's route pattern, e.g. `/ws/chat/:roomId`. */
  readonly route: string;
  /** Route parameters, e.g. `{ roomId: 'lobby' }`. */
  readonly params: Readonly<Record<string, string>>;
  /** Query string parameters of the upgrade request. */
  readonly query: Readonly<Record<string, string>>;
  /** Headers of the upgrade request. */
  readonly headers: IncomingHttpHeaders;
  /** Data attached by before-connect hooks and guards (e.g. `user`). */
  readonly data: Readonly<Record<string, unknown>>;
  /** The negotiated subprotocol, or '' when none was. */
  readonly protocol: string;
  /** Rooms this connection is in. */
  readonly rooms: ReadonlySet<string>;
  /** Application metadata, as last set with `updateConnectionMetadata()`. */
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly connectTime: Date;
  /** The address of the socket's peer: behind a reverse proxy, the proxy's. */
  readonly remoteAddress: string | undefined;
  /**
   * The client's address, as Express gives it on a request (`req.ip`): the
   * socket's, or behind a proxy listed in `trustedProxies` the nearest
   * untrusted one in `X-Forwarded-For`. For guards that read
   * `switchToHttp().getRequest().ip` (e.g. `ThrottlerGuard`'s tracker).
   */
  readonly ip: string | undefined;
  /** The underlying `ws` socket, for what Switchboard does not wrap. */
  readonly socket: WebSocket;
  /** Sends one frame to this connection only (what Nest exception filters call). */
  emit(event: string, message?: unknown): boolean;
  /** Closes the connection with a WebSocket close code. */
  close(code?: number, reason?: string): void;
}
