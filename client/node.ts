import type { ClientRequest, IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { SwitchboardClient } from './client';
import type { DefaultEvents } from './event-map';
import type { ClientOptions } from './options';
import type { WebSocketConstructorLike } from './websocket-like';

export * from './api';

/**
 * `ws`, plus what browsers cannot offer: the HTTP status of a refused
 * handshake, so a 401 or 403 stops the client instead of retrying.
 */
class NodeWebSocket extends WebSocket {
  handshakeStatus?: number;

  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols);
    this.once('unexpected-response', (_request: ClientRequest, response: IncomingMessage) => {
      this.handshakeStatus = response.statusCode;
      response.resume();
      // Aborts the handshake; `ws` then emits `error` and `close` (1006) as it would without this listener.
      this.terminate();
    });
  }
}

/**
 * Opens a Switchboard connection that reconnects by itself (Node entry: uses
 * the `ws` package unless `options.WebSocket` is given).
 *
 * @typeParam S event name → payload of what the server sends.
 * @typeParam C event name → payload (or `(message) => reply`) of what the client sends.
 */
export function connect<S extends object = DefaultEvents, C extends object = DefaultEvents>(
  url: string,
  options: ClientOptions = {},
): SwitchboardClient<S, C> {
  return new SwitchboardClient<S, C>(url, options, NodeWebSocket as unknown as WebSocketConstructorLike);
}

export default connect;
